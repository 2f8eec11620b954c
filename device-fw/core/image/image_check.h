// Checks a slot image in flash exactly as the bootloader must: structure, hardware, slot,
// anti-rollback counter, SHA-256 over header and application, Ed25519 signature by a trusted
// release key. Reads flash through the port in small pieces; no buffer the size of an image.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ferry/port.h"
#include "ferry/proto/image.h"

namespace ferry {

struct TrustedKey {
    uint8_t key_id[proto::kKeyIdSize];
    uint8_t public_key[proto::kEd25519PublicKeySize];
};

struct ImageExpect {
    uint32_t hw_id;
    uint8_t slot;
    uint32_t load_addr;             // the slot's base address
    uint32_t slot_limit;            // largest image the slot takes
    uint32_t min_security_counter;  // the confirmed image's counter
};

struct ImageInfo {
    proto::ImageHeader header;
    uint32_t image_size;  // header region + application + trailer
    uint8_t sha256[proto::kSha256Size];
};

// 0 when the image may run. Otherwise a negative error, and *reason (proto::Reason) says why
// in the terms the server records.
int image_check(const FlashPort& flash, const ImageExpect& expect, const TrustedKey* keys,
                size_t key_count, ImageInfo* info, uint16_t* reason);

// Only the header, for callers that need the running version without a full check.
int image_read_header(const FlashPort& flash, uint32_t slot_addr, proto::ImageHeader* header);

}  // namespace ferry
