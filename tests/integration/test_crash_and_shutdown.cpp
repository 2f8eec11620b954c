// Killing ferryd mid-upload leaves no trace; SIGTERM lets in-flight requests finish; one
// ferryd per SQLite file; HTTPS beside HTTP.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <thread>

#include "server_fixture.h"

using namespace ferry;
using namespace ferry::test;

namespace {

// A client that sends an upload slowly, so the server can be killed or stopped in the middle.
class SlowUpload {
public:
    SlowUpload(uint16_t port, const std::string& token, const std::string& body) : body_(body) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        std::string head = "POST /api/v1/releases HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                           token + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n";
        send_all(head);
    }
    ~SlowUpload() { ::close(fd_); }
    void send_part(size_t from, size_t to) { send_all(body_.substr(from, to - from)); }
    std::string read_response() {
        std::string out;
        char buf[4096];
        ssize_t n;
        while ((n = ::recv(fd_, buf, sizeof buf, 0)) > 0) {
            out.append(buf, n);
            if (out.find("\r\n\r\n") != std::string::npos && out.find('}') != std::string::npos) break;
        }
        return out;
    }

private:
    void send_all(const std::string& s) {
        size_t done = 0;
        while (done < s.size()) {
            ssize_t n = ::send(fd_, s.data() + done, s.size() - done, MSG_NOSIGNAL);
            if (n <= 0) return;
            done += n;
        }
    }
    int fd_;
    std::string body_;
};

std::set<std::string> blob_files(const std::string& data) {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(data + "/blobs")) {
        if (e.is_regular_file()) out.insert(e.path().filename().string());
    }
    return out;
}

}  // namespace

TEST_CASE("SIGKILL mid-upload: after restart no trace of it, nothing else damaged", "[integration][crash]") {
    ServerFixture f;
    REQUIRE(f.ctl("upload " + f.sign("1.0.0", 1)).code == 0);
    auto blobs_before = blob_files(f.data);
    REQUIRE(blobs_before.size() == 2);
    std::string big(as_chars(read_file(f.sign("2.0.0", 2, 150000))));

    {
        SlowUpload up(f.ferryd->port(), f.ferryd->admin_token(), big);
        up.send_part(0, big.size() / 2);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        f.ferryd->kill_hard();
    }
    f.start();
    CHECK(f.api_json("/api/v1/releases")["releases"].size() == 1);
    CHECK(blob_files(f.data) == blobs_before);
    CHECK(std::filesystem::is_empty(f.data + "/blobs/tmp"));
    {
        SQLite::Database db(f.data + "/ferry.db", SQLite::OPEN_READONLY);
        CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
    }
    // The same upload now goes through: the crash left nothing in its way.
    CHECK(f.api("POST", "/api/v1/releases", big, {{"Content-Type", "application/octet-stream"}}).status == 201);
    CHECK(blob_files(f.data).size() == 4);
}

TEST_CASE("SIGTERM: a request in flight finishes, then ferryd exits cleanly", "[integration][shutdown]") {
    ServerFixture f;
    std::string body(as_chars(read_file(f.sign("1.0.0", 1, 100000))));
    SlowUpload up(f.ferryd->port(), f.ferryd->admin_token(), body);
    up.send_part(0, body.size() / 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::thread stopper([&] { CHECK(f.ferryd->terminate(30) == 0); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    up.send_part(body.size() / 2, body.size());
    std::string response = up.read_response();
    stopper.join();
    CHECK(response.rfind("HTTP/1.1 201", 0) == 0);
    f.start();
    CHECK(f.api_json("/api/v1/releases")["releases"].size() == 1);
}

TEST_CASE("a second ferryd on the same SQLite file refuses to start", "[integration]") {
    ServerFixture f;
    auto r = run_command(ferryd_path() + " --data-dir " + f.data + " --listen 127.0.0.1:0");
    CHECK(r.code != 0);
    CHECK(r.output.find("another ferryd is already using") != std::string::npos);
}

TEST_CASE("HTTPS with a configured certificate beside plain HTTP", "[integration][tls]") {
    TempDir certs;
    auto gen = run_command("openssl req -x509 -newkey ed25519 -nodes -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 2 -keyout " +
                           certs.file("key.pem") + " -out " + certs.file("cert.pem"));
    REQUIRE(gen.code == 0);
    ServerFixture f({"--tls-listen", "127.0.0.1:0", "--tls-cert", certs.file("cert.pem"), "--tls-key",
                     certs.file("key.pem")});
    auto log = f.ferryd->log();
    // ports: [http, https]
    auto j = nlohmann::json::parse(log.substr(log.rfind('{', log.find("\"ferryd listening\"")),
                                              log.find('\n', log.find("\"ferryd listening\"")) -
                                                  log.rfind('{', log.find("\"ferryd listening\""))));
    REQUIRE(j["ports"].size() == 2);
    client::ClientOptions opts;
    opts.insecure = true;
    client::HttpClient tls("https://127.0.0.1:" + std::to_string(j["ports"][1].get<int>()), opts);
    auto r = tls.request("GET", "/healthz");
    CHECK(r.status == 200);
    client::ClientOptions verified;
    verified.ca_file = certs.file("cert.pem");
    client::HttpClient tls2("https://127.0.0.1:" + std::to_string(j["ports"][1].get<int>()), verified);
    CHECK(tls2.request("GET", "/healthz").status == 200);
}
