// SHA-256 and SHA-512 against FIPS 180 examples, and incremental against one-shot.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "crypto/sha256.h"
#include "crypto/sha512.h"
#include "crypto_test_util.h"

using namespace ferry::crypto;
using ferry::test::hex;

namespace {

struct Vector {
    std::string message;
    const char* sha256;
    const char* sha512;
};

const std::string kMillionA(1000000, 'a');

// FIPS 180-2 appendix examples: empty, "abc", the 448-bit and 896-bit messages, one million 'a'.
const Vector kVectors[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
     "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
     "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
     "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
     "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
     "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
     "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"},
    {kMillionA, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
     "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
     "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"},
};

// 200 bytes that are not all alike, so a misplaced byte changes the digest.
std::string message200() {
    std::string m(200, '\0');
    for (size_t i = 0; i < m.size(); ++i) {
        m[i] = static_cast<char>(i * 7 + 3);
    }
    return m;
}

template <class Hash, size_t N>
std::string incremental(const std::string& m, size_t chunk) {
    Hash h;
    for (size_t pos = 0; pos < m.size(); pos += chunk) {
        h.update(m.data() + pos, std::min(chunk, m.size() - pos));
    }
    uint8_t out[N];
    h.final(out);
    return hex(out, N);
}

}  // namespace

TEST_CASE("SHA-256 matches the FIPS 180 examples", "[crypto][sha256]") {
    for (const Vector& v : kVectors) {
        INFO("message length " << v.message.size());
        uint8_t out[kSha256Size];
        sha256(v.message.data(), v.message.size(), out);
        CHECK(hex(out, sizeof out) == v.sha256);
        // The same through the incremental interface, in odd-sized pieces.
        CHECK(incremental<Sha256, kSha256Size>(v.message, 1000) == v.sha256);
        CHECK(incremental<Sha256, kSha256Size>(v.message, 63) == v.sha256);
    }
}

TEST_CASE("SHA-512 matches the FIPS 180 examples", "[crypto][sha512]") {
    for (const Vector& v : kVectors) {
        INFO("message length " << v.message.size());
        uint8_t out[kSha512Size];
        sha512(v.message.data(), v.message.size(), out);
        CHECK(hex(out, sizeof out) == v.sha512);
        CHECK(incremental<Sha512, kSha512Size>(v.message, 1000) == v.sha512);
        CHECK(incremental<Sha512, kSha512Size>(v.message, 127) == v.sha512);
    }
}

TEST_CASE("SHA-256 and SHA-512 take a null pointer with length 0", "[crypto][sha256][sha512]") {
    uint8_t out256[kSha256Size];
    sha256(nullptr, 0, out256);
    CHECK(hex(out256, sizeof out256) == kVectors[0].sha256);
    uint8_t out512[kSha512Size];
    Sha512 h;
    h.update(nullptr, 0);
    h.final(out512);
    CHECK(hex(out512, sizeof out512) == kVectors[0].sha512);
}

TEST_CASE("SHA-256 split at every offset of a 200-byte message equals one-shot",
          "[crypto][sha256]") {
    const std::string m = message200();
    uint8_t expect[kSha256Size];
    sha256(m.data(), m.size(), expect);
    Sha256 h;  // reused: final() leaves it reset
    for (size_t i = 0; i <= m.size(); ++i) {
        for (size_t j = i; j <= m.size(); ++j) {
            h.update(m.data(), i);
            h.update(m.data() + i, j - i);
            h.update(m.data() + j, m.size() - j);
            uint8_t out[kSha256Size];
            h.final(out);
            if (memcmp(out, expect, sizeof out) != 0) {
                FAIL("split at " << i << " and " << j);
            }
        }
    }
    SUCCEED("all two-cut splits agree");
}

TEST_CASE("SHA-512 split at every offset of a 200-byte message equals one-shot",
          "[crypto][sha512]") {
    const std::string m = message200();
    uint8_t expect[kSha512Size];
    sha512(m.data(), m.size(), expect);
    Sha512 h;
    for (size_t i = 0; i <= m.size(); ++i) {
        for (size_t j = i; j <= m.size(); ++j) {
            h.update(m.data(), i);
            h.update(m.data() + i, j - i);
            h.update(m.data() + j, m.size() - j);
            uint8_t out[kSha512Size];
            h.final(out);
            if (memcmp(out, expect, sizeof out) != 0) {
                FAIL("split at " << i << " and " << j);
            }
        }
    }
    SUCCEED("all two-cut splits agree");
}

TEST_CASE("SHA-256 pads correctly around the block boundary", "[crypto][sha256]") {
    // Lengths 55, 56, 63, 64, 65 move the length field into a second padding block or not;
    // reset() in the middle of a message starts over.
    const std::string m = message200();
    for (size_t len : {55u, 56u, 57u, 63u, 64u, 65u, 119u, 120u, 128u}) {
        uint8_t a[kSha256Size];
        uint8_t b[kSha256Size];
        sha256(m.data(), len, a);
        Sha256 h;
        h.update("junk", 4);
        h.reset();
        for (size_t i = 0; i < len; ++i) {
            h.update(m.data() + i, 1);
        }
        h.final(b);
        CHECK(hex(a, sizeof a) == hex(b, sizeof b));
    }
}
