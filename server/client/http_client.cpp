// Synchronous on the outside, asynchronous Beast inside: every step is started asynchronously
// and the private io_context is run until it completes, so beast::tcp_stream's deadline covers
// connect, TLS handshake, write and read of one request.
#include "client/http_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <optional>
#include <string_view>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace ferry::client {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kUploadPiece = 16 * 1024;
constexpr uint64_t kResponseBodyLimit = 64ull * 1024 * 1024;
constexpr uint32_t kResponseHeaderLimit = 64 * 1024;

struct BaseUrl {
    bool tls = false;
    std::string host;         // without brackets
    std::string port;         // decimal
    std::string host_header;  // "host:port", brackets for IPv6
};

BaseUrl parse_base_url(const std::string& url) {
    auto bad = [&](const char* why) { return ClientError("bad base URL \"" + url + "\": " + why); };
    BaseUrl out;
    std::string_view rest = url;
    if (rest.starts_with("https://")) {
        out.tls = true;
        rest.remove_prefix(8);
    } else if (rest.starts_with("http://")) {
        rest.remove_prefix(7);
    } else {
        throw bad("expected http:// or https://");
    }
    if (rest.ends_with('/'))
        rest.remove_suffix(1);
    if (rest.find('/') != std::string_view::npos)
        throw bad("no path allowed");
    std::string_view port;
    bool v6 = false;
    if (rest.starts_with('[')) {
        size_t close = rest.find(']');
        if (close == std::string_view::npos)
            throw bad("unclosed '['");
        out.host = std::string(rest.substr(1, close - 1));
        std::string_view after = rest.substr(close + 1);
        if (!after.empty() && after.front() != ':')
            throw bad("expected ':' after ']'");
        if (!after.empty())
            port = after.substr(1);
        v6 = true;
    } else {
        size_t colon = rest.rfind(':');
        out.host = std::string(rest.substr(0, colon));
        if (colon != std::string_view::npos)
            port = rest.substr(colon + 1);
    }
    if (out.host.empty())
        throw bad("no host");
    if (port.empty()) {
        out.port = out.tls ? "443" : "80";
    } else {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
            throw bad("bad port");
        }
        out.port = std::string(port);
    }
    out.host_header = (v6 ? "[" + out.host + "]" : out.host) + ":" + out.port;
    return out;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_ip_address(const std::string& host) {
    boost::system::error_code ec;
    net::ip::make_address(host, ec);
    return !ec;
}

// The peer closed a connection we had kept alive: worth one retry on a new connection.
bool is_disconnect(const beast::error_code& ec) {
    return ec == net::error::eof || ec == bhttp::error::end_of_stream ||
           ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::error::connection_aborted || ec == net::error::not_connected ||
           ec == ssl::error::stream_truncated;
}

bool method_has_body(std::string_view method) {
    return method == "POST" || method == "PUT" || method == "PATCH";
}

// What one attempt produced: a response, or an error and whether it looks like a stale
// kept-alive connection (nothing received before the peer closed).
struct Attempt {
    std::optional<ClientResponse> response;
    bool keep_alive = false;
    bool stale = false;
    std::string error;
};

}  // namespace

const std::string* ClientResponse::header(const std::string& lower_name) const {
    for (const auto& [name, value] : headers) {
        if (name == lower_name)
            return &value;
    }
    return nullptr;
}

struct HttpClient::Impl {
    Impl(const std::string& base_url, ClientOptions options_)
        : url(parse_base_url(base_url)), options(std::move(options_)) {
        if (url.tls)
            configure_tls();
    }

    ClientResponse request(const std::string& method, const std::string& target,
                           const std::vector<std::pair<std::string, std::string>>& headers,
                           const std::string& body, const ProgressFn& progress);
    void close();

  private:
    void configure_tls();
    void connect();
    Attempt exchange(const std::string& method, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& body, const ProgressFn& progress, bool reused);
    beast::error_code write_request(bhttp::request<bhttp::buffer_body>& request,
                                    const std::string& body, const ProgressFn& progress);
    Attempt read_response(bool head, bool reused);
    std::string describe(const char* step, const beast::error_code& ec) const;

