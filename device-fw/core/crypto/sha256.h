// SHA-256 (FIPS 180-4), incremental and one-shot. Written small rather than fast (one round loop,
// rolling 16-word schedule) because it goes into the 16 KB bootloader.
// Freestanding: includes nothing beyond <stddef.h> and <stdint.h>.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ferry::crypto {

inline constexpr size_t kSha256Size = 32;
inline constexpr size_t kSha256BlockSize = 64;

class Sha256 {
  public:
    Sha256() { reset(); }

    // Starts a new message.
    void reset();
    // Adds len bytes; data may be null when len is 0.
    void update(const void* data, size_t len);
    // Writes the digest of everything added since the last reset, then resets.
    void final(uint8_t out[kSha256Size]);

  private:
    uint32_t state_[8];
    uint64_t length_;  // bytes added so far
    uint8_t block_[kSha256BlockSize];
};

// One-shot digest of [data, data + len).
void sha256(const void* data, size_t len, uint8_t out[kSha256Size]);

}  // namespace ferry::crypto
