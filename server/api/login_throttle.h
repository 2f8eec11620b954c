// Slows password guessing at the dashboard log-in. Failed attempts are counted per (user name,
// address) and per address. After kFreePerName failures for a name from one address, or
// kFreePerAddress failures from one address, every further attempt of that kind is refused
// (429) until a lock-out has passed, whatever the password: 30 s, doubling with each failure
// after that, at most 15 min. A success clears both counts. Keyed by address too, so that
// nobody can lock the real admin out from elsewhere. An attempt is counted as failed before its
// password is checked, so parallel guesses cannot slip through while a check runs. Kept in
// memory, per ferryd instance (several instances each allow their own attempts).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace ferry::api {

class LoginThrottle {
  public:
    static constexpr int kFreePerName = 5;
    static constexpr int kFreePerAddress = 20;
    static constexpr int64_t kFirstLockout = 30;
    static constexpr int64_t kMaxLockout = 15 * 60;
    static constexpr size_t kMaxEntries = 100000;

    // Seconds until an attempt for this name from this address is allowed (0 = now). When 0,
    // the attempt is counted as failed already; succeeded() takes that back.
    int64_t begin(const std::string& name, const std::string& remote, int64_t now);
    void succeeded(const std::string& name, const std::string& remote);
    size_t entries();

  private:
    struct Count {
        int failures = 0;
        int64_t locked_until = 0;
        int64_t last = 0;
    };
    void count_failure(Count& c, int free, int64_t now);
    void make_room(int64_t now);

    std::mutex mutex_;
    std::map<std::string, Count> counts_;  // "name\n<addr>" and "addr\n<addr>"
};

// The address part of "ip:port" or "[v6]:port".
std::string address_of(const std::string& remote);

}  // namespace ferry::api
