// The whole server path on real processes: ferryctl provisions and uploads, a device (the poll
// signer from the spec) polls over loopback, fetches the image in chunks both ways, reports,
// and ferryd records success only once the device runs the new slot.
#include <catch2/catch.hpp>
#include <thread>

#include "ferry/proto/device_api.h"
#include "release/bundle.h"
#include "server_fixture.h"

using namespace ferry;
using namespace ferry::test;

namespace {
std::map<std::string, std::string> poll(ServerFixture& f, const PollParams& p, const Bytes& secret) {
    auto r = f.http->request("GET", poll_target(p, secret));
    REQUIRE(r.status == 200);
    return parse_poll_answer(r.body, secret, p.counter);
}
}  // namespace

TEST_CASE("provision, upload, poll, ranged download both ways, report, success", "[integration]") {
    ServerFixture f;
    std::string bundle = f.sign("1.1.0", 2, 60000);
    auto up = f.ctl("upload " + bundle);
    REQUIRE(up.code == 0);
    auto prov = f.ctl("provision logger-1 --hw f401xe --tag pilot --format json");
    REQUIRE(prov.code == 0);
    Bytes secret = hex_decode(nlohmann::json::parse(prov.output)["secret"].get<std::string>()).value();
    REQUIRE(f.ctl("assign pilot 1").code == 0);

    auto offer = poll(f, {"logger-1", 1, "1.0.0", 0, 1}, secret);
    REQUIRE(offer["a"] == "offer");
    REQUIRE(offer["s"] == "1");
    size_t size = std::stoul(offer["z"]);
    size_t chunk = std::stoul(offer["c"]);

    Bytes expected = release::parse_bundle(read_file(bundle)).images[1];
    REQUIRE(size == expected.size());
    std::string by_header, by_query;
    for (size_t off = 0; off < size; off += chunk) {
        std::string range = std::to_string(off) + "-" + std::to_string(std::min(size, off + chunk) - 1);
        auto a = f.http->request("GET", offer["u"], {{"Range", "bytes=" + range}});
        REQUIRE(a.status == 206);
        REQUIRE(*a.header("content-length") == std::to_string(a.body.size()));
        by_header += a.body;
        auto b = f.http->request("GET", offer["u"] + "?r=" + range);
        REQUIRE(b.status == 206);
        by_query += b.body;
    }
    CHECK(by_header == std::string(as_chars(expected)));
    CHECK(by_query == by_header);
    CHECK(hex_encode(crypto::sha256(by_header).data(), 32) == offer["h"]);

    poll(f, {"logger-1", 2, "1.0.0", 0, 1, 0, proto::kEventVerified, 1}, secret);
    poll(f, {"logger-1", 3, "1.0.0", 0, 1, 0, proto::kEventPendingReboot, 1}, secret);
    CHECK(f.api_json("/api/v1/devices/logger-1")["state"] == "pending_reboot");
    REQUIRE(poll(f, {"logger-1", 4, "1.1.0", 1, 2, proto::kBootTrial}, secret)["a"] == "confirm");
    CHECK(f.api_json("/api/v1/devices/logger-1")["state"] == "trial");
    poll(f, {"logger-1", 5, "1.1.0", 1, 2, proto::kBootConfirmed, proto::kEventConfirmed, 1}, secret);
    auto dev = f.api_json("/api/v1/devices/logger-1");
    CHECK(dev["state"] == "updated");
    CHECK(dev["version"] == "1.1.0");
    CHECK(dev["slot"] == 1);

    // Byte counters reach the store within the flush interval (1 s here).
    uint64_t served = 0;
    for (int i = 0; i < 50 && served < 2 * size; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        served = f.api_json("/api/v1/devices/logger-1")["bytes_served"].get<uint64_t>();
    }
    CHECK(served == 2 * size);

    auto listing = f.ctl("devices --json");
    REQUIRE(listing.code == 0);
    CHECK(nlohmann::json::parse(listing.output)[0]["state"] == "updated");
    auto metrics = f.http->request("GET", "/metrics");
    CHECK(metrics.body.find("ferry_polls_total{result=\"confirm\"} 1") != std::string::npos);
}

TEST_CASE("an idle poll is small on the wire", "[integration]") {
    ServerFixture f;
    auto prov = f.ctl("provision d1 --hw f401xe --format json");
    Bytes secret = hex_decode(nlohmann::json::parse(prov.output)["secret"].get<std::string>()).value();
    std::string target = poll_target({"d1", 1, "1.0.0", 0, 1}, secret);
    auto r = f.http->request("GET", target);
    REQUIRE(r.status == 200);
    size_t response_bytes = std::string("HTTP/1.1 200 OK\r\n").size() + 2;
    for (const auto& [k, v] : r.headers) response_bytes += k.size() + 2 + v.size() + 2;
    response_bytes += r.body.size();
    // The request as a Telit modem sends it: request line, Host, Connection: close.
    size_t request_bytes = ("GET " + target + " HTTP/1.1\r\n").size() + ("Host: 127.0.0.1:" + std::to_string(f.ferryd->port()) + "\r\n").size() +
                           std::string("Connection: close\r\n\r\n").size();
    WARN("idle poll on the wire: request " << request_bytes << " bytes, response " << response_bytes
                                           << " bytes (HTTP only, no TCP/IP)");
    CHECK(request_bytes < 300);
    CHECK(response_bytes < 250);
}
