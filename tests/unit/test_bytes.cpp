#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "common/bytes.h"

using namespace ferry;

namespace {

Bytes pseudo_random(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    Bytes b(n);
    for (auto& x : b)
        x = uint8_t(rng());
    return b;
}

// A fresh directory under /tmp, removed with everything in it when the test ends.
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/ferry-test-XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("hex encodes lower case and decodes either case", "[bytes]") {
    Bytes b{0x00, 0x01, 0xab, 0xcd, 0xef, 0xff};
    CHECK(hex_encode(b) == "0001abcdefff");
    CHECK(hex_decode("0001abcdefff") == b);
    CHECK(hex_decode("0001ABCDEFFF") == b);
    CHECK(hex_decode("")->empty());
}

TEST_CASE("hex decode rejects odd length and non-hex characters", "[bytes]") {
    CHECK_FALSE(hex_decode("abc"));
    CHECK_FALSE(hex_decode("0g"));
    CHECK_FALSE(hex_decode("g0"));
    CHECK_FALSE(hex_decode(" 0"));
    CHECK_FALSE(hex_decode("0x00"));
    CHECK_FALSE(hex_decode(std::string_view("\0\0", 2)));
}

TEST_CASE("hex round trips random data", "[bytes]") {
    for (size_t n = 0; n < 70; ++n) {
        Bytes b = pseudo_random(n, uint32_t(n));
        CHECK(hex_decode(hex_encode(b)) == b);
    }
}

TEST_CASE("base64 and base64url match the RFC 4648 vectors", "[bytes]") {
    struct Vec {
        const char* plain;
        const char* padded;
        const char* unpadded;
    };
    const Vec vectors[] = {
        {"", "", ""},
        {"f", "Zg==", "Zg"},
        {"fo", "Zm8=", "Zm8"},
        {"foo", "Zm9v", "Zm9v"},
        {"foob", "Zm9vYg==", "Zm9vYg"},
        {"fooba", "Zm9vYmE=", "Zm9vYmE"},
        {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
    };
    for (const auto& v : vectors) {
        Bytes plain = to_bytes(v.plain);
        CHECK(base64_encode(plain.data(), plain.size()) == v.padded);
        CHECK(base64url_encode(plain) == v.unpadded);
        CHECK(base64_decode(v.padded) == plain);
        CHECK(base64url_decode(v.unpadded) == plain);
    }
}

TEST_CASE("base64url uses - and _ where base64 uses + and /", "[bytes]") {
    Bytes b{0xfb, 0xff};
    CHECK(base64_encode(b.data(), b.size()) == "+/8=");
    CHECK(base64url_encode(b) == "-_8");
    CHECK(base64url_decode("-_8") == b);
    CHECK(base64_decode("+/8=") == b);
    CHECK_FALSE(base64url_decode("+/8"));
    CHECK_FALSE(base64_decode("-_8="));
}

TEST_CASE("base64url decode rejects padding, stray characters and non-canonical text", "[bytes]") {
    CHECK_FALSE(base64url_decode("Zg=="));  // padding is not part of the unpadded form
    CHECK_FALSE(base64url_decode("Zg="));
    CHECK_FALSE(base64url_decode("Z"));  // 6 bits cannot be a byte
    CHECK_FALSE(base64url_decode("Zm9vY"));
    CHECK_FALSE(base64url_decode("Zh"));  // unused low bits set: "Zg" is the one spelling
    CHECK_FALSE(base64url_decode("Zm9 v"));
    CHECK_FALSE(base64url_decode("Zm9v\n"));
    CHECK_FALSE(base64url_decode(std::string_view("Zm\0v", 4)));
}

TEST_CASE("base64 decode requires correct padding", "[bytes]") {
    CHECK_FALSE(base64_decode("Zg"));
    CHECK_FALSE(base64_decode("Zg="));
    CHECK_FALSE(base64_decode("Z==="));
    CHECK_FALSE(base64_decode("===="));
    CHECK_FALSE(base64_decode("Zg==Zg=="));
    CHECK_FALSE(base64_decode("Z=g="));
    CHECK_FALSE(base64_decode("Zm9v\n"));
    CHECK_FALSE(base64_decode("Zh=="));
}

TEST_CASE("base64 forms round trip random data", "[bytes]") {
    for (size_t n = 0; n < 70; ++n) {
        Bytes b = pseudo_random(n, uint32_t(1000 + n));
        CHECK(base64url_decode(base64url_encode(b)) == b);
        CHECK(base64_decode(base64_encode(b.data(), b.size())) == b);
    }
}

TEST_CASE("equal_constant_time compares contents", "[bytes]") {
    Bytes a = pseudo_random(32, 7);
    Bytes b = a;
    CHECK(equal_constant_time(a.data(), b.data(), a.size()));
    b[31] ^= 1;
    CHECK_FALSE(equal_constant_time(a.data(), b.data(), a.size()));
    CHECK(equal_constant_time(a.data(), b.data(), 31));
    CHECK(equal_constant_time(nullptr, nullptr, 0));
}

TEST_CASE("write_file_atomic and read_file round trip", "[bytes]") {
    TempDir dir;
    std::string path = dir.path + "/blob";
    Bytes first = pseudo_random(100000, 1);
    write_file_atomic(path, first.data(), first.size(), 0600);
    CHECK(read_file(path) == first);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    Bytes second = to_bytes("replaced");
    write_file_atomic(path, second.data(), second.size());
    CHECK(read_file(path) == second);
    // No temporary file is left beside the target.
    size_t entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path)) {
        (void)e;
        ++entries;
    }
    CHECK(entries == 1);

    write_file_atomic(path, nullptr, 0);
    CHECK(read_file(path).empty());
}

TEST_CASE("read_file and write_file_atomic report the path on failure", "[bytes]") {
    TempDir dir;
    std::string missing = dir.path + "/no-such-file";
    CHECK_THROWS_WITH(read_file(missing), Catch::Contains(missing));
    std::string bad_dir = dir.path + "/no-such-dir/file";
    Bytes b{1};
    CHECK_THROWS_WITH(write_file_atomic(bad_dir, b.data(), b.size()), Catch::Contains(bad_dir));
}
