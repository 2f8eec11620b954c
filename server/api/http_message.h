// Plain request and response values: the only thing the transport and the handlers share.
// No Beast here: handlers are tested without sockets, and only server/http compiles Beast.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::api {

struct HttpRequest {
    std::string method;  // "GET", "HEAD", "POST", ...
    std::string target;  // raw request target: "/p?d=...&m=..."
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;
    std::string remote;  // peer address, for logs
    bool tls = false;

    std::string_view path() const;   // target up to '?', not decoded
    std::string_view query() const;  // after '?', not decoded; empty when none
    // First header with that (lower-case) name, or nullptr.
    const std::string* header(std::string_view lower_name) const;
};

struct HttpResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // Content-Length is the transport's
    std::string body;
    // Instead of `body`: a slice of shared bytes (an image in the cache), sent without a copy.
    std::shared_ptr<const std::string> shared_body;
    size_t shared_offset = 0;
    size_t shared_length = 0;
    // HEAD: headers as for GET, Content-Length of the body that GET would send, no body bytes.
    bool head_only = false;
    size_t head_length = 0;
    // Route label for metrics ("/api/v1/releases/{id}"), set by the router.
    std::string route;

    void set_header(std::string name, std::string value);
    const std::string* header(std::string_view name) const;  // case-insensitive
    size_t content_length() const;
    std::string_view body_view() const;  // the bytes to send (empty for head_only)
};

// Delivers the response to one request. Called once, from any thread.
using Responder = std::function<void(HttpResponse)>;

// The whole application as the transport sees it. Implementations must be thread-safe: the
// transport calls them from several I/O threads at once.
class HttpApp {
  public:
    virtual ~HttpApp() = default;
    virtual HttpResponse handle(const HttpRequest& request) = 0;
    // What the transport calls. The answer may come later and from another thread (after a store
    // commit, say), so that an I/O thread never waits; `request` stays valid until then. If this
    // throws, it must not have called respond. The default answers at once with handle().
    virtual void handle_async(const HttpRequest& request, Responder respond) {
        respond(handle(request));
    }
    // Connection gauge and counters for /metrics.
    virtual void on_connection_open() {}
    virtual void on_connection_close() {}
};

}  // namespace ferry::api
