// Ed25519 signature verification (RFC 8032, pure Ed25519), for image and manifest signatures.
// Verification only: the device never signs. Design notes (encodings accepted, equation, cost)
// are at the top of ed25519.cpp.
// Freestanding: includes nothing beyond <stddef.h> and <stdint.h>.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ferry::crypto {

inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

// 0 when sig (R || S) is a valid signature of [msg, msg + len) under pub; msg may be null when
// len is 0. Otherwise FERRY_ERR_INVALID when pub is not the canonical encoding of a curve point,
// FERRY_ERR_SIGNATURE for every other failure (S >= L, R not the encoding of [S]B - [k]A).
int ed25519_verify(const uint8_t sig[kEd25519SignatureSize], const uint8_t* msg, size_t len,
                   const uint8_t pub[kEd25519PublicKeySize]);

}  // namespace ferry::crypto
