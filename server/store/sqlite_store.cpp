#include "store/sqlite_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/log.h"
#include "store/migrations.h"
#include "store/sqlite_worker.h"

namespace ferry::store {
namespace {

int current_schema_version(SQLite::Database& db) {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    SQLite::Statement q(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    q.executeStep();
    return q.getColumn(0).getInt();
}

int migrate(SQLite::Database& db, const std::string& path) {
    int version = current_schema_version(db);
    const auto& all = sqlite_migrations();
    int newest = all.empty() ? 0 : all.back().version;
    if (version > newest) {
        throw StoreError(path + ": schema version " + std::to_string(version) +
                         " was created by a newer ferryd (this one knows up to " +
                         std::to_string(newest) + ")");
    }
    for (const Migration& m : all) {
        if (m.version <= version)
            continue;
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        db.exec(std::string(m.sql));
        SQLite::Statement ins(db,
                              "INSERT INTO schema_migrations (version, name, applied_at) "
                              "VALUES (?, ?, strftime('%s','now'))");
        ins.bind(1, m.version);
        ins.bind(2, std::string(m.name));
        ins.exec();
        tx.commit();
        log::info("schema migration applied", {{"version", m.version}, {"name", m.name}});
        version = m.version;
    }
    return version;
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path) : path_(path) {
    try {
        db_ = std::make_unique<SQLite::Database>(
            path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
        // NOMUTEX: after start-up the connection is used by the worker thread alone.
        db_->setBusyTimeout(5000);
        // WAL: readers never block the writer; NORMAL: durable across a process crash (the
        // SIGKILL case), at most the last commits lost on an OS crash, never corruption.
        db_->exec("PRAGMA journal_mode=WAL");
        db_->exec("PRAGMA synchronous=NORMAL");
        db_->exec("PRAGMA foreign_keys=ON");
        schema_version_ = migrate(*db_, path);
        worker_ = std::make_unique<SqliteWorker>(*db_);
    } catch (const SQLite::Exception& e) {
        throw StoreError("cannot open database " + path + ": " + e.what());
    }
}

SqliteStore::~SqliteStore() = default;

void SqliteStore::transact(const std::function<void(Tx&)>& fn) {
    worker_->run_and_wait(fn);
}

void SqliteStore::transact_async(std::function<void(Tx&)> fn, TxDone done) {
    worker_->submit(std::move(fn), std::move(done));
}

std::string SqliteStore::describe() const {
    return "sqlite:" + path_;
}

}  // namespace ferry::store
