// Slows password guessing at the dashboard log-in. After kFreeFailures failed attempts for one
// user name, or from one address, every further attempt is refused (429) until a lock-out has
// passed, whatever the password: 30 s, doubling with each failure after that, at most 15 min.
// A success clears the user's and the address's count. Kept in memory, per ferryd instance:
// several instances each allow their own attempts, which the doubling keeps small.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace ferry::api {

class LoginThrottle {
  public:
    static constexpr int kFreeFailures = 5;
    static constexpr int64_t kFirstLockout = 30;
    static constexpr int64_t kMaxLockout = 15 * 60;

    // Seconds until an attempt for this name from this address is allowed (0 = now).
    int64_t wait(const std::string& name, const std::string& remote, int64_t now);
    void failed(const std::string& name, const std::string& remote, int64_t now);
    void succeeded(const std::string& name, const std::string& remote);

  private:
    struct Count {
        int failures = 0;
        int64_t locked_until = 0;
        int64_t last = 0;
    };
    void count_failure(const std::string& key, int64_t now);
    void forget_old(int64_t now);

    std::mutex mutex_;
    std::map<std::string, Count> counts_;  // "user:<name>", "addr:<ip>"
};

// The address part of "ip:port" or "[v6]:port".
std::string address_of(const std::string& remote);

}  // namespace ferry::api
