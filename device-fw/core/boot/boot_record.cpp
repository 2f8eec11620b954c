#include "boot/boot_record.h"

#include <string.h>

namespace ferry {
namespace {

void put32(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v);
    p[1] = static_cast<uint8_t>(v >> 8);
    p[2] = static_cast<uint8_t>(v >> 16);
    p[3] = static_cast<uint8_t>(v >> 24);
}

uint32_t get32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

}  // namespace

uint32_t crc32(const uint8_t* data, size_t len) {
    // Bitwise CRC-32 (IEEE): no table, a few dozen bytes of code; records are tiny.
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; ++i) {
        crc ^= data[i];
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void boot_record_encode(const BootRecord& r, uint8_t out[kBootRecordSize]) {
    memset(out, 0, kBootRecordSize);
    out[0] = static_cast<uint8_t>(kBootRecordMagic);
    out[1] = static_cast<uint8_t>(kBootRecordMagic >> 8);
    out[2] = r.type;
    out[3] = r.slot;
    put32(out + 4, r.seq);
    put32(out + 8, r.a);
    put32(out + 12, r.b);
    put32(out + 16, r.c);
    put32(out + 20, r.d);
    put32(out + 28, crc32(out, 28));
}

bool boot_record_decode(const uint8_t in[kBootRecordSize], BootRecord* r) {
    if ((in[0] | in[1] << 8) != kBootRecordMagic) return false;
    if (get32(in + 28) != crc32(in, 28)) return false;
    r->type = in[2];
    r->slot = in[3];
    r->seq = get32(in + 4);
    r->a = get32(in + 8);
    r->b = get32(in + 12);
    r->c = get32(in + 16);
    r->d = get32(in + 20);
    return r->slot <= 1;
}

}  // namespace ferry
