// The device crypto cross-checked against OpenSSL on random input: SHA-256, SHA-512 and
// HMAC-SHA256 digests; Ed25519 signatures made by OpenSSL accepted, and the same signatures with
// one bit flipped in message, signature or key refused. Deterministic: keys and messages come
// from a fixed-seed generator (OpenSSL signs deterministically).
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <memory>
#include <random>
#include <string>

#include "crypto/ed25519.h"
#include "crypto/hmac_sha256.h"
#include "crypto/sha256.h"
#include "crypto/sha512.h"
#include "crypto_test_util.h"
#include "ferry/errors.h"

using namespace ferry::crypto;
using ferry::FERRY_ERR_INVALID;
using ferry::FERRY_ERR_SIGNATURE;
using ferry::FERRY_OK;
using ferry::test::ByteVec;
using ferry::test::hex;
using ferry::test::unhex;

namespace {

constexpr uint64_t kSeed = 0x46657272795f6835;  // fixed: a failure reproduces

ByteVec random_bytes(std::mt19937_64& rng, size_t n) {
    ByteVec out(n);
    for (auto& b : out)
        b = static_cast<uint8_t>(rng());
    return out;
}

size_t random_below(std::mt19937_64& rng, size_t n) {
    return static_cast<size_t>(rng() % n);
}

struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

struct OpensslKey {
    Pkey key;
    ByteVec pub;
};

OpensslKey key_from_seed(const ByteVec& seed) {
    OpensslKey k;
    k.key.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
    REQUIRE(k.key);
    size_t len = 32;
    k.pub.resize(len);
    REQUIRE(EVP_PKEY_get_raw_public_key(k.key.get(), k.pub.data(), &len) == 1);
    REQUIRE(len == 32);
    return k;
}

ByteVec openssl_sign(EVP_PKEY* key, const ByteVec& msg) {
    MdCtx ctx(EVP_MD_CTX_new());
    REQUIRE(ctx);
    REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) == 1);
    ByteVec sig(64);
    size_t len = sig.size();
    REQUIRE(EVP_DigestSign(ctx.get(), sig.data(), &len, msg.data(), msg.size()) == 1);
    REQUIRE(len == 64);
    return sig;
}

ByteVec openssl_digest(const EVP_MD* md, const ByteVec& msg) {
    ByteVec out(EVP_MAX_MD_SIZE);
    unsigned len = 0;
    REQUIRE(EVP_Digest(msg.data(), msg.size(), out.data(), &len, md, nullptr) == 1);
    out.resize(len);
    return out;
}

// Feeds msg to h in random pieces.
template <class H>
void update_in_pieces(H& h, const ByteVec& msg, std::mt19937_64& rng) {
    size_t pos = 0;
    while (pos < msg.size()) {
        size_t n = std::min(msg.size() - pos, 1 + random_below(rng, 300));
        h.update(msg.data() + pos, n);
        pos += n;
    }
}

}  // namespace

TEST_CASE("SHA-256, SHA-512 and HMAC-SHA256 agree with OpenSSL on random input",
          "[crypto][openssl]") {
    std::mt19937_64 rng(kSeed);
    for (int n = 0; n < 2000; ++n) {
        ByteVec msg = random_bytes(rng, random_below(rng, 1100));
        INFO("round " << n << ", length " << msg.size());

        ByteVec want = openssl_digest(EVP_sha256(), msg);
        uint8_t got256[kSha256Size];
        sha256(msg.data(), msg.size(), got256);
        REQUIRE(hex(got256, sizeof got256) == hex(want));
        Sha256 h256;
        update_in_pieces(h256, msg, rng);
        h256.final(got256);
        REQUIRE(hex(got256, sizeof got256) == hex(want));

        want = openssl_digest(EVP_sha512(), msg);
        uint8_t got512[kSha512Size];
        sha512(msg.data(), msg.size(), got512);
        REQUIRE(hex(got512, sizeof got512) == hex(want));
        Sha512 h512;
        update_in_pieces(h512, msg, rng);
        h512.final(got512);
        REQUIRE(hex(got512, sizeof got512) == hex(want));

        ByteVec key = random_bytes(rng, random_below(rng, 200));
        uint8_t mac_want[EVP_MAX_MD_SIZE];
        unsigned mac_len = 0;
        REQUIRE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), msg.data(), msg.size(),
                     mac_want, &mac_len) != nullptr);
        REQUIRE(mac_len == kSha256Size);
        uint8_t mac[kSha256Size];
        hmac_sha256(key.data(), key.size(), msg.data(), msg.size(), mac);
        REQUIRE(hex(mac, sizeof mac) == hex(mac_want, mac_len));
        HmacSha256 m(key.data(), key.size());
        update_in_pieces(m, msg, rng);
        m.final(mac);
        REQUIRE(hex(mac, sizeof mac) == hex(mac_want, mac_len));
    }
}