    bool connected() const { return plain.has_value() || secure.has_value(); }
    beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

    // Starts an operation through start(done) and runs the io_context until done(ec) is called;
    // the deadline is a backstop for steps tcp_stream's timer does not cover (resolve).
    template <class Start>
    beast::error_code await(Start&& start) {
        std::optional<beast::error_code> result;
        start([&result](beast::error_code ec) { result = ec; });
        ioc.restart();
        auto now = Clock::now();
        if (now < deadline)
            ioc.run_for(deadline - now);
        if (result)
            return *result;
        resolver.cancel();
        if (connected())
            tcp().close();
        ioc.restart();
        ioc.run();  // lets the cancelled operation finish
        return beast::error::timeout;
    }

    // Calls fn with the stream in use, plain or TLS.
    template <class Fn>
    auto with_stream(Fn&& fn) {
        return secure ? fn(*secure) : fn(*plain);
    }

  public:
    BaseUrl url;
    ClientOptions options;
    net::io_context ioc;
    tcp::resolver resolver{ioc};
    ssl::context tls{ssl::context::tls_client};
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;
    Clock::time_point deadline;
};

void HttpClient::Impl::configure_tls() {
    if (options.insecure) {
        tls.set_verify_mode(ssl::verify_none);
        return;
    }
    beast::error_code ec;
    tls.set_default_verify_paths(ec);
    if (!options.ca_file.empty()) {
        tls.load_verify_file(options.ca_file, ec);
        if (ec)
            throw ClientError("ca_file " + options.ca_file + ": " + ec.message());
    }
    tls.set_verify_mode(ssl::verify_peer);
}

std::string HttpClient::Impl::describe(const char* step, const beast::error_code& ec) const {
    std::string what = ec == beast::error::timeout
                           ? "timed out after " + std::to_string(options.timeout.count()) + " s"
                           : ec.message();
    return std::string(step) + " " + url.host_header + ": " + what;
}

void HttpClient::Impl::connect() {
    tcp::resolver::results_type endpoints;
    beast::error_code ec = await([&](auto done) {
        resolver.async_resolve(
            url.host, url.port,
            [&endpoints, done](beast::error_code e, tcp::resolver::results_type results) {
                endpoints = std::move(results);
                done(e);
            });
    });
    if (ec)
        throw ClientError(describe("cannot resolve", ec));

    buffer.clear();
    if (url.tls) {
        secure.emplace(ioc, tls);
    } else {
        plain.emplace(ioc);
    }
    tcp().expires_at(deadline);
    ec = await([&](auto done) {
        tcp().async_connect(endpoints,
                            [done](beast::error_code e, const tcp::endpoint&) { done(e); });
    });
    if (ec) {
        close();
        throw ClientError(describe("cannot connect to", ec));
    }
    if (!url.tls)
        return;

    if (!is_ip_address(url.host)) {
        SSL_set_tlsext_host_name(secure->native_handle(), url.host.c_str());  // SNI
    }
    if (!options.insecure)
        secure->set_verify_callback(ssl::host_name_verification(url.host));
    ec = await([&](auto done) { secure->async_handshake(ssl::stream_base::client, done); });
    if (ec) {
        close();
        throw ClientError(describe("TLS handshake with", ec));
    }
}

ClientResponse HttpClient::Impl::request(
    const std::string& method, const std::string& target,
    const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body,
    const ProgressFn& progress) {
    for (int attempt = 0;; ++attempt) {
        deadline = Clock::now() + options.timeout;
        bool reused = connected();
        if (!reused)
            connect();
        Attempt result = exchange(method, target, headers, body, progress, reused);
        if (result.response) {
            if (!result.keep_alive)
                close();
            return std::move(*result.response);
        }
        close();
        if (!(result.stale && attempt == 0))
            throw ClientError(result.error);
    }
}

