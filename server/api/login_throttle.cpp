#include "api/login_throttle.h"

#include <algorithm>

namespace ferry::api {

std::string address_of(const std::string& remote) {
    size_t colon = remote.rfind(':');
    if (colon == std::string::npos || (remote.find(':') != colon && remote.front() != '['))
        return remote;  // no port, or a bare IPv6 address
    return remote.substr(0, colon);
}

void LoginThrottle::count_failure(Count& c, int free, int64_t now) {
    ++c.failures;
    c.last = now;
    if (c.failures >= free) {
        int doublings = std::min(c.failures - free, 10);
        c.locked_until = now + std::min(kFirstLockout << doublings, kMaxLockout);
    }
}

int64_t LoginThrottle::begin(const std::string& name, const std::string& remote, int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string addr = address_of(remote);
    const std::string name_key = "name\n" + name + "\n" + addr;
    const std::string addr_key = "addr\n" + addr;
    int64_t until = 0;
    for (const std::string* key : {&name_key, &addr_key}) {
        auto it = counts_.find(*key);
        if (it != counts_.end())
            until = std::max(until, it->second.locked_until);
    }
    if (until > now)
        return until - now;
    if (counts_.size() + 2 > kMaxEntries)
        make_room(now);
    count_failure(counts_[name_key], kFreePerName, now);
    count_failure(counts_[addr_key], kFreePerAddress, now);
    return 0;
}

void LoginThrottle::succeeded(const std::string& name, const std::string& remote) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string addr = address_of(remote);
    counts_.erase("name\n" + name + "\n" + addr);
    counts_.erase("addr\n" + addr);
}

size_t LoginThrottle::entries() {
    std::lock_guard<std::mutex> lock(mutex_);
    return counts_.size();
}

// Drops what is not locked; if everything is (a flood from very many addresses), drops all:
// memory stays bounded, and the flood pays with the scrypt work it cannot skip.
void LoginThrottle::make_room(int64_t now) {
    for (auto it = counts_.begin(); it != counts_.end();) {
        it = it->second.locked_until <= now ? counts_.erase(it) : std::next(it);
    }
    if (counts_.size() + 2 > kMaxEntries)
        counts_.clear();
}

}  // namespace ferry::api
