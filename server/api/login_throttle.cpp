#include "api/login_throttle.h"

#include <algorithm>

namespace ferry::api {
namespace {
constexpr size_t kMaxEntries = 100000;  // beyond this, entries idle for an hour are dropped
}

std::string address_of(const std::string& remote) {
    size_t colon = remote.rfind(':');
    if (colon == std::string::npos || (remote.find(':') != colon && remote.front() != '['))
        return remote;  // no port, or a bare IPv6 address
    return remote.substr(0, colon);
}

int64_t LoginThrottle::wait(const std::string& name, const std::string& remote, int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    int64_t until = 0;
    for (const std::string& key : {"user:" + name, "addr:" + address_of(remote)}) {
        auto it = counts_.find(key);
        if (it != counts_.end())
            until = std::max(until, it->second.locked_until);
    }
    return until > now ? until - now : 0;
}

void LoginThrottle::count_failure(const std::string& key, int64_t now) {
    Count& c = counts_[key];
    ++c.failures;
    c.last = now;
    if (c.failures >= kFreeFailures) {
        int doublings = std::min(c.failures - kFreeFailures, 10);
        c.locked_until = now + std::min(kFirstLockout << doublings, kMaxLockout);
    }
}

void LoginThrottle::failed(const std::string& name, const std::string& remote, int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (counts_.size() > kMaxEntries)
        forget_old(now);
    count_failure("user:" + name, now);
    count_failure("addr:" + address_of(remote), now);
}

void LoginThrottle::succeeded(const std::string& name, const std::string& remote) {
    std::lock_guard<std::mutex> lock(mutex_);
    counts_.erase("user:" + name);
    counts_.erase("addr:" + address_of(remote));
}

void LoginThrottle::forget_old(int64_t now) {
    for (auto it = counts_.begin(); it != counts_.end();) {
        if (it->second.last < now - 3600 && it->second.locked_until <= now) {
            it = counts_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace ferry::api
