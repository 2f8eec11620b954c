// HMAC-SHA256 (RFC 2104), incremental and one-shot: the device side of the poll and response MACs
// (proto/device-api.md). Keys of any length; longer than a block are hashed first, as the RFC says.
// Freestanding: includes nothing beyond <stddef.h> and <stdint.h>.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "crypto/sha256.h"

namespace ferry::crypto {

class HmacSha256 {
  public:
    HmacSha256() { reset(nullptr, 0); }
    HmacSha256(const void* key, size_t key_len) { reset(key, key_len); }

    // Starts a new message under key; key may be null when key_len is 0.
    void reset(const void* key, size_t key_len);
    // Adds len bytes; data may be null when len is 0.
    void update(const void* data, size_t len);
    // Writes the MAC of the message. The key is not kept: call reset() before the next message.
    void final(uint8_t out[kSha256Size]);

  private:
    Sha256 inner_;  // keyed with key ^ ipad, then fed the message
    Sha256 outer_;  // keyed with key ^ opad, waiting for the inner digest
};

// One-shot MAC of [data, data + len) under [key, key + key_len).
void hmac_sha256(const void* key, size_t key_len, const void* data, size_t len,
                 uint8_t out[kSha256Size]);

}  // namespace ferry::crypto
