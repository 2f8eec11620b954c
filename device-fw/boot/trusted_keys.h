// The release keys built into this firmware (release_keys.h, generated from the PEM files of
// FERRY_RELEASE_PUBKEYS) as the TrustedKey table the image check takes, key ids computed the
// way ferryctl does (the first 8 bytes of SHA-256 of the key). Used by the bootloader and the
// agent, so both trust exactly the same keys.
#pragma once

#include "crypto/sha256.h"
#include "image/image_check.h"
#include "release_keys.h"

namespace ferry {

inline void load_trusted_keys(TrustedKey (&keys)[kReleaseKeyCount]) {
    for (unsigned i = 0; i < kReleaseKeyCount; ++i) {
        uint8_t digest[32];
        crypto::sha256(kReleaseKeys[i], 32, digest);
        for (unsigned k = 0; k < sizeof keys[i].key_id; ++k)
            keys[i].key_id[k] = digest[k];
        for (unsigned k = 0; k < 32; ++k)
            keys[i].public_key[k] = kReleaseKeys[i][k];
    }
}

}  // namespace ferry
