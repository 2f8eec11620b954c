#include <catch2/catch.hpp>
#include <string>

#include "common/bytes.h"
#include "common/crypto.h"

using namespace ferry;
using namespace ferry::crypto;

namespace {

Bytes unhex(std::string_view h) {
    auto b = hex_decode(h);
    REQUIRE(b);
    return *b;
}

template <size_t N>
std::array<uint8_t, N> unhex_array(std::string_view h) {
    Bytes b = unhex(h);
    REQUIRE(b.size() == N);
    std::array<uint8_t, N> a{};
    std::copy(b.begin(), b.end(), a.begin());
    return a;
}

template <size_t N>
std::string hex(const std::array<uint8_t, N>& a) {
    return hex_encode(a.data(), a.size());
}

std::string pem(const char* label, const Bytes& der) {
    return std::string("-----BEGIN ") + label + "-----\n" + base64_encode(der.data(), der.size()) +
           "\n-----END " + label + "-----\n";
}

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410 section 7), built by hand so the parser is
// tested against bytes OpenSSL did not write.
std::string pkcs8_pem_from_seed(const std::string& seed_hex) {
    Bytes der = unhex("302e020100300506032b657004220420");
    Bytes seed = unhex(seed_hex);
    der.insert(der.end(), seed.begin(), seed.end());
    return pem("PRIVATE KEY", der);
}

// SubjectPublicKeyInfo with the given algorithm OID tail (0x70 = Ed25519, 0x6e = X25519).
std::string spki_pem(uint8_t oid_last, const std::string& key_hex) {
    Bytes der = unhex("302a300506032b65");
    der.push_back(oid_last);
    Bytes rest = unhex("032100");
    der.insert(der.end(), rest.begin(), rest.end());
    Bytes key = unhex(key_hex);
    der.insert(der.end(), key.begin(), key.end());
    return pem("PUBLIC KEY", der);
}

struct Rfc8032Vector {
    const char* seed;
    const char* public_key;
    const char* message;
    const char* signature;
};

// RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte).
const Rfc8032Vector kEd25519Vectors[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9"
     "b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f1"
     "1d8c387b2eaeb4302aeeb00d291612bb0c00"},
};

}  // namespace

