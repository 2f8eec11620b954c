#include "http/connection_registry.h"

#include <vector>

namespace ferry::http {

void ConnectionRegistry::add(const std::shared_ptr<SessionControl>& session) {
    {
        std::lock_guard lock(mutex_);
        sessions_.emplace(session.get(), session);
    }
    if (shutting_down())
        session->begin_shutdown();
}

void ConnectionRegistry::remove(const SessionControl* session) {
    std::lock_guard lock(mutex_);
    sessions_.erase(session);
    if (sessions_.empty())
        empty_.notify_all();
}

size_t ConnectionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

// Calls fn outside the lock: a session may finish (and remove itself) meanwhile.
template <class Fn>
void ConnectionRegistry::for_each(Fn fn) {
    std::vector<std::shared_ptr<SessionControl>> alive;
    {
        std::lock_guard lock(mutex_);
        alive.reserve(sessions_.size());
        for (auto& [key, weak] : sessions_) {
            if (auto session = weak.lock())
                alive.push_back(std::move(session));
        }
    }
    for (auto& session : alive)
        fn(*session);
}

void ConnectionRegistry::begin_shutdown_all() {
    shutting_down_ = true;
    for_each([](SessionControl& s) { s.begin_shutdown(); });
}

void ConnectionRegistry::force_close_all() {
    for_each([](SessionControl& s) { s.force_close(); });
}

bool ConnectionRegistry::wait_empty_until(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return empty_.wait_until(lock, deadline, [this] { return sessions_.empty(); });
}

}  // namespace ferry::http
