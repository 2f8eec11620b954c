// The I/O threads of the server. Each thread runs its own io_context and owns the connections
// handed to it: their handlers never run concurrently, so no strand is needed, and one thread
// never has to wake another to go on with a request. Deadlines are enforced by one coarse sweep
// timer per thread instead of a timer reset before every read and write.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/session_list.h"

namespace ferry::http {

class IoThread {
  public:
    explicit IoThread(Clock::duration sweep_interval);

    boost::asio::io_context& context() { return ioc_; }
    // Only for code running on this thread.
    SessionList& sessions() { return sessions_; }

    void start();   // starts the thread; it runs until finish() or stop()
    void finish();  // thread-safe: lets run() return once the work left is done; joins
    void stop();    // thread-safe: abandons pending work (last resort at shutdown)

  private:
    void run();
    void arm_sweep();

    // Before ioc_: handlers still queued when ioc_ goes hold sessions, which leave this list.
    SessionList sessions_;
    boost::asio::io_context ioc_{1};  // concurrency hint: one thread runs it
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    boost::asio::steady_timer sweep_timer_;
    Clock::duration sweep_interval_;
    bool sweeping_ = true;  // touched on this thread only
    std::thread thread_;
};

class IoPool {
  public:
    // `sweep_interval`: how late, at most, a deadline is noticed.
    IoPool(unsigned threads, Clock::duration sweep_interval);

    size_t size() const { return threads_.size(); }
    IoThread& at(size_t i) { return *threads_.at(i); }
    // Where acceptors and signal handling live.
    IoThread& home() { return *threads_.front(); }
    // The thread for the next connection, round robin.
    IoThread& next();

    void start();
    void finish();
    void stop();

  private:
    std::vector<std::unique_ptr<IoThread>> threads_;
    std::atomic<size_t> next_{0};
};

}  // namespace ferry::http
