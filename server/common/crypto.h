// Host-side cryptography on OpenSSL: SHA-256, HMAC-SHA256, Ed25519, randomness.
// The device has its own portable implementations; tests cross-check the two.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "common/bytes.h"

namespace ferry::crypto {

using Sha256 = std::array<uint8_t, 32>;

struct CryptoError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

Sha256 sha256(const uint8_t* data, size_t len);
inline Sha256 sha256(const Bytes& b) { return sha256(b.data(), b.size()); }
inline Sha256 sha256(std::string_view s) {
    return sha256(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Incremental SHA-256 for data that arrives in pieces.
class Sha256Stream {
public:
    Sha256Stream();
    ~Sha256Stream();
    Sha256Stream(const Sha256Stream&) = delete;
    Sha256Stream& operator=(const Sha256Stream&) = delete;
    void update(const uint8_t* data, size_t len);
    Sha256 finish();

private:
    void* ctx_;
};

Sha256 hmac_sha256(const uint8_t* key, size_t key_len, const uint8_t* data, size_t len);
inline Sha256 hmac_sha256(const Bytes& key, std::string_view data) {
    return hmac_sha256(key.data(), key.size(), reinterpret_cast<const uint8_t*>(data.data()),
                       data.size());
}

Bytes random_bytes(size_t n);

// Ed25519 keys: the raw 32-byte forms plus PEM (PKCS#8 private, SubjectPublicKeyInfo public).
struct Ed25519KeyPair {
    std::array<uint8_t, 32> private_seed;
    std::array<uint8_t, 32> public_key;
};
Ed25519KeyPair ed25519_generate();
std::string ed25519_private_to_pem(const Ed25519KeyPair& key);
std::string ed25519_public_to_pem(const std::array<uint8_t, 32>& public_key);
// Throws CryptoError when the text is not an Ed25519 key of that kind.
Ed25519KeyPair ed25519_private_from_pem(std::string_view pem);
std::array<uint8_t, 32> ed25519_public_from_pem(std::string_view pem);

std::array<uint8_t, 64> ed25519_sign(const Ed25519KeyPair& key, const uint8_t* msg, size_t len);
bool ed25519_verify(const std::array<uint8_t, 32>& public_key, const uint8_t* msg, size_t len,
                    const uint8_t* signature);

// Key id: first 8 bytes of SHA-256 over the raw 32-byte public key (proto/image-format.md).
std::array<uint8_t, 8> key_id(const std::array<uint8_t, 32>& public_key);

}  // namespace ferry::crypto
