// How many connections the server has open, across all I/O threads: for max_connections, and so
// that shutdown can wait until the last one is gone. No Beast or Asio here.
//
// A connection holds a Slot from accept until its session object is destroyed. Counting is one
// atomic operation per connection; the mutex is taken only when the count reaches zero.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>

namespace ferry::http {

class ConnectionRegistry {
  public:
    // One admitted connection; gives its place back when destroyed. Move-only.
    class Slot {
      public:
        Slot(Slot&& other) noexcept : registry_(other.registry_) { other.registry_ = nullptr; }
        Slot& operator=(Slot&&) = delete;
        ~Slot() {
            if (registry_)
                registry_->release();
        }

      private:
        friend class ConnectionRegistry;
        explicit Slot(ConnectionRegistry* registry) : registry_(registry) {}
        ConnectionRegistry* registry_;
    };

    // A slot when fewer than `max` connections are open; nullopt otherwise. Never lets the count
    // exceed `max`, even with several listeners admitting at once.
    std::optional<Slot> try_admit(size_t max);
    size_t size() const { return count_.load(std::memory_order_relaxed); }

    bool shutting_down() const { return shutting_down_.load(std::memory_order_relaxed); }
    void set_shutting_down() { shutting_down_.store(true); }
    // True when no connection is left by the deadline.
    bool wait_empty_until(std::chrono::steady_clock::time_point deadline);

  private:
    void release();

    std::atomic<size_t> count_{0};
    std::atomic<bool> shutting_down_{false};
    std::mutex mutex_;
    std::condition_variable empty_;
};

}  // namespace ferry::http
