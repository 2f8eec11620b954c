// The HTTP/HTTPS transport of ferryd (Boost.Beast). The only place that includes Beast on the
// server side; everything protocol-level is in api::HttpApp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "api/http_message.h"

namespace ferry::http {

struct ServerOptions {
    std::vector<std::string> listen;          // plain HTTP endpoints, "127.0.0.1:8080", "[::1]:0"
    std::vector<std::string> tls_listen;      // HTTPS endpoints
    std::string tls_cert_file;                // PEM chain, required when tls_listen is not empty
    std::string tls_key_file;                 // PEM private key
    unsigned threads = 0;                     // I/O threads; 0 = hardware concurrency
    size_t header_limit = 8 * 1024;           // request line + headers; larger -> 431
    size_t body_limit = 1024 * 1024;          // larger body -> 413
    std::chrono::seconds header_timeout{15};  // to receive a complete header
    std::chrono::seconds body_timeout{120};   // to receive the body / write the response
    std::chrono::seconds idle_timeout{30};    // keep-alive connection waiting for a request
    std::chrono::seconds tls_handshake_timeout{15};
    size_t max_connections = 10000;           // further connections are closed at accept
    std::chrono::seconds shutdown_grace{20};  // in-flight requests may finish within this
};

class HttpServer {
  public:
    HttpServer(api::HttpApp& app, ServerOptions options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds every endpoint; throws std::runtime_error naming the endpoint on failure.
    void start();
    // Actual ports after start(), in the order of listen then tls_listen (useful with port 0).
    std::vector<uint16_t> bound_ports() const;
    // Runs the I/O threads until stop() or SIGTERM/SIGINT, then shuts down gracefully: stops
    // accepting, lets requests in flight finish (within shutdown_grace), closes idle connections.
    void run();
    // Thread-safe; makes run() return after the graceful shutdown.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::http
