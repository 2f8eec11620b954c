// Flash helpers over the port contract: find sectors, erase ranges, program unaligned tails.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ferry/port.h"

namespace ferry {

// Sector containing addr; FERRY_ERR_INVALID when addr is outside the flash.
int flash_sector_at(const FlashGeometry& g, uint32_t addr, uint16_t* sector, uint32_t* start,
                    uint32_t* size);
uint32_t flash_end(const FlashGeometry& g);

// Erases every sector of [addr, addr+len); both must fall on sector boundaries.
int flash_erase_range(const FlashPort& f, uint32_t addr, uint32_t len);

// Programs len bytes at addr (addr aligned to the program unit); a partial last unit is padded
// with 0xFF. May span sectors. The target must be erased.
int flash_program(const FlashPort& f, uint32_t addr, const uint8_t* data, size_t len);

// As flash_program, but units that would be written as all 0xFF are left erased instead: on ECC
// flash (WB55) a unit programmed as all 0xFF reads as erased yet can never be programmed
// again, which would trap a resumed download on image padding. Same bytes, fewer operations.
int flash_program_skip_erased(const FlashPort& f, uint32_t addr, const uint8_t* data, size_t len);

inline int flash_read(const FlashPort& f, uint32_t addr, void* buf, size_t len) {
    return f.read(f.ctx, addr, buf, len);
}

// True when [addr, addr+len) reads as erased (all 0xFF).
bool flash_is_erased(const FlashPort& f, uint32_t addr, uint32_t len);

}  // namespace ferry
