// Store on one SQLite file (WAL), through SQLiteCpp.
#pragma once

#include <pthread.h>

#include <memory>
#include <string>

#include "store/sqlite_tx.h"
#include "store/store.h"

namespace SQLite {
class Database;
}

namespace ferry::store {

// A mutex that spins briefly before sleeping. Store transactions are short (tens of
// microseconds); with a plain mutex the second I/O thread went to sleep and was woken for every
// poll, and those context switches cost more than the transaction itself.
class SpinThenSleepMutex {
public:
    SpinThenSleepMutex();
    ~SpinThenSleepMutex() { pthread_mutex_destroy(&m_); }
    void lock() { pthread_mutex_lock(&m_); }
    void unlock() { pthread_mutex_unlock(&m_); }

private:
    pthread_mutex_t m_;
};

class SqliteStore final : public Store {
public:
    // Opens (creating when missing) and migrates the database. Throws StoreError with the path
    // and the reason, including "created by a newer ferryd" when its schema is ahead of ours.
    explicit SqliteStore(const std::string& path);
    ~SqliteStore() override;

    void transact(const std::function<void(Tx&)>& fn) override;
    std::string describe() const override;

    // Schema version after migration (number of the last migration applied).
    int schema_version() const { return schema_version_; }

private:
    std::string path_;
    std::unique_ptr<SQLite::Database> db_;
    // One connection, one writer: SQLite serialises writers anyway, and a mutex is cheaper than
    // its busy-wait. Image bytes are served from memory and never wait for this.
    SpinThenSleepMutex mutex_;
    int schema_version_ = 0;
    StatementCache statements_;  // destroyed before db_ (declared after it)
};

}  // namespace ferry::store
