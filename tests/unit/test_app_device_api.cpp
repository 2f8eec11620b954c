// The device API through FerryApp::handle, without sockets: polls, offers, downloads, reports.
#include <catch2/catch.hpp>

#include "app_fixture.h"
#include "ferry/proto/device_api.h"
#include "release/bundle.h"

using namespace ferry;
using namespace ferry::test;

namespace {
std::string fetch_all(AppFixture& f, const std::string& url, size_t size, size_t chunk, bool query_form) {
    std::string out;
    for (size_t off = 0; off < size; off += chunk) {
        size_t last = std::min(size, off + chunk) - 1;
        std::string range = std::to_string(off) + "-" + std::to_string(last);
        api::HttpResponse r = query_form ? f.get(url + "?r=" + range, {})
                                         : f.get(url, {{"range", "bytes=" + range}});
        REQUIRE(r.status == 206);
        REQUIRE(*r.header("Content-Range") ==
                "bytes " + range + "/" + std::to_string(size));
        out.append(r.body_view());
    }
    return out;
}
}  // namespace

TEST_CASE("idle poll answers idle with a verifiable MAC and records the device", "[device-api]") {
    AppFixture f;
    Bytes secret = f.provision("dev-1");
    auto a = f.poll({"dev-1", 1, "1.0.0", 0}, secret);
    CHECK(a["a"] == "idle");
    CHECK(a["i"] == "3600");
    auto d = f.json(f.call("GET", "/api/v1/devices/dev-1"));
    CHECK(d["version"] == "1.0.0");
    CHECK(d["last_seen"] == f.clock);
    CHECK(d["state"] == "idle");
}

TEST_CASE("replayed, stale and forged polls are refused without a state change", "[device-api]") {
    AppFixture f;
    Bytes secret = f.provision("dev-1");
    f.poll({"dev-1", 5, "1.0.0", 0}, secret);
    auto before = f.call("GET", "/api/v1/devices/dev-1").body;
    CHECK(f.call("GET", poll_target({"dev-1", 5, "2.0.0", 0}, secret), {}, "").status == 409);
    CHECK(f.call("GET", poll_target({"dev-1", 4, "2.0.0", 0}, secret), {}, "").status == 409);
    Bytes wrong = secret;
    wrong[0] ^= 1;
    CHECK(f.call("GET", poll_target({"dev-1", 6, "2.0.0", 0}, wrong), {}, "").status == 401);
    CHECK(f.call("GET", poll_target({"nobody", 6, "2.0.0", 0}, secret), {}, "").status == 401);
    CHECK(f.call("GET", "/api/v1/devices/dev-1").body == before);
}

