// The thread that owns ferryd's SQLite connection. Every transaction, waited for or not, is
// queued here, and the thread runs whatever has queued up as one batch: BEGIN IMMEDIATE, each
// transaction in its own savepoint, one COMMIT, then each caller hears how its transaction ended.
//
// One COMMIT per batch instead of one per poll is what makes a busy fleet cheap: the WAL write,
// its file locks and the checkpoints are paid once for many polls, and I/O threads never wait
// for each other on the connection. Nothing is weaker for it: each transaction stays atomic (its
// savepoint rolls back alone when it throws), they run one after the other (serialisable), and
// no caller hears of a success before the COMMIT that makes it durable. A batch never holds more
// transactions than there are callers waiting for one, so its size needs no limit.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/sqlite_tx.h"
#include "store/store.h"

namespace ferry::store {

class SqliteWorker {
  public:
    // Starts the thread. `db` must outlive the worker and be used by nobody else meanwhile.
    explicit SqliteWorker(SQLite::Database& db);
    // Runs what is queued, then stops the thread.
    ~SqliteWorker();
    SqliteWorker(const SqliteWorker&) = delete;
    SqliteWorker& operator=(const SqliteWorker&) = delete;

    // Store::transact_async: queues the transaction; done runs on the worker thread.
    void submit(std::function<void(Tx&)> fn, TxDone done);
    // Store::transact: queues the transaction and waits for it to end; rethrows what fn threw,
    // or a StoreError when SQLite failed. Throws std::logic_error on the worker thread itself
    // (a transaction inside a transaction would wait for itself forever).
    void run_and_wait(const std::function<void(Tx&)>& fn);

  private:
    struct Job {
        std::function<void(Tx&)> fn;
        TxDone done;
    };

    void loop();
    void run_batch(std::vector<Job>& batch);
    size_t run_transaction(std::vector<Job>& batch, size_t first);
    bool run_in_savepoint(Job& job, std::exception_ptr& error);
    bool undo_savepoint();
    bool in_transaction() const;
    void roll_back() noexcept;

    SQLite::Database& db_;
    StatementCache statements_;
    std::vector<SQLite::Statement*> used_;  // SqliteTx's scratch list, kept for its capacity
    RolloutPlanCache plans_;
    // Prepared once, like every other statement: parsing them is not free either.
    std::unique_ptr<SQLite::Statement> begin_, commit_, rollback_, savepoint_, release_,
        rollback_to_;
    std::vector<std::exception_ptr> errors_;  // per job of the current batch

    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Job> queue_;
    bool stopping_ = false;
    std::thread thread_;  // last: starts once everything above exists
};

}  // namespace ferry::store