TEST_CASE("OpenSSL reproduces the RFC 8032 vectors from their secret keys", "[crypto][openssl]") {
    // Checks the transcription of the vectors used in test_crypto_ed25519.cpp (tests 1-3).
    struct {
        const char* seed;
        const char* pub;
        const char* msg;
        const char* sig;
    } const vectors[] = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
         "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
         "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
        {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
         "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    };
    for (const auto& v : vectors) {
        OpensslKey k = key_from_seed(unhex(v.seed));
        CHECK(hex(k.pub) == v.pub);
        CHECK(hex(openssl_sign(k.key.get(), unhex(v.msg))) == v.sig);
    }
}

TEST_CASE("Ed25519 accepts OpenSSL signatures and refuses them with one bit flipped",
          "[crypto][openssl][ed25519]") {
    std::mt19937_64 rng(kSeed + 1);
    std::vector<OpensslKey> keys;
    for (int i = 0; i < 4; ++i) {
        keys.push_back(key_from_seed(random_bytes(rng, 32)));
    }

    constexpr int kRounds = 10000;
    int accepted = 0;
    int refused = 0;
    int flipped_msg = 0, flipped_sig = 0, flipped_key = 0, bad_key = 0;
    for (int n = 0; n < kRounds; ++n) {
        const OpensslKey& key = keys[random_below(rng, keys.size())];
        ByteVec msg = random_bytes(rng, random_below(rng, 301));  // 0..300 bytes
        ByteVec sig = openssl_sign(key.key.get(), msg);
        ByteVec pub = key.pub;
        INFO("round " << n << ": key " << hex(pub) << ", msg " << hex(msg) << ", sig " << hex(sig));
        int rc = ed25519_verify(sig.data(), msg.data(), msg.size(), pub.data());
        REQUIRE(rc == FERRY_OK);
        ++accepted;

        // One bit flipped in the message, the signature or the key (an empty message has no
        // bit to flip; the signature takes its turn).
        size_t where = random_below(rng, 3);
        if (where == 0 && msg.empty())
            where = 1;
        ByteVec* target = where == 0 ? &msg : where == 1 ? &sig : &pub;
        size_t bit = random_below(rng, target->size() * 8);
        (*target)[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        INFO("flipped bit " << bit << " of " << (where == 0 ? "msg" : where == 1 ? "sig" : "key"));
        rc = ed25519_verify(sig.data(), msg.data(), msg.size(), pub.data());
        REQUIRE(rc != FERRY_OK);
        REQUIRE((rc == FERRY_ERR_SIGNATURE || rc == FERRY_ERR_INVALID));
        ++refused;
        (where == 0 ? flipped_msg : where == 1 ? flipped_sig : flipped_key)++;
        if (rc == FERRY_ERR_INVALID)
            ++bad_key;
    }
    CHECK(accepted == kRounds);
    CHECK(refused == kRounds);
    WARN("accepted " << accepted << " OpenSSL signatures; refused " << refused
                     << " altered ones (message " << flipped_msg << ", signature " << flipped_sig
                     << ", key " << flipped_key << ", of which " << bad_key
                     << " keys no longer decode)");
}