TEST_CASE("a whole update: offer, ranged download both ways, reports, success only after check-in",
          "[device-api]") {
    AppFixture f;
    Bytes secret = f.provision("dev-1", "f401xe", {"field"});
    Bytes v2 = make_bundle(f.release_key, "2.0.0", 2, proto::kHwF401xE, 20000, 7);
    f.upload(make_bundle(f.release_key, "1.0.0", 1, proto::kHwF401xE));
    int64_t rel = f.upload(v2);
    CHECK(f.call("PUT", "/api/v1/assignments/field", nlohmann::json{{"release_id", rel}}.dump()).status == 200);

    auto offer = f.poll({"dev-1", 1, "1.0.0", 0, 1}, secret);
    REQUIRE(offer["a"] == "offer");
    CHECK(offer["r"] == std::to_string(rel));
    CHECK(offer["v"] == "2.0.0");
    CHECK(offer["s"] == "1");
    auto parsed = release::parse_bundle(v2);
    const Bytes& image_b = parsed.images[1];
    CHECK(offer["z"] == std::to_string(image_b.size()));
    CHECK(offer["h"] == hex_encode(crypto::sha256(image_b).data(), 32));
    auto manifest = base64url_decode(offer["f"]).value();
    CHECK(manifest == parsed.manifest_bytes);

    std::string url = offer["u"];
    std::string via_header = fetch_all(f, url, image_b.size(), 4096, false);
    std::string via_query = fetch_all(f, url, image_b.size(), 1500, true);
    CHECK(via_header == std::string(as_chars(image_b)));
    CHECK(via_query == via_header);

    // Reports ride on polls; the device is not "updated" until it runs v2 from slot B.
    f.poll({"dev-1", 2, "1.0.0", 0, 1, 0, proto::kEventVerified, rel}, secret);
    auto pending = f.poll({"dev-1", 3, "1.0.0", 0, 1, 0, proto::kEventPendingReboot, rel}, secret);
    CHECK(f.json(f.call("GET", "/api/v1/devices/dev-1"))["state"] == "pending_reboot");
    auto trial = f.poll({"dev-1", 4, "2.0.0", 1, 2, proto::kBootTrial}, secret);
    CHECK(trial["a"] == "confirm");
    CHECK(f.json(f.call("GET", "/api/v1/devices/dev-1"))["state"] == "trial");
    auto done = f.poll({"dev-1", 5, "2.0.0", 1, 2, proto::kBootConfirmed, proto::kEventConfirmed, rel}, secret);
    CHECK(done["a"] == "idle");
    auto d = f.json(f.call("GET", "/api/v1/devices/dev-1"));
    CHECK(d["state"] == "updated");
    CHECK(d["last_result"] == "updated");

    auto events = f.json(f.call("GET", "/api/v1/devices/dev-1/events"))["events"];
    std::vector<std::string> kinds;
    for (const auto& e : events) kinds.insert(kinds.begin(), e["kind"].get<std::string>());
    CHECK(kinds == std::vector<std::string>{"offered", "verified", "pending_reboot", "trial_boot",
                                            "confirmed", "updated"});

    f.app->flush_counters();
    auto served = f.json(f.call("GET", "/api/v1/devices/dev-1"))["bytes_served"].get<uint64_t>();
    CHECK(served == 2 * image_b.size());  // both full passes are counted
    CHECK(f.json(f.call("GET", "/api/v1/releases/" + std::to_string(rel)))["bytes_served"] == served);
}

TEST_CASE("a device that falls back to the old slot is a rollback, not a success", "[device-api]") {
    AppFixture f;
    Bytes secret = f.provision("dev-1", "f401xe");
    int64_t rel = f.upload(make_bundle(f.release_key, "2.0.0", 1, proto::kHwF401xE));
    f.call("PUT", "/api/v1/devices/dev-1/pin", nlohmann::json{{"release_id", rel}}.dump());
    REQUIRE(f.poll({"dev-1", 1, "1.0.0", 0}, secret)["a"] == "offer");
    f.poll({"dev-1", 2, "1.0.0", 0, 0, 0, proto::kEventPendingReboot, rel}, secret);
    // Back on slot A, still v1, boot state "rolled back" with the trial-limit reason.
    auto a = f.poll({"dev-1", 3, "1.0.0", 0, 0, proto::kBootRolledBack, proto::kEventRolledBack, rel, {},
                     proto::kReasonTrialLimitReached},
                    secret);
    CHECK(a["a"] == "idle");  // not offered again by itself
    auto d = f.json(f.call("GET", "/api/v1/devices/dev-1"));
    CHECK(d["state"] == "rolled_back");
    CHECK(d["last_reason"] == proto::kReasonTrialLimitReached);
    CHECK(f.poll({"dev-1", 4, "1.0.0", 0}, secret)["a"] == "idle");
}

TEST_CASE("a lower security counter is never offered", "[device-api]") {
    AppFixture f;
    Bytes secret = f.provision("dev-1");
    int64_t rel = f.upload(make_bundle(f.release_key, "3.0.0", 4, proto::kHwF401xE));
    f.call("PUT", "/api/v1/devices/dev-1/pin", nlohmann::json{{"release_id", rel}}.dump());
    CHECK(f.poll({"dev-1", 1, "2.0.0", 0, 5}, secret)["a"] == "idle");
    CHECK(f.poll({"dev-1", 2, "2.0.0", 0, 4}, secret)["a"] == "offer");
}

