// A small HTTP/1.1 server for the tests, on 127.0.0.1 and an ephemeral port, in its own thread:
// one connection at a time, request line + headers + Content-Length body, the handler's answer,
// then close. Records every request as received (raw bytes included).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sim_test {

struct HttpRequest {
    std::string method, target;
    std::map<std::string, std::string> headers;  // lower-case names
    std::vector<std::string> header_lines;       // as sent, in order
    std::string body;
    std::size_t raw_bytes = 0;  // request line through the end of the body
};

class MiniHttpServer {
  public:
    // handler returns the raw response bytes to send.
    using Handler = std::function<std::string(const HttpRequest&)>;

    explicit MiniHttpServer(Handler handler);
    ~MiniHttpServer();

    uint16_t port() const { return port_; }
    std::vector<HttpRequest> requests() const;
    // Bytes of every response written so far.
    std::size_t response_bytes() const { return response_bytes_; }

    // A response with Content-Length and Connection: close.
    static std::string response(int status, const std::string& reason, const std::string& type,
                                const std::string& body, const std::string& extra_headers = "",
                                bool head = false);

  private:
    void run();
    void serve(int fd);

    Handler handler_;
    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> response_bytes_{0};
    mutable std::mutex mu_;
    std::vector<HttpRequest> requests_;
    std::thread thread_;
};

// 5000 (or n) bytes of binary test data containing "\r\nOK\r\n", "\r\n<<<" and NUL bytes.
std::string test_blob(std::size_t n = 5000);

}  // namespace sim_test
