#include "flash/flash_ops.h"

#include <string.h>

#include "ferry/errors.h"

namespace ferry {

uint32_t flash_end(const FlashGeometry& g) {
    uint32_t end = g.base;
    for (uint16_t i = 0; i < g.sector_count; ++i) end += g.sector_size[i];
    return end;
}

int flash_sector_at(const FlashGeometry& g, uint32_t addr, uint16_t* sector, uint32_t* start,
                    uint32_t* size) {
    uint32_t s = g.base;
    for (uint16_t i = 0; i < g.sector_count; ++i) {
        if (addr >= s && addr - s < g.sector_size[i]) {
            *sector = i;
            *start = s;
            *size = g.sector_size[i];
            return FERRY_OK;
        }
        s += g.sector_size[i];
    }
    return FERRY_ERR_INVALID;
}

int flash_erase_range(const FlashPort& f, uint32_t addr, uint32_t len) {
    uint32_t end = addr + len;
    while (addr < end) {
        uint16_t sector;
        uint32_t start, size;
        int err = flash_sector_at(*f.geometry, addr, &sector, &start, &size);
        if (err) return err;
        if (start != addr || size > end - addr) return FERRY_ERR_INVALID;
        err = f.erase(f.ctx, sector);
        if (err) return err;
        addr += size;
    }
    return FERRY_OK;
}

int flash_program(const FlashPort& f, uint32_t addr, const uint8_t* data, size_t len) {
    const uint32_t unit = f.geometry->program_unit;
    if (addr % unit != 0) return FERRY_ERR_INVALID;
    while (len > 0) {
        uint16_t sector;
        uint32_t start, size;
        int err = flash_sector_at(*f.geometry, addr, &sector, &start, &size);
        if (err) return err;
        size_t room = start + size - addr;
        size_t whole = (len < room ? len : room) / unit * unit;
        if (whole > 0) {
            err = f.program(f.ctx, addr, data, whole);
            if (err) return err;
            addr += whole;
            data += whole;
            len -= whole;
        } else {
            // Tail shorter than one unit: pad with the erased value.
            uint8_t last[16];
            memset(last, 0xFF, sizeof last);
            memcpy(last, data, len);
            return f.program(f.ctx, addr, last, unit);
        }
    }
    return FERRY_OK;
}

int flash_program_skip_erased(const FlashPort& f, uint32_t addr, const uint8_t* data, size_t len) {
    const uint32_t unit = f.geometry->program_unit;
    if (addr % unit != 0) return FERRY_ERR_INVALID;
    size_t pos = 0;
    while (pos < len) {
        // Skip whole units of 0xFF (a short last piece counts as padded with 0xFF).
        auto unit_erased = [&](size_t at) {
            size_t n = len - at < unit ? len - at : unit;
            for (size_t i = 0; i < n; ++i) {
                if (data[at + i] != 0xFF) return false;
            }
            return true;
        };
        while (pos < len && unit_erased(pos)) pos += unit;
        size_t end = pos;
        while (end < len && !unit_erased(end)) end += unit;
        if (end > len) end = len;
        if (end > pos) {
            int err = flash_program(f, addr + static_cast<uint32_t>(pos), data + pos, end - pos);
            if (err) return err;
        }
        pos = end;
    }
    return FERRY_OK;
}

bool flash_is_erased(const FlashPort& f, uint32_t addr, uint32_t len) {
    uint8_t buf[64];
    while (len > 0) {
        uint32_t n = len < sizeof buf ? len : sizeof buf;
        if (f.read(f.ctx, addr, buf, n) != FERRY_OK) return false;
        for (uint32_t i = 0; i < n; ++i) {
            if (buf[i] != 0xFF) return false;
        }
        addr += n;
        len -= n;
    }
    return true;
}

}  // namespace ferry
