#include "boot/boot_record.h"

#include <string.h>

#include "util/bytes_le.h"

namespace ferry {

uint32_t crc32(const uint8_t* data, size_t len) {
    // Bitwise CRC-32 (IEEE): no table, a few dozen bytes of code; records are tiny.
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; ++i) {
        crc ^= data[i];
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void boot_record_encode(const BootRecord& r, uint8_t out[kBootRecordSize]) {
    memset(out, 0, kBootRecordSize);
    out[0] = static_cast<uint8_t>(kBootRecordMagic);
    out[1] = static_cast<uint8_t>(kBootRecordMagic >> 8);
    out[2] = r.type;
    out[3] = r.slot;
    store32_le(out + 4, r.seq);
    store32_le(out + 8, r.a);
    store32_le(out + 12, r.b);
    store32_le(out + 16, r.c);
    store32_le(out + 20, r.d);
    store32_le(out + 28, crc32(out, 28));
}

bool boot_record_decode(const uint8_t in[kBootRecordSize], BootRecord* r) {
    if ((in[0] | in[1] << 8) != kBootRecordMagic)
        return false;
    if (load32_le(in + 28) != crc32(in, 28))
        return false;
    r->type = in[2];
    r->slot = in[3];
    r->seq = load32_le(in + 4);
    r->a = load32_le(in + 8);
    r->b = load32_le(in + 12);
    r->c = load32_le(in + 16);
    r->d = load32_le(in + 20);
    return r->slot <= 1;
}

}  // namespace ferry
