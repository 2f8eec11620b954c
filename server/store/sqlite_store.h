// Store on one SQLite file (WAL), through SQLiteCpp.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store/store.h"

namespace SQLite {
class Database;
}

namespace ferry::store {

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
    std::mutex mutex_;
    int schema_version_ = 0;
};

}  // namespace ferry::store
