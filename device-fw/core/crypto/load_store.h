// Byte-order helpers for the crypto code: explicit shifts, never type-punning, so they work at
// any alignment on Cortex-M4 (unaligned LDRD faults) and on any host. Internal header.
#pragma once

#include <stdint.h>

#include "util/bytes_le.h"

namespace ferry::crypto {

inline uint32_t load32_be(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
           static_cast<uint32_t>(p[2]) << 8 | static_cast<uint32_t>(p[3]);
}

inline void store32_be(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

inline uint64_t load64_be(const uint8_t* p) {
    return static_cast<uint64_t>(load32_be(p)) << 32 | load32_be(p + 4);
}

inline void store64_be(uint8_t* p, uint64_t v) {
    store32_be(p, static_cast<uint32_t>(v >> 32));
    store32_be(p + 4, static_cast<uint32_t>(v));
}

using ferry::load32_le;

}  // namespace ferry::crypto
