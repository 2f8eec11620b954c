// The Beast transport end to end: a real HttpServer on 127.0.0.1:0 with a tiny app, driven by
// HttpClient, and by raw sockets where the input must be malformed, slow or exactly shaped.
#define CATCH_CONFIG_MAIN
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/http_message.h"
#include "client/http_client.h"
#include "http/endpoint.h"
#include "http/http_server.h"

namespace {

using namespace std::chrono_literals;
using ferry::api::HttpRequest;
using ferry::api::HttpResponse;
using ferry::client::ClientError;
using ferry::client::ClientOptions;
using ferry::client::HttpClient;
using ferry::http::HttpServer;
using ferry::http::ServerOptions;
using Clock = std::chrono::steady_clock;

std::shared_ptr<const std::string> make_blob(size_t size) {
    auto blob = std::make_shared<std::string>(size, '\0');
    for (size_t i = 0; i < size; ++i)
        (*blob)[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
    return blob;
}

constexpr size_t kSliceOffset = 1000;
constexpr size_t kSliceLength = 100000;
constexpr size_t kHeadLength = 12345;

class TestApp : public ferry::api::HttpApp {
  public:
    std::atomic<int> opened{0};
    std::atomic<int> closed{0};
    std::shared_ptr<const std::string> blob = make_blob(256 * 1024);

    HttpResponse handle(const HttpRequest& request) override {
        HttpResponse response;
        auto path = request.path();
        if (path == "/echo") {
            response.body = request.body;
            response.set_header("Content-Type", "application/octet-stream");
            response.set_header("X-Method", request.method);
            response.set_header("X-Target", request.target);
            response.set_header("X-Remote", request.remote);
            response.set_header("X-Tls", request.tls ? "1" : "0");
            const std::string* foo = request.header("x-foo");
            response.set_header("X-Foo", foo ? *foo : "<none>");
        } else if (path == "/slice") {
            response.shared_body = blob;
            response.shared_offset = kSliceOffset;
            response.shared_length = kSliceLength;
        } else if (path == "/head") {
            if (request.method == "HEAD") {
                response.head_only = true;
                response.head_length = kHeadLength;
            } else {
                response.body = std::string(kHeadLength, 'h');
            }
        } else if (path == "/throw") {
            throw std::runtime_error("handler exploded");
        } else if (path == "/slow") {
            std::this_thread::sleep_for(300ms);
            response.body = "slow done";
        } else if (path == "/close") {
            response.set_header("Connection", "close");
            response.body = "bye";
        } else {
            response.status = 404;
            response.body = "not found";
        }
        return response;
    }
    // "/later" is answered from another thread after kLaterDelay, as the app answers a device
    // poll once the store has committed; everything else right away.
    void handle_async(const HttpRequest& request, ferry::api::Responder respond) override {
        if (request.path() != "/later")
            return HttpApp::handle_async(request, std::move(respond));
        std::lock_guard lock(later_mutex);
        later_threads.emplace_back([respond = std::move(respond)] {
            std::this_thread::sleep_for(kLaterDelay);
            HttpResponse response;
            response.body = "later";
            respond(std::move(response));
        });
    }
    void on_connection_open() override { ++opened; }
    void on_connection_close() override { ++closed; }

    static constexpr auto kLaterDelay = 1300ms;  // longer than header_timeout in test_options()
    std::mutex later_mutex;
    std::vector<std::thread> later_threads;

    ~TestApp() override {
        for (auto& thread : later_threads)
            thread.join();
    }
};

ServerOptions test_options() {
    ServerOptions options;
    options.listen = {"127.0.0.1:0"};
    options.threads = 2;
    options.header_limit = 8 * 1024;
    options.body_limit = 64 * 1024;
    options.header_timeout = 1s;
    options.body_timeout = 5s;
    options.idle_timeout = 5s;
    options.shutdown_grace = 10s;
    return options;
}

// A server running on its own thread for the duration of a test.
class RunningServer {
  public:
    explicit RunningServer(ServerOptions options = test_options())
        : server_(app, std::move(options)) {
        server_.start();
        thread_ = std::thread([this] { server_.run(); });
    }
    ~RunningServer() { stop(); }

    // Stops and waits for run() to return; how long that took.
    Clock::duration stop() {
        auto begin = Clock::now();
        server_.stop();
        if (thread_.joinable())
            thread_.join();
        return Clock::now() - begin;
    }

    uint16_t port(size_t index = 0) const { return server_.bound_ports().at(index); }
    std::string url(size_t index = 0) const {
        return "http://127.0.0.1:" + std::to_string(port(index));
    }

    TestApp app;

  private:
    HttpServer server_;
    std::thread thread_;
};

// A plain TCP connection for requests HttpClient cannot (or will not) send.
class RawConnection {
  public:
    explicit RawConnection(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    }
    ~RawConnection() { ::close(fd_); }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    void send(std::string_view data) {
        while (!data.empty()) {
            ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            REQUIRE(n > 0);
            data.remove_prefix(static_cast<size_t>(n));
        }
    }

    // Reads until the server closes (closed = true) or `timeout` passes.
    std::string read_until_close(std::chrono::milliseconds timeout, bool& closed) {
        std::string data;
        closed = false;
        auto deadline = Clock::now() + timeout;
        while (Clock::now() < deadline) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            pollfd pfd{fd_, POLLIN, 0};
            if (::poll(&pfd, 1, static_cast<int>(left.count()) + 1) <= 0)
                continue;
            char buf[4096];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                closed = true;
                break;
            }
            data.append(buf, static_cast<size_t>(n));
        }
        return data;
    }

