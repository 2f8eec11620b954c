// Bad input, table-driven, against a real ferryd: every case gets its 4xx with a JSON error
// body, and the server's state (releases, devices, events, assignments, tokens, blob files) is
// exactly what it was before.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "api/capability.h"
#include "api/device_auth.h"
#include "server_fixture.h"

using namespace ferry;
using namespace ferry::test;

namespace {

struct BadRequest {
    std::string name;
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    int status;
    bool with_admin_token = true;
};

std::string fingerprint(ServerFixture& f) {
    nlohmann::json state;
    state["releases"] = f.api_json("/api/v1/releases");
    state["devices"] = f.api_json("/api/v1/devices");
    state["events"] = f.api_json("/api/v1/devices/dev-1/events");
    state["assignments"] = f.api_json("/api/v1/assignments");
    auto tokens = f.api_json("/api/v1/tokens");
    for (auto& t : tokens["tokens"]) t.erase("last_used_at");
    state["tokens"] = tokens;
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(f.data + "/blobs")) {
        files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    state["blobs"] = files;
    return state.dump();
}

Bytes capability_key(ServerFixture& f) {
    SQLite::Database db(f.data + "/ferry.db", SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT value FROM settings WHERE key = 'capability_key'");
    REQUIRE(q.executeStep());
    auto* p = static_cast<const uint8_t*>(q.getColumn(0).getBlob());
    return Bytes(p, p + q.getColumn(0).getBytes());
}

}  // namespace

TEST_CASE("at least 40 bad requests: each a 4xx with a JSON error and no change of state",
          "[integration][bad-input]") {
    ServerFixture f;
    std::string good_bundle = f.sign("1.1.0", 2, 20000);
    REQUIRE(f.ctl("upload " + good_bundle).code == 0);
    auto prov = f.ctl("provision dev-1 --hw f401xe --tag pilot --format json");
    REQUIRE(prov.code == 0);
    Bytes secret = hex_decode(nlohmann::json::parse(prov.output)["secret"].get<std::string>()).value();
    REQUIRE(f.ctl("pin dev-1 1").code == 0);
    std::string first_poll = poll_target({"dev-1", 1, "1.0.0", 0, 1}, secret);
    auto offer_resp = f.http->request("GET", first_poll);
    REQUIRE(offer_resp.status == 200);
    auto offer = parse_poll_answer(offer_resp.body, secret, 1);
    REQUIRE(offer["a"] == "offer");
    const std::string url = offer["u"];
    const std::string size = offer["z"];
    auto viewer = nlohmann::json::parse(f.ctl("token-create looker --role viewer --json").output)["token"].get<std::string>();

    Bytes key = capability_key(f);
    api::Capability expired_cap{1, 1, 1, 1000};  // expired decades ago
    std::string expired = "/f/" + api::mint_capability(expired_cap, key);
    std::string foreign = "/f/" + api::mint_capability({1, 1, 1, 4000000000u}, Bytes(32, 7));

    Bytes bundle = read_file(good_bundle);
    Bytes tampered = bundle;
    tampered[tampered.size() - 500] ^= 0x40;
    Bytes foreign_bundle = make_bundle(crypto::ed25519_generate(), "1.2.0", 2, proto::kHwF401xE);
    Bytes other_hw = make_bundle(f.key, "1.3.0", 2, proto::kHwF401xE);
    std::string s_bundle(as_chars(bundle)), s_tampered(as_chars(tampered));
    std::string s_truncated = s_bundle.substr(0, s_bundle.size() / 2);
    std::string bin = "application/octet-stream";
    auto signed_poll = [&](PollParams p) { return poll_target(p, secret); };
    auto with_mac = [&](const std::string& unsigned_target) {
        return unsigned_target + "&m=" + api::device_mac_hex(secret, unsigned_target);
    };
    Bytes other_secret(32, 0x5a);

    std::vector<BadRequest> cases = {
        // --- device API: authentication and replay
        {"poll without anything", "GET", "/p", {}, {}, 401},
        {"poll without MAC", "GET", "/p?d=dev-1&n=2&v=1.0.0&s=0&k=1&b=0", {}, {}, 401},
        {"poll with wrong MAC", "GET", "/p?d=dev-1&n=2&v=1.0.0&s=0&k=1&b=0&m=00112233445566778899aabbccddeeff", {}, {}, 401},
        {"poll signed with another secret", "GET", poll_target({"dev-1", 2, "1.0.0", 0, 1}, other_secret), {}, {}, 401},
        {"replayed poll", "GET", first_poll, {}, {}, 409},
        {"unknown device", "GET", poll_target({"ghost-7", 2, "1.0.0", 0, 1}, secret), {}, {}, 401},
        {"MAC not last", "GET", "/p?m=00&d=dev-1&n=2&v=1.0.0&s=0&k=1&b=0", {}, {}, 401},
        {"malformed version", "GET", with_mac("/p?d=dev-1&n=2&v=1.x&s=0&k=1&b=0"), {}, {}, 400},
        {"slot 2", "GET", with_mac("/p?d=dev-1&n=2&v=1.0.0&s=2&k=1&b=0"), {}, {}, 400},
        {"boot state 9", "GET", with_mac("/p?d=dev-1&n=2&v=1.0.0&s=0&k=1&b=9"), {}, {}, 400},
        {"counter 0", "GET", with_mac("/p?d=dev-1&n=0&v=1.0.0&s=0&k=1&b=0"), {}, {}, 400},
        {"counter not a number", "GET", with_mac("/p?d=dev-1&n=abc&v=1.0.0&s=0&k=1&b=0"), {}, {}, 400},
        {"percent escape in poll", "GET", with_mac("/p?d=dev%2D1&n=2&v=1.0.0&s=0&k=1&b=0"), {}, {}, 400},
        {"repeated parameter", "GET", with_mac("/p?d=dev-1&n=2&n=3&v=1.0.0&s=0&k=1&b=0"), {}, {}, 400},
        {"quote in device id", "GET", with_mac("/p?d=dev'1&n=2&v=1.0.0&s=0&k=1&b=0"), {}, {}, 400},
        {"SQL in device id", "GET", with_mac("/p?d=1'OR'1'='1&n=2&v=1.0.0&s=0&k=1&b=0"), {}, {}, 400},
        {"event code 99", "GET", with_mac("/p?d=dev-1&n=2&v=1.0.0&s=0&k=1&b=0&e=99"), {}, {}, 400},
        {"POST to poll", "POST", signed_poll({"dev-1", 2, "1.0.0", 0, 1}), {}, "x", 405},
        // --- downloads: capabilities
        {"expired capability", "GET", expired, {}, {}, 403},
        {"foreign capability", "GET", foreign, {}, {}, 403},
        {"truncated capability", "GET", url.substr(0, url.size() - 4), {}, {}, 403},
        {"dot-dot capability", "GET", "/f/..", {}, {}, 403},
        {"encoded dot-dot capability", "GET", "/f/%2e%2e", {}, {}, 403},
        {"traversal capability", "GET", "/f/..%2f..%2fferry.db", {}, {}, 403},
        // --- downloads: every malformed range form
        {"range not bytes", "GET", url, {{"Range", "items=0-1"}}, {}, 416},
        {"range letters", "GET", url, {{"Range", "bytes=a-b"}}, {}, 416},
        {"range reversed", "GET", url, {{"Range", "bytes=9-1"}}, {}, 416},
        {"range multiple", "GET", url, {{"Range", "bytes=0-1,4-5"}}, {}, 416},
        {"range empty", "GET", url, {{"Range", "bytes="}}, {}, 416},
        {"range suffix zero", "GET", url, {{"Range", "bytes=-0"}}, {}, 416},
        {"range past end", "GET", url, {{"Range", "bytes=" + size + "-"}}, {}, 416},
        {"query range reversed", "GET", url + "?r=9-1", {}, {}, 416},
        {"query range garbage", "GET", url + "?r=x", {}, {}, 416},
        {"header and query range", "GET", url + "?r=0-1", {{"Range", "bytes=0-1"}}, {}, 400},
        {"unknown download parameter", "GET", url + "?x=1", {}, {}, 400},
        // --- uploads
        {"upload without token", "POST", "/api/v1/releases", {{"Content-Type", bin}}, s_bundle, 401, false},
        {"upload as viewer", "POST", "/api/v1/releases", {{"Authorization", "Bearer " + viewer}}, s_bundle, 403, false},
        {"upload with bad token", "POST", "/api/v1/releases", {{"Authorization", "Bearer fy_000000000000_x"}}, s_bundle, 401, false},
        {"upload tampered bundle", "POST", "/api/v1/releases", {}, s_tampered, 422},
        {"upload foreign key", "POST", "/api/v1/releases", {}, std::string(as_chars(foreign_bundle)), 422},
        {"upload truncated bundle", "POST", "/api/v1/releases", {}, s_truncated, 400},
        {"upload duplicate version", "POST", "/api/v1/releases", {}, s_bundle, 409},
        {"upload wrong hardware", "POST", "/api/v1/releases", {{"X-Ferry-Expect-Hw", "wb55"}}, std::string(as_chars(other_hw)), 422},
        {"upload empty", "POST", "/api/v1/releases", {}, {}, 400},
        {"upload oversized", "POST", "/api/v1/releases", {}, std::string(2 * 1024 * 1024, 'x'), 413},
        {"upload not a bundle", "POST", "/api/v1/releases", {}, "{\"version\":\"1.0.0\"}", 400},
        // --- devices and JSON bodies
        {"provision malformed JSON", "POST", "/api/v1/devices", {}, "{\"id\": ", 400},
        {"provision JSON array", "POST", "/api/v1/devices", {}, "[1,2]", 400},
        {"provision missing hw", "POST", "/api/v1/devices", {}, R"({"id":"n1"})", 400},
        {"provision hw number too big", "POST", "/api/v1/devices", {}, R"({"id":"n1","hw_id":"99999999999"})", 400},
        {"provision quoted id", "POST", "/api/v1/devices", {}, R"({"id":"a\"b","hw_id":"f401xe"})", 400},
        {"provision SQL id", "POST", "/api/v1/devices", {}, R"({"id":"x'); DROP TABLE devices;--","hw_id":"f401xe"})", 400},
        {"provision dot-dot id", "POST", "/api/v1/devices", {}, R"({"id":"..","hw_id":"f401xe"})", 400},
        {"provision slash id", "POST", "/api/v1/devices", {}, R"({"id":"../etc","hw_id":"f401xe"})", 400},
        {"provision duplicate", "POST", "/api/v1/devices", {}, R"({"id":"dev-1","hw_id":"f401xe"})", 409},
        {"provision unknown field", "POST", "/api/v1/devices", {}, R"({"id":"n1","hw_id":"f401xe","admin":true})", 400},
        {"provision id not a string", "POST", "/api/v1/devices", {}, R"({"id":5,"hw_id":"f401xe"})", 400},
        {"provision bad tag", "POST", "/api/v1/devices", {}, R"({"id":"n1","hw_id":"f401xe","tags":["a b"]})", 400},
        {"device path dot-dot", "GET", "/api/v1/devices/..", {}, {}, 400},
        {"device path encoded dot-dot", "GET", "/api/v1/devices/%2e%2e", {}, {}, 400},
        {"device path encoded traversal", "GET", "/api/v1/devices/..%2f..%2fetc%2fpasswd", {}, {}, 400},
        {"device path quote", "GET", "/api/v1/devices/dev'1", {}, {}, 400},
        {"unknown device", "GET", "/api/v1/devices/nobody", {}, {}, 404},
        {"tags with SQL", "PUT", "/api/v1/devices/dev-1/tags", {}, R"({"tags":["a';--"]})", 400},
        {"tags not a list", "PUT", "/api/v1/devices/dev-1/tags", {}, R"({"tags":"a"})", 400},
        {"pin to missing release", "PUT", "/api/v1/devices/dev-1/pin", {}, R"({"release_id":999})", 404},
        {"pin with string id", "PUT", "/api/v1/devices/dev-1/pin", {}, R"({"release_id":"1"})", 400},
        {"device list bad limit", "GET", "/api/v1/devices?limit=99999", {}, {}, 400},
        {"device list SQL tag", "GET", "/api/v1/devices?tag=a'%20OR%20'1'='1", {}, {}, 400},
        {"device list unknown filter", "GET", "/api/v1/devices?sort=name", {}, {}, 400},
        {"events path traversal", "GET", "/api/v1/devices/%2e%2e/events", {}, {}, 400},
        // --- releases, assignments, tokens
        {"release id not a number", "GET", "/api/v1/releases/abc", {}, {}, 400},
        {"release id zero", "GET", "/api/v1/releases/0", {}, {}, 400},
        {"release id SQL", "GET", "/api/v1/releases/1%20OR%201=1", {}, {}, 400},
        {"release id dot-dot", "GET", "/api/v1/releases/..", {}, {}, 400},
        {"missing release", "GET", "/api/v1/releases/999", {}, {}, 404},
        {"delete release in use", "DELETE", "/api/v1/releases/1", {}, {}, 409},
        {"assign dot-dot tag", "PUT", "/api/v1/assignments/..", {}, R"({"release_id":1})", 400},
        {"assign encoded traversal tag", "PUT", "/api/v1/assignments/%2e%2e%2fx", {}, R"({"release_id":1})", 400},
        {"assign missing release", "PUT", "/api/v1/assignments/eu", {}, R"({"release_id":999})", 404},
        {"assign negative release", "PUT", "/api/v1/assignments/eu", {}, R"({"release_id":-1})", 400},
        {"unassign unknown tag", "DELETE", "/api/v1/assignments/none", {}, {}, 404},
        {"token bad role", "POST", "/api/v1/tokens", {}, R"({"name":"x","role":"root"})", 400},
        {"token quoted name", "POST", "/api/v1/tokens", {}, R"({"name":"x\"y","role":"viewer"})", 400},
        {"token id not a number", "DELETE", "/api/v1/tokens/abc", {}, {}, 400},
        {"token list as viewer", "GET", "/api/v1/tokens", {{"Authorization", "Bearer " + viewer}}, {}, 403, false},
        // --- routing and transport
        {"unknown route", "GET", "/api/v1/nothing", {}, {}, 404},
        {"wrong method", "PATCH", "/api/v1/releases", {}, {}, 405},
        {"huge header", "GET", "/healthz", {{"X-Big", std::string(20000, 'a')}}, {}, 431},
    };
    REQUIRE(cases.size() >= 40);

    std::string before = fingerprint(f);
    for (const auto& c : cases) {
        INFO(c.name << ": " << c.method << " " << c.target.substr(0, 120));
        auto headers = c.headers;
        if (c.with_admin_token) headers.emplace_back("Authorization", "Bearer " + f.ferryd->admin_token());
        f.http->close();  // a fresh connection per case: a refused request may close it
        auto r = f.http->request(c.method, c.target, headers, c.body);
        CHECK(r.status == c.status);
        auto j = nlohmann::json::parse(r.body, nullptr, false);
        CHECK((!j.is_discarded() && j.contains("error") && j["error"]["code"].is_string() &&
               !j["error"]["code"].get<std::string>().empty()));
        f.http->close();
        CHECK(fingerprint(f) == before);
    }
    CHECK(f.ferryd->log().find("\"level\":\"error\"") == std::string::npos);
}
