// Small pieces of the API layer: ranges, capabilities, query strings, names, device MACs.
#include <catch2/catch.hpp>

#include "api/api_error.h"
#include "api/byte_range.h"
#include "api/capability.h"
#include "api/device_auth.h"
#include "api/query.h"
#include "api/router.h"
#include "api/validate.h"
#include "common/crypto.h"
#include "ferry/proto/image.h"

using namespace ferry;
using namespace ferry::api;

TEST_CASE("byte ranges follow RFC 9110", "[range]") {
    auto ok = [](std::string_view s, uint64_t size, bool q = false) {
        auto r = parse_range(s, size, q);
        REQUIRE(r.error == RangeError::none);
        REQUIRE(r.range);
        return std::make_pair(r.range->first, r.range->last);
    };
    CHECK(ok("bytes=0-99", 1000) == std::make_pair<uint64_t, uint64_t>(0, 99));
    CHECK(ok("bytes=990-2000", 1000) == std::make_pair<uint64_t, uint64_t>(990, 999));
    CHECK(ok("bytes=500-", 1000) == std::make_pair<uint64_t, uint64_t>(500, 999));
    CHECK(ok("bytes=-10", 1000) == std::make_pair<uint64_t, uint64_t>(990, 999));
    CHECK(ok("bytes=-5000", 1000) == std::make_pair<uint64_t, uint64_t>(0, 999));
    CHECK(ok("0-0", 1000, true) == std::make_pair<uint64_t, uint64_t>(0, 0));
    for (const char* bad : {"bytes=", "bytes=a-b", "bytes=5-1", "bytes=0-1,2-3", "items=0-1",
                            "bytes=--1", "bytes=1", "bytes= 0-1", "bytes=0x1-2",
                            "bytes=99999999999999999999-"}) {
        INFO(bad);
        CHECK(parse_range(bad, 1000, false).error == RangeError::malformed);
    }
    CHECK(parse_range("bytes=1000-", 1000, false).error == RangeError::unsatisfiable);
    CHECK(parse_range("bytes=-0", 1000, false).error == RangeError::unsatisfiable);
    CHECK(parse_range("bytes=0-1", 1000, true).error == RangeError::malformed);
}

TEST_CASE("capabilities round-trip, expire and refuse any altered byte", "[capability]") {
    Bytes key = crypto::random_bytes(32);
    Capability cap{42, 7, 1, 2000};
    std::string text = mint_capability(cap, key);
    CHECK(text.size() == 35);
    Capability out;
    REQUIRE(check_capability(text, key, 1999, &out) == CapabilityError::none);
    CHECK(out.device_id == 42);
    CHECK(out.release_id == 7);
    CHECK(out.slot == 1);
    CHECK(check_capability(text, key, 2000, &out) == CapabilityError::expired);
    for (size_t i = 0; i < text.size(); ++i) {
        std::string t = text;
        t[i] = t[i] == 'A' ? 'B' : 'A';
        CHECK(check_capability(t, key, 0, &out) != CapabilityError::none);
    }
    CHECK(check_capability(text, crypto::random_bytes(32), 0, &out) == CapabilityError::bad_mac);
    CHECK(check_capability("", key, 0, &out) == CapabilityError::malformed);
    CHECK(check_capability("../../etc/passwd", key, 0, &out) == CapabilityError::malformed);
}

TEST_CASE("query strings: decoding, duplicates, refused escapes", "[query]") {
    auto q = Query::parse("a=1&b=x%2Fy&c");
    CHECK(q.get("a") == "1");
    CHECK(q.get("b") == "x/y");
    CHECK(q.get("c") == "");
    CHECK_FALSE(q.get("d"));
    CHECK_THROWS_AS(Query::parse("a=1&a=2"), ApiError);
    CHECK_THROWS_AS(Query::parse("a=%zz"), ApiError);
    CHECK_THROWS_AS(Query::parse("a=%2"), ApiError);
    CHECK_THROWS_AS(Query::parse("a=%2F", false), ApiError);
}

TEST_CASE("names that become paths and SQL parameters stay in their alphabet", "[validate]") {
    CHECK(valid_name("dev-01_a.b"));
    for (const char* bad : {"", ".", "..", "a/b", "a b", "a'b", "a;DROP", "%2e%2e", "x\n",
                            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
        INFO(bad);
        CHECK_FALSE(valid_name(bad));
    }
    CHECK(parse_hw_id("f401xe") == proto::kHwF401xE);
    CHECK(parse_hw_id("0x10000001") == 0x10000001u);
    CHECK(parse_hw_id("42") == 42u);
    CHECK_FALSE(parse_hw_id("0x"));
    CHECK_FALSE(parse_hw_id("f401"));
    CHECK(hw_id_name(proto::kHwWB55) == "wb55");
    CHECK(parse_u64("18446744073709551615") == UINT64_MAX);
    CHECK_FALSE(parse_u64("18446744073709551616"));
    CHECK_FALSE(parse_u64("01"));
}

TEST_CASE("device MAC covers the target up to &m= and nothing after", "[device-auth]") {
    Bytes secret(32, 0x11);
    SignedTarget st;
    REQUIRE(split_signed_target("/p?d=x&n=1&m=abcd", &st));
    CHECK(st.signed_part == "/p?d=x&n=1");
    CHECK(st.mac_hex == "abcd");
    CHECK_FALSE(split_signed_target("/p?d=x&n=1", &st));
    CHECK_FALSE(split_signed_target("/p?m=ab&d=x", &st));
    CHECK(device_mac_hex(secret, "a").size() == 32);
    CHECK(device_mac_hex(secret, "a") != device_mac_hex(secret, "b"));
    CHECK(response_mac_hex(secret, 1, "a=idle\n") != response_mac_hex(secret, 2, "a=idle\n"));
}

TEST_CASE("router matches patterns and tells 404 from 405", "[router]") {
    Router r;
    r.add("GET", "/api/v1/x/{id}", Access::viewer, [](RouteContext&) { return HttpResponse{}; });
    auto m = r.match("GET", "/api/v1/x/12");
    REQUIRE(m.route);
    CHECK(m.params == std::vector<std::string>{"12"});
    auto wrong = r.match("POST", "/api/v1/x/12");
    CHECK_FALSE(wrong.route);
    CHECK(wrong.path_known);
    CHECK_FALSE(r.match("GET", "/api/v1/x/").route);
    CHECK_FALSE(r.match("GET", "/api/v1/x/1/2").route);
    CHECK_FALSE(r.match("GET", "api/v1/x/1").route);
}