Attempt HttpClient::Impl::exchange(const std::string& method, const std::string& target,
                                   const std::vector<std::pair<std::string, std::string>>& headers,
                                   const std::string& body, const ProgressFn& progress,
                                   bool reused) {
    bhttp::request<bhttp::buffer_body> request;
    request.method_string(method);
    request.target(target);
    request.version(11);
    request.set(bhttp::field::host, url.host_header);
    request.set(bhttp::field::user_agent, "ferry-client");
    for (const auto& [name, value] : headers) {
        if (beast::iequals(name, "host") || beast::iequals(name, "user-agent")) {
            request.set(name, value);
        } else {
            request.insert(name, value);
        }
    }
    if (!body.empty() || method_has_body(method))
        request.content_length(body.size());

    beast::error_code write_ec = write_request(request, body, progress);
    bool head = beast::iequals(method, "HEAD");
    Attempt result = read_response(head, reused);
    // A server may answer early (413) and close while we still send: its answer counts.
    if (write_ec && !result.response) {
        result.error = describe("sending request to", write_ec);
        result.stale = reused && is_disconnect(write_ec);
    }
    return result;
}

beast::error_code HttpClient::Impl::write_request(bhttp::request<bhttp::buffer_body>& request,
                                                  const std::string& body,
                                                  const ProgressFn& progress) {
    bhttp::request_serializer<bhttp::buffer_body> serializer{request};
    tcp().expires_at(deadline);
    if (body.empty()) {
        request.body().data = nullptr;
        request.body().more = false;
        return await([&](auto done) {
            with_stream([&](auto& stream) {
                bhttp::async_write(stream, serializer,
                                   [done](beast::error_code e, size_t) { done(e); });
            });
        });
    }
    request.body().data = nullptr;
    request.body().more = true;
    beast::error_code ec = await([&](auto done) {
        with_stream([&](auto& stream) {
            bhttp::async_write_header(stream, serializer,
                                      [done](beast::error_code e, size_t) { done(e); });
        });
    });
    const uint64_t total = body.size();
    for (uint64_t sent = 0; !ec && sent < total;) {
        size_t piece = static_cast<size_t>(std::min<uint64_t>(kUploadPiece, total - sent));
        request.body().data = const_cast<char*>(body.data() + sent);  // only read
        request.body().size = piece;
        request.body().more = sent + piece < total;
        ec = await([&](auto done) {
            with_stream([&](auto& stream) {
                bhttp::async_write(stream, serializer,
                                   [done](beast::error_code e, size_t) { done(e); });
            });
        });
        if (ec == bhttp::error::need_buffer)
            ec = {};  // piece written, serializer wants more
        if (ec)
            break;
        sent += piece;
        if (progress)
            progress(sent, total);
    }
    return ec;
}

Attempt HttpClient::Impl::read_response(bool head, bool reused) {
    Attempt result;
    if (!connected()) {
        result.error = "not connected";
        return result;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kResponseBodyLimit);
    parser.header_limit(kResponseHeaderLimit);
    if (head)
        parser.skip(true);
    tcp().expires_at(deadline);
    beast::error_code ec = await([&](auto done) {
        with_stream([&](auto& stream) {
            bhttp::async_read(stream, buffer, parser,
                              [done](beast::error_code e, size_t) { done(e); });
        });
    });
    if (ec) {
        result.error = describe("reading response from", ec);
        result.stale = reused && !parser.got_some() && is_disconnect(ec);
        return result;
    }
    auto message = parser.release();
    ClientResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
        response.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(message.body());
    result.keep_alive = message.keep_alive();
    result.response = std::move(response);
    return result;
}

void HttpClient::Impl::close() {
    if (connected()) {
        beast::error_code ec;
        tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
        tcp().close();
    }
    secure.reset();
    plain.reset();
    buffer.clear();
}

HttpClient::HttpClient(const std::string& base_url, ClientOptions options)
    : impl_(std::make_unique<Impl>(base_url, std::move(options))) {}

HttpClient::~HttpClient() = default;

ClientResponse HttpClient::request(const std::string& method, const std::string& target,
                                   const std::vector<std::pair<std::string, std::string>>& headers,
                                   const std::string& body, ProgressFn progress) {
    return impl_->request(method, target, headers, body, progress);
}

void HttpClient::close() {
    impl_->close();
}

}  // namespace ferry::client
