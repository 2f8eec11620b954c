#include "crypto/hmac_sha256.h"

#include <string.h>

namespace ferry::crypto {

void HmacSha256::reset(const void* key, size_t key_len) {
    uint8_t pad[kSha256BlockSize];
    memset(pad, 0, sizeof pad);
    if (key_len > kSha256BlockSize) {
        sha256(key, key_len, pad);
    } else if (key_len > 0) {
        memcpy(pad, key, key_len);
    }
    for (uint8_t& b : pad) {
        b ^= 0x36;
    }
    inner_.reset();
    inner_.update(pad, sizeof pad);
    for (uint8_t& b : pad) {
        b ^= 0x36 ^ 0x5c;
    }
    outer_.reset();
    outer_.update(pad, sizeof pad);
    memset(pad, 0, sizeof pad);
}

void HmacSha256::update(const void* data, size_t len) {
    inner_.update(data, len);
}

void HmacSha256::final(uint8_t out[kSha256Size]) {
    uint8_t inner_digest[kSha256Size];
    inner_.final(inner_digest);
    outer_.update(inner_digest, sizeof inner_digest);
    outer_.final(out);
}

void hmac_sha256(const void* key, size_t key_len, const void* data, size_t len,
                 uint8_t out[kSha256Size]) {
    HmacSha256 mac(key, key_len);
    mac.update(data, len);
    mac.final(out);
}

}  // namespace ferry::crypto
