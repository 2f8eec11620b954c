#include "http/io_pool.h"

#include <exception>

#include <boost/asio/post.hpp>

#include "common/log.h"

namespace ferry::http {

namespace net = boost::asio;

IoThread::IoThread(Clock::duration sweep_interval)
    : work_(net::make_work_guard(ioc_)), sweep_timer_(ioc_), sweep_interval_(sweep_interval) {}

void IoThread::start() {
    arm_sweep();
    thread_ = std::thread([this] { run(); });
}

void IoThread::run() {
    for (;;) {
        try {
            ioc_.run();
            return;
        } catch (const std::exception& e) {
            log::error("I/O thread caught an exception", {{"error", e.what()}});
        }
    }
}

void IoThread::arm_sweep() {
    sweep_timer_.expires_after(sweep_interval_);
    sweep_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || !sweeping_)
            return;
        sessions_.sweep(Clock::now());
        arm_sweep();
    });
}

void IoThread::finish() {
    net::post(ioc_, [this] {
        sweeping_ = false;
        sweep_timer_.cancel();
        work_.reset();
    });
    if (thread_.joinable())
        thread_.join();
}

void IoThread::stop() {
    ioc_.stop();
}

IoPool::IoPool(unsigned threads, Clock::duration sweep_interval) {
    for (unsigned i = 0; i < threads; ++i)
        threads_.push_back(std::make_unique<IoThread>(sweep_interval));
}

IoThread& IoPool::next() {
    return *threads_[next_.fetch_add(1, std::memory_order_relaxed) % threads_.size()];
}

void IoPool::start() {
    for (auto& thread : threads_)
        thread->start();
}

// Each thread stops its sweep and drops its work guard, then returns when nothing is left to do.
void IoPool::finish() {
    for (auto& thread : threads_)
        thread->finish();
}

void IoPool::stop() {
    for (auto& thread : threads_)
        thread->stop();
}

}  // namespace ferry::http