  private:
    int fd_ = -1;
};

std::string error_code_of(const std::string& json_body) {
    auto pos = json_body.find("\"code\":\"");
    if (pos == std::string::npos)
        return "";
    pos += 8;
    return json_body.substr(pos, json_body.find('"', pos) - pos);
}

// A self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI.
struct TempCert {
    std::filesystem::path dir;
    std::string cert;
    std::string key;

    TempCert() {
        dir = std::filesystem::temp_directory_path() /
              ("ferry-transport-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        cert = (dir / "cert.pem").string();
        key = (dir / "key.pem").string();
        std::string command =
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
            " -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost"
            " -keyout '" +
            key + "' -out '" + cert + "' >/dev/null 2>&1";
        REQUIRE(std::system(command.c_str()) == 0);
    }
    ~TempCert() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

}  // namespace

TEST_CASE("GET returns the handler's response with transport headers", "[transport]") {
    RunningServer server;
    HttpClient client(server.url());
    auto response = client.request("GET", "/echo?a=1&b=%2F", {{"X-Foo", "Bar"}});
    CHECK(response.status == 200);
    CHECK(*response.header("x-method") == "GET");
    CHECK(*response.header("x-target") == "/echo?a=1&b=%2F");
    CHECK(*response.header("x-foo") == "Bar");  // request header names arrive lower-cased
    CHECK(response.header("x-remote")->starts_with("127.0.0.1:"));
    CHECK(*response.header("x-tls") == "0");
    CHECK(*response.header("server") == "ferryd");
    CHECK(*response.header("content-length") == "0");
    CHECK(response.header("date") != nullptr);
    CHECK(response.header("transfer-encoding") == nullptr);

    auto missing = client.request("GET", "/nowhere");
    CHECK(missing.status == 404);
    CHECK(missing.body == "not found");
}

TEST_CASE("POST body round trip with upload progress", "[transport]") {
    RunningServer server;
    HttpClient client(server.url());
    std::string body = *make_blob(60 * 1024);
    uint64_t last_sent = 0, last_total = 0;
    int calls = 0;
    auto response = client.request("POST", "/echo", {}, body, [&](uint64_t sent, uint64_t total) {
        CHECK(sent > last_sent);
        last_sent = sent;
        last_total = total;
        ++calls;
    });
    CHECK(response.status == 200);
    CHECK(response.body == body);
    CHECK(*response.header("content-length") == std::to_string(body.size()));
    CHECK(calls == 4);  // 16 KiB pieces
    CHECK(last_sent == body.size());
    CHECK(last_total == body.size());

    auto empty = client.request("POST", "/echo");
    CHECK(empty.status == 200);
    CHECK(empty.body.empty());
}

TEST_CASE("keep-alive reuses one connection", "[transport]") {
    RunningServer server;
    HttpClient client(server.url());
    CHECK(client.request("GET", "/echo").status == 200);
    CHECK(client.request("POST", "/echo", {}, "second").body == "second");
    CHECK(client.request("GET", "/slice").status == 200);
    CHECK(server.app.opened == 1);

    client.close();
    CHECK(client.request("GET", "/echo").status == 200);
    CHECK(server.app.opened == 2);
}

TEST_CASE("HEAD sends Content-Length and no body", "[transport]") {
    RunningServer server;
    HttpClient client(server.url());
    auto head = client.request("HEAD", "/head");
    CHECK(head.status == 200);
    CHECK(*head.header("content-length") == std::to_string(kHeadLength));
    CHECK(head.body.empty());
    // The connection is still in step: the next response is read correctly.
    auto get = client.request("GET", "/head");
    CHECK(get.body.size() == kHeadLength);
    CHECK(server.app.opened == 1);

    // On the wire: nothing after the header, also for a handler that ignores HEAD (/echo).
    for (std::string target : {"/head", "/echo"}) {
        RawConnection raw(server.port());
        raw.send("HEAD " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        bool closed = false;
        std::string wire = raw.read_until_close(3000ms, closed);
        CHECK(closed);
        CHECK(wire.starts_with("HTTP/1.1 200"));
        CHECK(wire.ends_with("\r\n\r\n"));
        if (target == "/head")
            CHECK(wire.find("Content-Length: 12345\r\n") != std::string::npos);
    }
}

TEST_CASE("shared body slice is sent exactly", "[transport]") {
    RunningServer server;
    HttpClient client(server.url());
    auto response = client.request("GET", "/slice");
    CHECK(response.status == 200);
    CHECK(*response.header("content-length") == std::to_string(kSliceLength));
    CHECK(response.body == server.app.blob->substr(kSliceOffset, kSliceLength));
}

TEST_CASE("body over body_limit gets 413", "[transport]") {
    RunningServer server;
    SECTION("Content-Length over the limit, answered before the body is read") {
        HttpClient client(server.url());
        auto response = client.request("POST", "/echo", {}, std::string(256 * 1024, 'x'));
        CHECK(response.status == 413);
        CHECK(error_code_of(response.body) == "body_too_large");
        CHECK(*response.header("connection") == "close");
        // Exactly at the limit is fine.
        auto ok = client.request("POST", "/echo", {}, std::string(64 * 1024, 'y'));
        CHECK(ok.status == 200);
        CHECK(ok.body.size() == 64 * 1024);
    }
    SECTION("chunked body over the limit") {
        RawConnection raw(server.port());
        std::string chunk(32 * 1024, 'z');
        std::string request =
            "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 3; ++i)
            request += "8000\r\n" + chunk + "\r\n";
        request += "0\r\n\r\n";
        raw.send(request);
        bool closed = false;
        std::string wire = raw.read_until_close(3000ms, closed);
        CHECK(wire.starts_with("HTTP/1.1 413"));
        CHECK(wire.find("body_too_large") != std::string::npos);
        CHECK(closed);
    }
}

TEST_CASE("chunked request bodies are accepted", "[transport]") {
    RunningServer server;
    RawConnection raw(server.port());
    raw.send(
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    bool closed = false;
    std::string wire = raw.read_until_close(3000ms, closed);
    CHECK(wire.starts_with("HTTP/1.1 200"));
    CHECK(wire.find("Content-Length: 11\r\n") != std::string::npos);
    CHECK(wire.ends_with("\r\n\r\nhello world"));
    CHECK(closed);
}

TEST_CASE("pipelined requests are answered in order", "[transport]") {
    RunningServer server;
    RawConnection raw(server.port());
    raw.send(
        "GET /echo?n=1 HTTP/1.1\r\nHost: t\r\n\r\n"
        "POST /echo?n=2 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
        "GET /echo?n=3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    bool closed = false;
    std::string wire = raw.read_until_close(3000ms, closed);
    CHECK(closed);
    auto first = wire.find("X-Target: /echo?n=1");
    auto second = wire.find("X-Target: /echo?n=2");
    auto third = wire.find("X-Target: /echo?n=3");
    CHECK(first < second);
    CHECK(second < third);
    CHECK(third != std::string::npos);
    CHECK(wire.find("\r\n\r\nabcHTTP/1.1 200") != std::string::npos);
    CHECK(server.app.opened == 1);
}

TEST_CASE("Expect: 100-continue gets an interim response", "[transport]") {
    RunningServer server;
    RawConnection raw(server.port());
    raw.send(
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n"
        "Connection: close\r\n\r\n");
    bool closed = false;
    std::string interim = raw.read_until_close(500ms, closed);
    CHECK(interim == "HTTP/1.1 100 Continue\r\n\r\n");
    raw.send("body");
    std::string wire = raw.read_until_close(3000ms, closed);
    CHECK(wire.starts_with("HTTP/1.1 200"));
    CHECK(wire.ends_with("\r\n\r\nbody"));
}

TEST_CASE("idle keep-alive connections close after idle_timeout and the client reconnects",
          "[transport]") {
    ServerOptions options = test_options();
    options.idle_timeout = 1s;
    RunningServer server(options);

    RawConnection raw(server.port());
    raw.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n");
    auto begin = Clock::now();
    bool closed = false;
    std::string wire = raw.read_until_close(4000ms, closed);
    CHECK(wire.starts_with("HTTP/1.1 200"));
    CHECK(closed);
    CHECK(Clock::now() - begin >= 900ms);

    HttpClient client(server.url());
    CHECK(client.request("GET", "/echo").status == 200);
    std::this_thread::sleep_for(1500ms);  // the server drops the kept-alive connection
    CHECK(client.request("POST", "/echo", {}, "again").body == "again");
    CHECK(server.app.opened == 3);
}

TEST_CASE("connections beyond max_connections are closed at accept", "[transport]") {
    ServerOptions options = test_options();
    options.max_connections = 1;
    RunningServer server(options);
    RawConnection first(server.port());
    std::this_thread::sleep_for(200ms);  // accepted and registered
    RawConnection second(server.port());
    bool closed = false;
    std::string wire = second.read_until_close(2000ms, closed);
    CHECK(closed);
    CHECK(wire.empty());
    first.send("GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    CHECK(first.read_until_close(2000ms, closed).starts_with("HTTP/1.1 200"));
}

TEST_CASE("client requests time out", "[transport]") {
    // A listener that accepts (in the kernel backlog) but never answers.
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(fd, 4) == 0);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ClientOptions options;
    options.timeout = 1s;
    HttpClient client("http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)), options);
    auto begin = Clock::now();
    CHECK_THROWS_WITH(client.request("GET", "/"), Catch::Contains("timed out"));
    CHECK(Clock::now() - begin < 3s);
    ::close(fd);
}

TEST_CASE("header over header_limit gets 431", "[transport]") {
    RunningServer server;
    HttpClient client(server.url());
    auto response = client.request("GET", "/echo", {{"X-Big", std::string(20 * 1024, 'b')}});
    CHECK(response.status == 431);
    CHECK(error_code_of(response.body) == "header_too_large");
    CHECK(*response.header("connection") == "close");
    // The client reconnects for the next request.
    CHECK(client.request("GET", "/echo").status == 200);
}

TEST_CASE("malformed request gets 400", "[transport]") {
    RunningServer server;
    for (std::string garbage : {"GARBAGE\r\n\r\n", "GET /echo HTTP/1.1\r\nNo colon here\r\n\r\n",
                                "POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
        RawConnection raw(server.port());
        raw.send(garbage);
        bool closed = false;
        std::string wire = raw.read_until_close(3000ms, closed);
        CHECK(wire.starts_with("HTTP/1.1 400"));
        CHECK(wire.find("\"code\":\"bad_request\"") != std::string::npos);
        CHECK(closed);
    }
}

TEST_CASE("handler exception gets 500 JSON", "[transport]") {
    RunningServer server;
    HttpClient client(server.url());
    auto response = client.request("GET", "/throw");
    CHECK(response.status == 500);
    CHECK(response.body == R"({"error":{"code":"internal","message":"internal error"}})");
    CHECK(*response.header("content-type") == "application/json");
    // The connection survives: the exception was the handler's, not the transport's.
    CHECK(client.request("GET", "/echo").status == 200);
    CHECK(server.app.opened == 1);
}

TEST_CASE("Connection: close is honoured", "[transport]") {
    RunningServer server;
    SECTION("asked by the client") {
        HttpClient client(server.url());
        auto response = client.request("GET", "/echo", {{"Connection", "close"}});
        CHECK(*response.header("connection") == "close");
        CHECK(client.request("GET", "/echo").status == 200);
        CHECK(server.app.opened == 2);

        RawConnection raw(server.port());
        raw.send("GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        bool closed = false;
        std::string wire = raw.read_until_close(3000ms, closed);
        CHECK(closed);
        CHECK(wire.find("Connection: close\r\n") != std::string::npos);
    }
    SECTION("asked by the handler") {
        HttpClient client(server.url());
        auto response = client.request("GET", "/close");
        CHECK(*response.header("connection") == "close");
        CHECK(response.body == "bye");
        CHECK(client.request("GET", "/echo").status == 200);
        CHECK(server.app.opened == 2);
    }
    SECTION("HTTP/1.0 without keep-alive") {
        RawConnection raw(server.port());
        raw.send("GET /echo HTTP/1.0\r\n\r\n");
        bool closed = false;
        raw.read_until_close(3000ms, closed);
        CHECK(closed);
    }
}

TEST_CASE("a slow header is cut off after header_timeout", "[transport]") {
    RunningServer server;  // header_timeout 1 s
    RawConnection raw(server.port());
    auto begin = Clock::now();
    raw.send("GET /echo HTTP/1.1\r\nHost: t\r\n");
    bool closed = false;
    std::string wire = raw.read_until_close(5000ms, closed);
    auto elapsed = Clock::now() - begin;
    CHECK(closed);
    CHECK(wire.empty());
    CHECK(elapsed >= 900ms);
    CHECK(elapsed < 3000ms);
}

TEST_CASE("stop() lets a request in flight finish and closes idle connections", "[transport]") {
    auto server = std::make_unique<RunningServer>();
    HttpClient idle(server->url());
    CHECK(idle.request("GET", "/echo").status == 200);  // stays open, kept alive

    auto slow = std::async(std::launch::async, [url = server->url()] {
        HttpClient client(url);
        return client.request("GET", "/slow");
    });
    std::this_thread::sleep_for(100ms);  // the handler is sleeping now
    auto stop_took = server->stop();
    auto response = slow.get();
    CHECK(response.status == 200);
    CHECK(response.body == "slow done");
    CHECK(stop_took < 2s);  // not the 10 s grace: the idle connection did not hold it up
    CHECK(server->app.opened == 2);
    CHECK(server->app.closed == 2);
    // Nobody listens any more.
    CHECK_THROWS_AS(idle.request("GET", "/echo"), ClientError);
}

TEST_CASE("stop() before run() makes run() return", "[transport]") {
    TestApp app;
    HttpServer server(app, test_options());
    server.start();
    CHECK(server.bound_ports().size() == 1);
    CHECK(server.bound_ports()[0] != 0);
    server.stop();
    auto begin = Clock::now();
    server.run();
    CHECK(Clock::now() - begin < 2s);
}

TEST_CASE("HTTPS with a self-signed certificate", "[transport]") {
    TempCert cert;
    ServerOptions options = test_options();
    options.tls_listen = {"127.0.0.1:0"};
    options.tls_cert_file = cert.cert;
    options.tls_key_file = cert.key;
    RunningServer server(options);
    REQUIRE(server.port(1) != server.port(0));
    std::string https = "https://127.0.0.1:" + std::to_string(server.port(1));

    SECTION("without verification") {
        ClientOptions insecure;
        insecure.insecure = true;
        HttpClient client(https, insecure);
        auto response = client.request("POST", "/echo", {}, std::string(40000, 's'));
        CHECK(response.status == 200);
        CHECK(response.body.size() == 40000);
        CHECK(*response.header("x-tls") == "1");
        CHECK(client.request("GET", "/slice").body ==
              server.app.blob->substr(kSliceOffset, kSliceLength));
        CHECK(server.app.opened == 1);
    }
    SECTION("verified against ca_file, by IP and by name (SNI)") {
        ClientOptions verified;
        verified.ca_file = cert.cert;
        HttpClient by_ip(https, verified);
        CHECK(by_ip.request("GET", "/echo").status == 200);
        HttpClient by_name("https://localhost:" + std::to_string(server.port(1)), verified);
        CHECK(by_name.request("GET", "/echo").status == 200);
    }
    SECTION("limits apply over TLS too") {
        ClientOptions insecure;
        insecure.insecure = true;
        HttpClient client(https, insecure);
        auto response = client.request("POST", "/echo", {}, std::string(256 * 1024, 'x'));
        CHECK(response.status == 413);
        CHECK(error_code_of(response.body) == "body_too_large");
        CHECK(client.request("GET", "/throw").status == 500);
    }
    SECTION("unverifiable certificate is refused") {
        HttpClient client(https);
        CHECK_THROWS_AS(client.request("GET", "/echo"), ClientError);
    }
    SECTION("plain HTTP on the TLS port is dropped") {
        RawConnection raw(server.port(1));
        raw.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n");
        bool closed = false;
        raw.read_until_close(3000ms, closed);
        CHECK(closed);
    }
}

TEST_CASE("start() reports bad endpoints and TLS files clearly", "[transport]") {
    TestApp app;
    SECTION("missing certificate file") {
        ServerOptions options = test_options();
        options.tls_listen = {"127.0.0.1:0"};
        options.tls_cert_file = "/nonexistent/cert.pem";
        options.tls_key_file = "/nonexistent/key.pem";
        HttpServer server(app, options);
        CHECK_THROWS_WITH(server.start(), Catch::Contains("/nonexistent/cert.pem"));
    }
    SECTION("port already in use") {
        RunningServer first;
        ServerOptions options = test_options();
        std::string endpoint = "127.0.0.1:" + std::to_string(first.port());
        options.listen = {endpoint};
        HttpServer server(app, options);
        CHECK_THROWS_WITH(server.start(), Catch::Contains(endpoint));
    }
    SECTION("malformed endpoint") {
        ServerOptions options = test_options();
        options.listen = {"::1:80"};
        HttpServer server(app, options);
        CHECK_THROWS_WITH(server.start(), Catch::Contains("::1:80"));
    }
}

TEST_CASE("IPv6 and IPv4 endpoints side by side", "[transport]") {
    ServerOptions options = test_options();
    options.listen = {"[::1]:0", "127.0.0.1:0"};
    RunningServer server(options);
    HttpClient v6("http://[::1]:" + std::to_string(server.port(0)));
    auto response = v6.request("GET", "/echo");
    CHECK(response.status == 200);
    CHECK(response.header("x-remote")->starts_with("[::1]:"));
    HttpClient v4(server.url(1));
    CHECK(v4.request("GET", "/echo").status == 200);
}

TEST_CASE("a slow body is cut off after body_timeout", "[transport]") {
    ServerOptions options = test_options();
    options.header_timeout = 5s;  // so that only the body's own deadline can end it in time
    options.body_timeout = 1s;
    RunningServer server(options);
    RawConnection raw(server.port());
    auto begin = Clock::now();
    raw.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
    bool closed = false;
    std::string wire = raw.read_until_close(5000ms, closed);
    auto elapsed = Clock::now() - begin;
    CHECK(closed);
    CHECK(wire.empty());
    CHECK(elapsed >= 900ms);
    CHECK(elapsed < 3000ms);
}

TEST_CASE("an answer the app gives later, from another thread, goes out in order", "[transport]") {
    RunningServer server;  // header_timeout 1 s: shorter than the app takes
    HttpClient client(server.url());
    auto later = client.request("GET", "/later");
    CHECK(later.status == 200);
    CHECK(later.body == "later");
    CHECK(client.request("GET", "/echo").status == 200);  // same connection, still in step
    CHECK(server.app.opened == 1);

    RawConnection raw(server.port());
    raw.send(
        "GET /later HTTP/1.1\r\nHost: t\r\n\r\n"
        "GET /echo?n=2 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    bool closed = false;
    std::string wire = raw.read_until_close(5000ms, closed);
    CHECK(closed);
    auto first = wire.find("\r\n\r\nlater");
    auto second = wire.find("X-Target: /echo?n=2");
    CHECK(first != std::string::npos);
    CHECK(second != std::string::npos);
    CHECK(first < second);
}

TEST_CASE("stop() waits for an answer the app still owes", "[transport]") {
    auto server = std::make_unique<RunningServer>();
    auto later = std::async(std::launch::async, [url = server->url()] {
        HttpClient client(url);
        return client.request("GET", "/later");
    });
    std::this_thread::sleep_for(200ms);  // the request is with the app now
    server->stop();
    auto response = later.get();
    CHECK(response.status == 200);
    CHECK(response.body == "later");
    CHECK(server->app.closed == 1);
}

TEST_CASE("endpoint strings", "[transport]") {
    using ferry::http::parse_endpoint;
    CHECK(parse_endpoint("127.0.0.1:8080").host == "127.0.0.1");
    CHECK(parse_endpoint("127.0.0.1:8080").port == 8080);
    CHECK(parse_endpoint("[::1]:0").host == "::1");
    CHECK(parse_endpoint(":443").host == "0.0.0.0");
    CHECK(parse_endpoint(":443").port == 443);
    CHECK(parse_endpoint("localhost:1").host == "localhost");
    CHECK_THROWS(parse_endpoint("8080"));
    CHECK_THROWS(parse_endpoint("host:"));
    CHECK_THROWS(parse_endpoint("host:70000"));
    CHECK_THROWS(parse_endpoint("[::1]8080"));
}
