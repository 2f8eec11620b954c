// The sessions of one I/O thread, and what that thread may ask of each: close when its deadline
// has passed, shut down gracefully, close by force. Everything here runs on the owning thread
// only, so there is no locking; other threads reach these sessions by posting to that thread.
#pragma once

#include <chrono>

namespace ferry::http {

using Clock = std::chrono::steady_clock;

class SessionControl {
  public:
    SessionControl() = default;
    SessionControl(const SessionControl&) = delete;
    SessionControl& operator=(const SessionControl&) = delete;
    virtual ~SessionControl() = default;

    // Close now if idle; otherwise finish the request in flight, then close.
    virtual void begin_shutdown() = 0;
    // Close now, whatever the session is doing.
    virtual void force_close() = 0;
    // The current step (handshake, header, body, write, idle wait) ran out of time.
    virtual void on_deadline() = 0;

    // When the current step must be done by; max() while none is running. A plain value, not a
    // timer per session: the thread's sweep compares it with the clock a few times a second,
    // which costs nothing per request.
    Clock::time_point deadline() const { return deadline_; }

  protected:
    void set_deadline(Clock::time_point deadline) { deadline_ = deadline; }

  private:
    friend class SessionList;
    Clock::time_point deadline_ = Clock::time_point::max();
    SessionControl* prev_ = nullptr;
    SessionControl* next_ = nullptr;
};

// Intrusive list: adding and removing a session allocate nothing.
class SessionList {
  public:
    void add(SessionControl* session);
    void remove(SessionControl* session);
    bool empty() const { return head_ == nullptr; }

    // Calls on_deadline() on every session whose deadline is not after `now`.
    void sweep(Clock::time_point now);
    void begin_shutdown_all();
    void force_close_all();

  private:
    template <class Fn>
    void for_each(Fn fn);

    SessionControl* head_ = nullptr;
};

}  // namespace ferry::http