TEST_CASE("removing the assignment mid-download tells the device to abort", "[device-api]") {
    AppFixture f;
    Bytes secret = f.provision("dev-1", "f401xe", {"t"});
    int64_t rel = f.upload(make_bundle(f.release_key, "2.0.0", 1, proto::kHwF401xE));
    f.call("PUT", "/api/v1/assignments/t", nlohmann::json{{"release_id", rel}}.dump());
    REQUIRE(f.poll({"dev-1", 1, "1.0.0", 0}, secret)["a"] == "offer");
    f.poll({"dev-1", 2, "1.0.0", 0, 0, 0, proto::kEventDownloading, rel, 8192}, secret);
    CHECK(f.call("DELETE", "/api/v1/assignments/t").status == 204);
    CHECK(f.poll({"dev-1", 3, "1.0.0", 0}, secret)["a"] == "abort");
    CHECK(f.json(f.call("GET", "/api/v1/devices/dev-1"))["state"] == "aborted");
}

TEST_CASE("download links expire and are bound to their image", "[device-api]") {
    AppFixture f;
    Bytes secret = f.provision("dev-1");
    int64_t rel = f.upload(make_bundle(f.release_key, "2.0.0", 1, proto::kHwF401xE));
    f.call("PUT", "/api/v1/devices/dev-1/pin", nlohmann::json{{"release_id", rel}}.dump());
    std::string url = f.poll({"dev-1", 1, "1.0.0", 0}, secret)["u"];
    CHECK(f.get(url, {}).status == 200);
    std::string forged = url;
    forged[5] = forged[5] == 'A' ? 'B' : 'A';
    CHECK(f.get(forged, {}).status == 403);
    f.clock += 7200;
    auto r = f.get(url, {});
    CHECK(r.status == 403);
    CHECK(f.json(r)["error"]["code"] == "capability_expired");
}

TEST_CASE("HEAD, If-Range and unsatisfiable ranges", "[device-api]") {
    AppFixture f;
    Bytes secret = f.provision("dev-1");
    int64_t rel = f.upload(make_bundle(f.release_key, "2.0.0", 1, proto::kHwF401xE, 10000));
    f.call("PUT", "/api/v1/devices/dev-1/pin", nlohmann::json{{"release_id", rel}}.dump());
    auto offer = f.poll({"dev-1", 1, "1.0.0", 0}, secret);
    std::string url = offer["u"];
    size_t size = std::stoul(offer["z"]);

    api::HttpRequest head;
    head.method = "HEAD";
    head.target = url;
    auto h = f.app->handle(head);
    CHECK(h.status == 200);
    CHECK(h.content_length() == size);
    CHECK(h.body_view().empty());
    std::string etag = *h.header("ETag");

    auto suffix = f.get(url, {{"range", "bytes=-100"}});
    CHECK(suffix.status == 206);
    CHECK(suffix.content_length() == 100);
    auto open = f.get(url + "?r=" + std::to_string(size - 10) + "-", {});
    CHECK(open.status == 206);
    CHECK(open.content_length() == 10);
    CHECK(f.get(url, {{"range", "bytes=0-9"}, {"if-range", etag}}).status == 206);
    CHECK(f.get(url, {{"range", "bytes=0-9"}, {"if-range", "\"stale\""}}).status == 200);
    auto past = f.get(url, {{"range", "bytes=" + std::to_string(size) + "-"}});
    CHECK(past.status == 416);
    CHECK(*past.header("Content-Range") == "bytes */" + std::to_string(size));
    CHECK(f.get(url, {{"range", "bytes=0-1,5-9"}}).status == 416);
    CHECK(f.get(url + "?r=0-1", {{"range", "bytes=0-1"}}).status == 400);
}
