// The device's poll builder and answer parser against the real server handlers: the contract
// of proto/device-api.md checked from both ends.
#include <catch2/catch.hpp>
#include <cstring>

#include "../unit/app_fixture.h"
#include "agent/device_api.h"
#include "ferry/errors.h"
#include "image/image_check.h"
#include "release/bundle.h"

using namespace ferry;
using namespace ferry::test;

namespace {
DeviceIdentity identity(const std::string& name, const Bytes& secret) {
    DeviceIdentity id{};
    std::strncpy(id.device_id, name.c_str(), sizeof id.device_id - 1);
    std::memcpy(id.secret, secret.data(), 32);
    return id;
}
PollReport report(uint64_t n) {
    PollReport r{};
    r.counter = n;
    r.version_major = 1;
    return r;
}
}  // namespace

TEST_CASE("device-built polls are accepted and server answers verify on the device", "[device-api]") {
    AppFixture f;
    Bytes secret = f.provision("dev-9");
    DeviceIdentity id = identity("dev-9", secret);
    char target[256];
    int n = build_poll_target(id, report(1), target, sizeof target);
    REQUIRE(n > 0);
    CHECK(std::string(target) == poll_target({"dev-9", 1, "1.0.0", 0, 0}, secret));
    auto r = f.call("GET", target, {}, "");
    REQUIRE(r.status == 200);
    PollAnswer a;
    REQUIRE(parse_poll_answer(id, 1, r.body.data(), r.body.size(), &a) == FERRY_OK);
    CHECK(a.action == PollAnswer::kIdle);
    CHECK(a.interval_s == 3600);
    // The same answer for another counter (a replay) or with one byte changed is refused.
    CHECK(parse_poll_answer(id, 2, r.body.data(), r.body.size(), &a) == FERRY_ERR_SIGNATURE);
    std::string tampered = r.body;
    tampered[2] = tampered[2] == 'i' ? 'o' : 'i';
    CHECK(parse_poll_answer(id, 1, tampered.data(), tampered.size(), &a) != FERRY_OK);
}

TEST_CASE("an offer parses, and its manifest is checked before downloading", "[device-api]") {
    AppFixture f;
    Bytes secret = f.provision("dev-9");
    DeviceIdentity id = identity("dev-9", secret);
    Bytes bundle = make_bundle(f.release_key, "2.0.0", 3, proto::kHwF401xE, 5000);
    int64_t rel = f.upload(bundle);
    f.call("PUT", "/api/v1/devices/dev-9/pin", nlohmann::json{{"release_id", rel}}.dump());
    char target[256];
    PollReport rep = report(1);
    rep.security_counter = 2;
    build_poll_target(id, rep, target, sizeof target);
    auto r = f.call("GET", target, {}, "");
    REQUIRE(r.status == 200);
    PollAnswer a;
    REQUIRE(parse_poll_answer(id, 1, r.body.data(), r.body.size(), &a) == FERRY_OK);
    REQUIRE(a.action == PollAnswer::kOffer);
    CHECK(a.slot == 1);
    CHECK(std::string(a.version) == "2.0.0");
    auto parsed = release::parse_bundle(bundle);
    CHECK(a.size == parsed.images[1].size());

    TrustedKey key{};
    auto kid = crypto::key_id(f.release_key.public_key);
    std::memcpy(key.key_id, kid.data(), 8);
    std::memcpy(key.public_key, f.release_key.public_key.data(), 32);
    uint16_t reason = 0;
    CHECK(check_offer_manifest(a, &key, 1, proto::kHwF401xE, 2, &reason) == FERRY_OK);
    CHECK(check_offer_manifest(a, &key, 1, proto::kHwWB55, 2, &reason) != FERRY_OK);
    CHECK(reason == proto::kReasonHardwareMismatch);
    CHECK(check_offer_manifest(a, &key, 1, proto::kHwF401xE, 4, &reason) != FERRY_OK);
    CHECK(reason == proto::kReasonSecurityCounterLower);
    TrustedKey other = key;
    other.public_key[0] ^= 1;
    CHECK(check_offer_manifest(a, &other, 1, proto::kHwF401xE, 2, &reason) == FERRY_ERR_SIGNATURE);
    PollAnswer wrong = a;
    wrong.size += 1;
    CHECK(check_offer_manifest(wrong, &key, 1, proto::kHwF401xE, 2, &reason) != FERRY_OK);
}

TEST_CASE("malformed answers are refused without reading past the end", "[device-api]") {
    DeviceIdentity id{};
    std::strcpy(id.device_id, "x");
    PollAnswer a;
    const char* bad[] = {"", "\n", "a=idle\n", "m=00\n", "a=idle\ni=1\nm=0123456789abcdef0123456789abcdef"};
    for (const char* b : bad) CHECK(parse_poll_answer(id, 1, b, std::strlen(b), &a) != FERRY_OK);
    uint8_t out[8];
    CHECK(base64url_decode("AAAA", 4, out, sizeof out) == 3);
    CHECK(base64url_decode("AA=A", 4, out, sizeof out) < 0);
    CHECK(base64url_decode("AB", 2, out, sizeof out) < 0);  // non-zero unused bits
}
