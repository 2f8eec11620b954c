// SHA-512 (FIPS 180-4), incremental and one-shot; Ed25519 hashes R || A || M with it. Same shape
// and the same small-over-fast choice as sha256.h. Plain uint64_t arithmetic, which 32-bit ARM
// compilers lower to register pairs.
// Freestanding: includes nothing beyond <stddef.h> and <stdint.h>.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ferry::crypto {

inline constexpr size_t kSha512Size = 64;
inline constexpr size_t kSha512BlockSize = 128;

class Sha512 {
  public:
    Sha512() { reset(); }

    // Starts a new message.
    void reset();
    // Adds len bytes; data may be null when len is 0.
    void update(const void* data, size_t len);
    // Writes the digest of everything added since the last reset, then resets.
    void final(uint8_t out[kSha512Size]);

  private:
    uint64_t state_[8];
    uint64_t length_;  // bytes added so far (the 128-bit length field's top bits are always 0)
    uint8_t block_[kSha512BlockSize];
};

// One-shot digest of [data, data + len).
void sha512(const void* data, size_t len, uint8_t out[kSha512Size]);

}  // namespace ferry::crypto
