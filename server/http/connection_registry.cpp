#include "http/connection_registry.h"

namespace ferry::http {

std::optional<ConnectionRegistry::Slot> ConnectionRegistry::try_admit(size_t max) {
    size_t current = count_.load(std::memory_order_relaxed);
    do {
        if (current >= max)
            return std::nullopt;
    } while (!count_.compare_exchange_weak(current, current + 1, std::memory_order_relaxed));
    return Slot(this);
}

void ConnectionRegistry::release() {
    if (count_.fetch_sub(1, std::memory_order_acq_rel) != 1)
        return;
    // Under the mutex, so that a waiter between its check and its wait cannot miss this.
    std::lock_guard lock(mutex_);
    empty_.notify_all();
}

bool ConnectionRegistry::wait_empty_until(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return empty_.wait_until(lock, deadline,
                             [this] { return count_.load(std::memory_order_acquire) == 0; });
}

}  // namespace ferry::http
