// The server's view of its open connections: how many (for max_connections) and a way to reach
// each one at shutdown. No Beast here; sessions register themselves through SessionControl.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace ferry::http {

// What the registry may ask of a session. Both calls are thread-safe: they post onto the
// session's strand.
class SessionControl {
  public:
    virtual ~SessionControl() = default;
    // Close now if idle; otherwise finish the request in flight, then close.
    virtual void begin_shutdown() = 0;
    // Close now, whatever the session is doing.
    virtual void force_close() = 0;
};

class ConnectionRegistry {
  public:
    // A session added after begin_shutdown_all() is told to shut down at once.
    void add(const std::shared_ptr<SessionControl>& session);
    void remove(const SessionControl* session);
    size_t size() const;
    bool shutting_down() const { return shutting_down_.load(std::memory_order_relaxed); }

    void begin_shutdown_all();
    void force_close_all();
    // True when no session is left by the deadline.
    bool wait_empty_until(std::chrono::steady_clock::time_point deadline);

  private:
    template <class Fn>
    void for_each(Fn fn);

    mutable std::mutex mutex_;
    std::condition_variable empty_;
    std::unordered_map<const SessionControl*, std::weak_ptr<SessionControl>> sessions_;
    std::atomic<bool> shutting_down_{false};
};

}  // namespace ferry::http
