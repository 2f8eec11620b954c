#include "store/sqlite_worker.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <stdexcept>
#include <string>

#include "common/log.h"

namespace ferry::store {
namespace {

// BEGIN, COMMIT, savepoints: statements without results, run again and again.
void run(SQLite::Statement& statement) {
    statement.tryReset();  // its last error, if any, was reported then
    statement.exec();
}

std::exception_ptr store_error(const char* what, const std::exception& e) {
    return std::make_exception_ptr(StoreError(std::string(what) + e.what()));
}

void notify(const TxDone& done, std::exception_ptr error) {
    try {
        done(std::move(error));
    } catch (const std::exception& e) {
        log::error("store completion failed", {{"error", e.what()}});
    } catch (...) {
        log::error("store completion failed", {{"error", "unknown exception"}});
    }
}

}  // namespace

SqliteWorker::SqliteWorker(SQLite::Database& db) : db_(db) {
    begin_ = std::make_unique<SQLite::Statement>(db_, "BEGIN IMMEDIATE");
    commit_ = std::make_unique<SQLite::Statement>(db_, "COMMIT");
    rollback_ = std::make_unique<SQLite::Statement>(db_, "ROLLBACK");
    savepoint_ = std::make_unique<SQLite::Statement>(db_, "SAVEPOINT job");
    release_ = std::make_unique<SQLite::Statement>(db_, "RELEASE job");
    rollback_to_ = std::make_unique<SQLite::Statement>(db_, "ROLLBACK TO job");
    thread_ = std::thread([this] { loop(); });
}

SqliteWorker::~SqliteWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void SqliteWorker::submit(std::function<void(Tx&)> fn, TxDone done) {
    bool was_empty;
    {
        std::lock_guard lock(mutex_);
        was_empty = queue_.empty();
        queue_.push_back({std::move(fn), std::move(done)});
    }
    // The worker only sleeps on an empty queue; otherwise it looks again after its batch.
    if (was_empty)
        wake_.notify_one();
}

void SqliteWorker::run_and_wait(const std::function<void(Tx&)>& fn) {
    if (std::this_thread::get_id() == thread_.get_id())
        throw std::logic_error("store transaction started inside a store transaction");
    std::mutex mutex;
    std::condition_variable ended;
    bool done = false;
    std::exception_ptr error;
    submit([&fn](Tx& tx) { fn(tx); },
           [&](std::exception_ptr e) {
               std::lock_guard lock(mutex);
               error = std::move(e);
               done = true;
               ended.notify_one();  // under the lock: the waiter cannot leave before this returns
           });
    std::unique_lock lock(mutex);
    ended.wait(lock, [&] { return done; });
    if (error)
        std::rethrow_exception(error);
}

void SqliteWorker::loop() {
    std::vector<Job> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty())
                return;  // stopping, and nothing left to run
            batch.swap(queue_);
        }
        run_batch(batch);
        batch.clear();
    }
}

// Usually one transaction; a new one only when SQLite ended the open one by itself.
void SqliteWorker::run_batch(std::vector<Job>& batch) {
    errors_.assign(batch.size(), nullptr);
    for (size_t next = 0; next < batch.size();)
        next = run_transaction(batch, next);
    for (size_t i = 0; i < batch.size(); ++i)
        notify(batch[i].done, std::move(errors_[i]));
}

// Runs jobs from `first` on in one transaction; returns the first job it did not run.
size_t SqliteWorker::run_transaction(std::vector<Job>& batch, size_t first) {
    try {
        run(*begin_);
    } catch (const SQLite::Exception& e) {
        auto error = store_error("cannot begin transaction: ", e);
        for (size_t i = first; i < batch.size(); ++i)
            errors_[i] = error;
        return batch.size();
    }
    for (size_t i = first; i < batch.size(); ++i) {
        if (run_in_savepoint(batch[i], errors_[i]))
            continue;
        // SQLite rolled the whole transaction back (an I/O error, a full disk): the jobs that
        // had succeeded in it are lost with it.
        auto lost = std::make_exception_ptr(StoreError("transaction rolled back by SQLite"));
        for (size_t j = first; j < i; ++j) {
            if (!errors_[j])
                errors_[j] = lost;
        }
        return i + 1;
    }
    try {
        run(*commit_);
    } catch (const SQLite::Exception& e) {
        roll_back();
        auto error = store_error("cannot commit: ", e);
        for (size_t i = first; i < batch.size(); ++i) {
            if (!errors_[i])
                errors_[i] = error;
        }
    }
    return batch.size();
}

// One job in its own savepoint: kept when fn returns, undone alone when it throws. False when
// the enclosing transaction is gone.
bool SqliteWorker::run_in_savepoint(Job& job, std::exception_ptr& error) {
    try {
        run(*savepoint_);
    } catch (const SQLite::Exception& e) {
        error = store_error("cannot open savepoint: ", e);
        return in_transaction();
    }
    try {
        SqliteTx view(db_, statements_, used_, plans_);
        job.fn(view);
        view.finish();
    } catch (...) {
        error = std::current_exception();  // goes to the caller unchanged, as from transact()
        return undo_savepoint();
    }
    try {
        run(*release_);
        return true;
    } catch (const SQLite::Exception& e) {
        error = store_error("cannot release savepoint: ", e);
        return undo_savepoint();
    }
}

bool SqliteWorker::undo_savepoint() {
    if (!in_transaction())
        return false;
    try {
        run(*rollback_to_);
        run(*release_);
        return true;
    } catch (const SQLite::Exception&) {
        roll_back();
        return false;
    }
}

bool SqliteWorker::in_transaction() const {
    return sqlite3_get_autocommit(db_.getHandle()) == 0;
}

// Also after a failed COMMIT, which can leave the transaction open. A failing ROLLBACK means
// SQLite has already rolled back by itself.
void SqliteWorker::roll_back() noexcept {
    try {
        run(*rollback_);
    } catch (const std::exception&) {
    }
}

}  // namespace ferry::store
