// A small synchronous HTTP/1.1 client (Beast) for ferryctl and the tests: http:// and https://,
// keep-alive reuse of one connection, upload progress.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ferry::client {

struct ClientError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ClientOptions {
    std::chrono::seconds timeout{60};  // per request (connect + write + read)
    std::string ca_file;               // extra CA (PEM) for https; empty = system store
    bool insecure = false;             // https without certificate verification (tests only)
};

struct ClientResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;
    const std::string* header(const std::string& lower_name) const;
};

// progress(sent, total) is called as the request body goes out (for upload progress bars).
using ProgressFn = std::function<void(uint64_t sent, uint64_t total)>;

class HttpClient {
public:
    // base_url: "http://host:port" or "https://host:port" (no path). Throws ClientError if bad.
    explicit HttpClient(const std::string& base_url, ClientOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends the target verbatim (no encoding or normalisation), so tests can send odd targets.
    // Reconnects once if a kept-alive connection turns out closed. Throws ClientError on
    // connection, TLS or timeout failure (not on HTTP error statuses).
    ClientResponse request(const std::string& method, const std::string& target,
                           const std::vector<std::pair<std::string, std::string>>& headers = {},
                           const std::string& body = {}, ProgressFn progress = nullptr);

    // Drops the kept-alive connection; the next request connects anew.
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::client
