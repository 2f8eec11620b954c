// Store on one SQLite file (WAL), through SQLiteCpp. One connection, owned by one thread (the
// SqliteWorker): every transaction runs there, and transactions queued meanwhile share a COMMIT.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace SQLite {
class Database;
}  // namespace SQLite

namespace ferry::store {

class SqliteWorker;

class SqliteStore final : public Store {
  public:
    // Opens (creating when missing) and migrates the database. Throws StoreError with the path
    // and the reason, including "created by a newer ferryd" when its schema is ahead of ours.
    explicit SqliteStore(const std::string& path);
    ~SqliteStore() override;

    void transact(const std::function<void(Tx&)>& fn) override;
    void transact_async(std::function<void(Tx&)> fn, TxDone done) override;
    std::string describe() const override;

    // Schema version after migration (number of the last migration applied).
    int schema_version() const { return schema_version_; }

  private:
    std::string path_;
    std::unique_ptr<SQLite::Database> db_;
    int schema_version_ = 0;
    std::unique_ptr<SqliteWorker> worker_;  // destroyed (stopped) before db_
};

}  // namespace ferry::store
