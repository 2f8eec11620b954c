// Counters for /metrics (Prometheus text format 0.0.4). Cheap to bump from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace ferry::api {

class Metrics {
public:
    void count_request(const std::string& route, int status);
    void count_poll(const std::string& result);          // idle | offer | confirm | abort | rejected
    void count_upload_failure(const std::string& code);  // the API error code
    void add_bytes_served(uint64_t n) { bytes_served_ += n; }
    void connection_opened() { ++open_connections_; }
    void connection_closed() { --open_connections_; }

    // gauges read at scrape time are passed in by the caller (they live in the store)
    std::string render(int64_t devices, int64_t releases) const;

private:
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, uint64_t> requests_;
    std::map<std::string, uint64_t> polls_;
    std::map<std::string, uint64_t> upload_failures_;
    std::atomic<uint64_t> bytes_served_{0};
    std::atomic<int64_t> open_connections_{0};
};

}  // namespace ferry::api