TEST_CASE("SHA-256 matches the FIPS 180-2 vectors", "[crypto]") {
    CHECK(hex(sha256(std::string_view(""))) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(hex(sha256(std::string_view("abc"))) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(
        hex(sha256(std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(hex(sha256(std::string(1000000, 'a'))) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("Sha256Stream equals one-shot hashing and restarts after finish", "[crypto]") {
    std::string text(1000000, 'a');
    auto* p = reinterpret_cast<const uint8_t*>(text.data());
    Sha256Stream s;
    // Uneven pieces cross the 64-byte block boundary in every possible way.
    size_t pos = 0;
    for (size_t step = 1; pos < text.size(); step = step % 97 + 1) {
        size_t n = std::min(step, text.size() - pos);
        s.update(p + pos, n);
        pos += n;
    }
    CHECK(s.finish() == sha256(text));
    s.update(reinterpret_cast<const uint8_t*>("abc"), 3);
    CHECK(hex(s.finish()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(s.finish() == sha256(std::string_view("")));
}

TEST_CASE("HMAC-SHA256 matches RFC 4231", "[crypto]") {
    // Test case 1
    CHECK(hex(hmac_sha256(Bytes(20, 0x0b), "Hi There")) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    // Test case 2: a key shorter than the output
    CHECK(hex(hmac_sha256(to_bytes("Jefe"), "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // Test case 3: binary data
    Bytes data3(50, 0xdd);
    Bytes key3(20, 0xaa);
    CHECK(hex(hmac_sha256(key3.data(), key3.size(), data3.data(), data3.size())) ==
          "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    // Test case 6: a key longer than the block is hashed first
    CHECK(hex(hmac_sha256(Bytes(131, 0xaa),
                          "Test Using Larger Than Block-Size Key - Hash Key First")) ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("HMAC-SHA256 accepts an empty key", "[crypto]") {
    CHECK(hex(hmac_sha256(Bytes{}, "")) ==
          "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST_CASE("random_bytes returns the requested length, differently each time", "[crypto]") {
    CHECK(random_bytes(0).empty());
    Bytes a = random_bytes(32);
    Bytes b = random_bytes(32);
    CHECK(a.size() == 32);
    CHECK(a != b);
    CHECK(random_bytes(3 << 20).size() == size_t(3) << 20);
}

TEST_CASE("Ed25519 matches RFC 8032 section 7.1", "[crypto]") {
    for (const auto& v : kEd25519Vectors) {
        INFO("seed " << v.seed);
        Ed25519KeyPair key = ed25519_private_from_pem(pkcs8_pem_from_seed(v.seed));
        CHECK(hex(key.private_seed) == v.seed);
        CHECK(hex(key.public_key) == v.public_key);
        Bytes msg = unhex(v.message);
        auto sig = ed25519_sign(key, msg.data(), msg.size());
        CHECK(hex(sig) == v.signature);
        CHECK(ed25519_verify(key.public_key, msg.data(), msg.size(), sig.data()));
    }
}

TEST_CASE("Ed25519 verify rejects a changed message, signature or key", "[crypto]") {
    const auto& v = kEd25519Vectors[1];
    auto pub = unhex_array<32>(v.public_key);
    auto sig = unhex_array<64>(v.signature);
    Bytes msg = unhex(v.message);
    REQUIRE(ed25519_verify(pub, msg.data(), msg.size(), sig.data()));

    Bytes other_msg{0x73};
    CHECK_FALSE(ed25519_verify(pub, other_msg.data(), other_msg.size(), sig.data()));
    CHECK_FALSE(ed25519_verify(pub, nullptr, 0, sig.data()));
    for (size_t i = 0; i < sig.size(); ++i) {
        auto bad = sig;
        bad[i] ^= 0x01;
        CHECK_FALSE(ed25519_verify(pub, msg.data(), msg.size(), bad.data()));
    }
    auto other_pub = unhex_array<32>(kEd25519Vectors[0].public_key);
    CHECK_FALSE(ed25519_verify(other_pub, msg.data(), msg.size(), sig.data()));
    std::array<uint8_t, 32> garbage_pub{};
    garbage_pub.fill(0xff);
    CHECK_FALSE(ed25519_verify(garbage_pub, msg.data(), msg.size(), sig.data()));
}

TEST_CASE("Ed25519 keys round trip through PEM", "[crypto]") {
    Ed25519KeyPair key = ed25519_generate();
    std::string priv = ed25519_private_to_pem(key);
    std::string pub = ed25519_public_to_pem(key.public_key);
    CHECK(priv.rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0);
    CHECK(pub.rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);

    Ed25519KeyPair back = ed25519_private_from_pem(priv);
    CHECK(back.private_seed == key.private_seed);
    CHECK(back.public_key == key.public_key);
    CHECK(ed25519_public_from_pem(pub) == key.public_key);

    // A signature made with the reloaded key verifies with the original public key.
    Bytes msg = to_bytes("ferry");
    auto sig = ed25519_sign(back, msg.data(), msg.size());
    CHECK(ed25519_verify(key.public_key, msg.data(), msg.size(), sig.data()));
}

TEST_CASE("the public PEM matches a hand-built SubjectPublicKeyInfo", "[crypto]") {
    const auto& v = kEd25519Vectors[0];
    CHECK(ed25519_public_to_pem(unhex_array<32>(v.public_key)) == spki_pem(0x70, v.public_key));
    CHECK(hex(ed25519_public_from_pem(spki_pem(0x70, v.public_key))) == v.public_key);
}

TEST_CASE("PEM readers refuse other key kinds and garbage", "[crypto]") {
    Ed25519KeyPair key = ed25519_generate();
    std::string pub = ed25519_public_to_pem(key.public_key);
    std::string priv = ed25519_private_to_pem(key);
    CHECK_THROWS_AS(ed25519_private_from_pem(pub), CryptoError);
    CHECK_THROWS_AS(ed25519_public_from_pem(priv), CryptoError);
    CHECK_THROWS_AS(ed25519_private_from_pem(""), CryptoError);
    CHECK_THROWS_AS(ed25519_public_from_pem("not a key"), CryptoError);
    // An X25519 key has the same size but is for key agreement, not signatures.
    CHECK_THROWS_WITH(ed25519_public_from_pem(spki_pem(0x6e, kEd25519Vectors[0].public_key)),
                      Catch::Contains("not an Ed25519"));
    std::string truncated = priv.substr(0, priv.size() / 2);
    CHECK_THROWS_AS(ed25519_private_from_pem(truncated), CryptoError);
}

TEST_CASE("ed25519_sign refuses a key pair whose halves do not belong together", "[crypto]") {
    Ed25519KeyPair a = ed25519_generate();
    Ed25519KeyPair b = ed25519_generate();
    Ed25519KeyPair mixed{a.private_seed, b.public_key};
    CHECK_THROWS_AS(ed25519_sign(mixed, nullptr, 0), CryptoError);
}

TEST_CASE("key_id is the first 8 bytes of SHA-256 of the public key", "[crypto]") {
    auto pub = unhex_array<32>(kEd25519Vectors[0].public_key);
    auto digest = sha256(pub.data(), pub.size());
    auto id = key_id(pub);
    CHECK(std::equal(id.begin(), id.end(), digest.begin()));
    pub[0] ^= 1;
    CHECK(key_id(pub) != id);
}
