#include <catch2/catch.hpp>

#include "common/version.h"

using ferry::parse_version;
using ferry::Version;

TEST_CASE("parse_version accepts major.minor.patch and an optional +build", "[version]") {
    auto v = parse_version("1.2.3");
    REQUIRE(v);
    CHECK(v->major == 1);
    CHECK(v->minor == 2);
    CHECK(v->patch == 3);
    CHECK(v->build == 0);

    auto b = parse_version("10.20.300+4000");
    REQUIRE(b);
    CHECK(b->major == 10);
    CHECK(b->minor == 20);
    CHECK(b->patch == 300);
    CHECK(b->build == 4000);

    auto zero = parse_version("0.0.0");
    REQUIRE(zero);
    CHECK(zero->key() == 0);
}

TEST_CASE("parse_version accepts each field's maximum and refuses one more", "[version]") {
    auto max = parse_version("255.255.65535+4294967295");
    REQUIRE(max);
    CHECK(max->major == 255);
    CHECK(max->minor == 255);
    CHECK(max->patch == 65535);
    CHECK(max->build == 4294967295u);
    CHECK_FALSE(parse_version("256.0.0"));
    CHECK_FALSE(parse_version("0.256.0"));
    CHECK_FALSE(parse_version("0.0.65536"));
    CHECK_FALSE(parse_version("0.0.0+4294967296"));
    CHECK_FALSE(parse_version("0.0.0+99999999999999999999"));  // would overflow 64 bits
}

TEST_CASE("parse_version refuses malformed text", "[version]") {
    const char* bad[] = {
        "",          "1",       "1.2",      "1.2.3.4",   "1..3",     ".1.2.3", "1.2.3.", "1.2.",
        "+1.2.3",    "-1.2.3",  "1.-2.3",   "1.+2.3",    " 1.2.3",   "1.2.3 ", "1 .2.3", "1.2.3+",
        "1.2.3+4+5", "1.2+3.4", "1.2.3+-4", "1.2.3-rc1", "v1.2.3",   "01.2.3", "1.02.3", "1.2.03",
        "1.2.3+07",  "a.b.c",   "1.2.3\n",  "1.2.0x3",   "1.2.3+ 4", "1,2,3",
    };
    for (const char* text : bad) {
        INFO("text: \"" << text << "\"");
        CHECK_FALSE(parse_version(text));
    }
    CHECK_FALSE(parse_version(std::string_view("1.2.3\0", 6)));
}

TEST_CASE("zero is written as a single 0 in every field", "[version]") {
    CHECK(parse_version("0.0.0+0"));
    CHECK(parse_version("1.0.0"));
    CHECK_FALSE(parse_version("00.0.0"));
    CHECK_FALSE(parse_version("0.0.0+00"));
}

TEST_CASE("Version::str leaves out a zero build and round trips", "[version]") {
    CHECK(Version{1, 2, 3, 0}.str() == "1.2.3");
    CHECK(Version{1, 2, 3, 45}.str() == "1.2.3+45");
    CHECK(Version{255, 255, 65535, 4294967295u}.str() == "255.255.65535+4294967295");
    for (const char* text : {"0.0.0", "1.2.3", "9.10.11+12", "255.255.65535+4294967295"}) {
        auto v = parse_version(text);
        REQUIRE(v);
        CHECK(v->str() == text);
    }
}

TEST_CASE("Version order is major, minor, patch, build", "[version]") {
    auto key = [](const char* t) { return parse_version(t)->key(); };
    CHECK(key("1.2.3") < key("1.2.3+1"));
    CHECK(key("1.2.3+4294967295") < key("1.2.4"));
    CHECK(key("1.2.65535") < key("1.3.0"));
    CHECK(key("1.255.0") < key("2.0.0"));
    CHECK(key("0.0.0") < key("0.0.0+1"));
    CHECK(*parse_version("1.2.3") == *parse_version("1.2.3+0"));
}

TEST_CASE("Version converts to and from the wire struct", "[version]") {
    Version v{7, 8, 900, 123456};
    ferry::proto::ImageVersion w = v.wire();
    CHECK(w.major == 7);
    CHECK(w.minor == 8);
    CHECK(w.patch == 900);
    CHECK(w.build == 123456);
    CHECK(Version::from_wire(w) == v);
}
