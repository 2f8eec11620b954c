#include "flash_semihost.h"

#include <string.h>

#include "ferry/errors.h"
#include "semihosting.h"

namespace ferry::qemu {
namespace {

constexpr int kModeReadWriteBinary = 3;  // "r+b"
constexpr unsigned kMaxSectors = 16;

struct State {
    const FlashGeometry* geometry = nullptr;
    int handle = -1;
    bool dirty[kMaxSectors] = {};
} g;

int sector_of(uint32_t addr) {
    uint32_t start = g.geometry->base;
    for (uint16_t i = 0; i < g.geometry->sector_count; ++i) {
        if (addr < start + g.geometry->sector_size[i])
            return addr >= start ? i : -1;
        start += g.geometry->sector_size[i];
    }
    return -1;
}

uint32_t sector_start(int sector) {
    uint32_t start = g.geometry->base;
    for (int i = 0; i < sector; ++i)
        start += g.geometry->sector_size[i];
    return start;
}

int file_read(uint32_t addr, void* buf, size_t len) {
    if (semihost::seek(g.handle, addr - g.geometry->base) != 0 || semihost::read(g.handle, buf, len) != 0)
        return FERRY_ERR_IO;
    return FERRY_OK;
}

int file_write(uint32_t addr, const void* data, size_t len) {
    if (semihost::seek(g.handle, addr - g.geometry->base) != 0 || semihost::write(g.handle, data, len) != 0)
        return FERRY_ERR_IO;
    return FERRY_OK;
}

int read(void*, uint32_t addr, void* buf, size_t len) {
    auto* out = static_cast<uint8_t*>(buf);
    while (len > 0) {
        const int s = sector_of(addr);
        if (s < 0)
            return FERRY_ERR_INVALID;
        const uint32_t end = sector_start(s) + g.geometry->sector_size[s];
        const size_t n = len < end - addr ? len : end - addr;
        if (g.dirty[s]) {
            int err = file_read(addr, out, n);
            if (err)
                return err;
        } else {
            memcpy(out, reinterpret_cast<const void*>(addr), n);
        }
        addr += n;
        out += n;
        len -= n;
    }
    return FERRY_OK;
}

int program(void*, uint32_t addr, const void* data, size_t len) {
    const int s = sector_of(addr);
    if (s < 0 || (addr | len) % g.geometry->program_unit != 0 || sector_of(addr + len - 1) != s)
        return FERRY_ERR_INVALID;
    uint8_t current[256];
    const auto* src = static_cast<const uint8_t*>(data);
    for (size_t off = 0; off < len; off += sizeof current) {
        const size_t n = len - off < sizeof current ? len - off : sizeof current;
        int err = read(nullptr, addr + off, current, n);
        if (err)
            return err;
        for (size_t i = 0; i < n; ++i) {
            if (current[i] != 0xFF)
                return FERRY_ERR_FLASH_NOT_ERASED;
        }
        g.dirty[s] = true;
        err = file_write(addr + off, src + off, n);
        if (err)
            return err;
    }
    return FERRY_OK;
}

int erase(void*, uint16_t sector) {
    if (sector >= g.geometry->sector_count)
        return FERRY_ERR_INVALID;
    uint8_t blank[256];
    memset(blank, 0xFF, sizeof blank);
    const uint32_t start = sector_start(sector);
    g.dirty[sector] = true;
    for (uint32_t off = 0; off < g.geometry->sector_size[sector]; off += sizeof blank) {
        int err = file_write(start + off, blank, sizeof blank);
        if (err)
            return err;
    }
    return FERRY_OK;
}

}  // namespace

int flash_open(const FlashGeometry* geometry) {
    if (geometry->sector_count > kMaxSectors)
        return FERRY_ERR_INVALID;
    g.geometry = geometry;
    char path[256];
    if (semihost::command_line(path, sizeof path) != 0 || path[0] == '\0')
        return FERRY_ERR_IO;
    g.handle = semihost::open(path, kModeReadWriteBinary);
    return g.handle < 0 ? FERRY_ERR_IO : FERRY_OK;
}

FlashPort flash_port() { return FlashPort{nullptr, g.geometry, read, program, erase}; }

}  // namespace ferry::qemu
