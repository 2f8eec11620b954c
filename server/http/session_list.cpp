#include "http/session_list.h"

namespace ferry::http {

void SessionList::add(SessionControl* session) {
    session->prev_ = nullptr;
    session->next_ = head_;
    if (head_)
        head_->prev_ = session;
    head_ = session;
}

void SessionList::remove(SessionControl* session) {
    if (session->prev_)
        session->prev_->next_ = session->next_;
    else if (head_ == session)
        head_ = session->next_;
    if (session->next_)
        session->next_->prev_ = session->prev_;
    session->prev_ = session->next_ = nullptr;
}

// The next session is read before fn runs, so fn may even remove the session it was given (closing
// a socket only queues completion handlers, so today it never does).
template <class Fn>
void SessionList::for_each(Fn fn) {
    for (SessionControl* s = head_; s != nullptr;) {
        SessionControl* next = s->next_;
        fn(*s);
        s = next;
    }
}

void SessionList::sweep(Clock::time_point now) {
    for_each([now](SessionControl& s) {
        if (s.deadline() <= now)
            s.on_deadline();
    });
}

void SessionList::begin_shutdown_all() {
    for_each([](SessionControl& s) { s.begin_shutdown(); });
}

void SessionList::force_close_all() {
    for_each([](SessionControl& s) { s.force_close(); });
}

}  // namespace ferry::http
