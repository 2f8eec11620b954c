#include "flash_f4.h"

#include <string.h>

#include "f4_regs.h"
#include "ferry/errors.h"
#include "flash_f4_status.h"

namespace ferry::f4 {
namespace {

constexpr uint32_t kSectorSizes[12] = {16384u,  16384u,  16384u,  16384u,  65536u,  131072u,
                                       131072u, 131072u, 131072u, 131072u, 131072u, 131072u};

// A program of one word takes ~16 us; a 128 KB erase up to 2 s (4 s at x8, which we never use).
// Bounds in loop iterations at <= 84 MHz, well above both.
constexpr uint32_t kProgramPolls = 100000u;
constexpr uint32_t kErasePolls = 200000000u;

uint32_t flash_end(const FlashGeometry* g) {
    uint32_t end = g->base;
    for (uint16_t i = 0; i < g->sector_count; ++i)
        end += g->sector_size[i];
    return end;
}

int unlock() {
    if (reg(kFlashCr) & kCrLock) {
        reg(kFlashKeyr) = kFlashKey1;
        reg(kFlashKeyr) = kFlashKey2;
    }
    return (reg(kFlashCr) & kCrLock) ? FERRY_ERR_FLASH_LOCKED : FERRY_OK;
}

void lock() { reg(kFlashCr) = kCrLock; }

void clear_status() { reg(kFlashSr) = kSrErrors | kSrEop; }

// Runs from RAM: while the controller erases, any fetch from flash stalls the bus, so a loop in
// flash could neither poll nor feed the watchdog. Touches only peripheral registers.
__attribute__((section(".ramfunc"), noinline, long_call)) uint32_t wait_not_busy_from_ram(uint32_t polls) {
    volatile uint32_t* const sr = reinterpret_cast<volatile uint32_t*>(kFlashSr);
    volatile uint32_t* const iwdg_kr = reinterpret_cast<volatile uint32_t*>(kIwdg);
    for (uint32_t i = 0; i < polls; ++i) {
        if (!(*sr & kSrBsy))
            return *sr;
        *iwdg_kr = 0xAAAAu;
    }
    return *sr | kSrBsy;
}

int status_to_error(uint32_t sr) {
    if (sr & kSrBsy)
        return FERRY_ERR_TIMEOUT;
    return flash_status_error(sr);
}

int read(void* ctx, uint32_t addr, void* buf, size_t len) {
    const auto* g = static_cast<const FlashGeometry*>(ctx);
    if (addr < g->base || addr + len > flash_end(g) || addr + len < addr)
        return FERRY_ERR_INVALID;
    memcpy(buf, reinterpret_cast<const void*>(addr), len);
    return FERRY_OK;
}

int program(void* ctx, uint32_t addr, const void* data, size_t len) {
    const auto* g = static_cast<const FlashGeometry*>(ctx);
    if ((addr | len) & 3u || addr < g->base || addr + len > flash_end(g))
        return FERRY_ERR_INVALID;
    int err = unlock();
    if (err)
        return err;
    clear_status();
    reg(kFlashCr) = kCrPsizeX32 | kCrPg;
    const auto* src = static_cast<const uint8_t*>(data);
    for (size_t off = 0; off < len && !err; off += 4) {
        uint32_t word;
        memcpy(&word, src + off, 4);
        *reinterpret_cast<volatile uint32_t*>(addr + off) = word;
        cm::dsb();
        const bool done = cm::wait_bits(kFlashSr, kSrBsy, 0, kProgramPolls);
        err = status_to_error(reg(kFlashSr) | (done ? 0u : kSrBsy));
        if (!err && *reinterpret_cast<const volatile uint32_t*>(addr + off) != word)
            err = FERRY_ERR_FLASH_VERIFY;
    }
    reg(kFlashCr) = kCrPsizeX32;
    lock();
    return err;
}

int erase(void* ctx, uint16_t sector) {
    const auto* g = static_cast<const FlashGeometry*>(ctx);
    if (sector >= g->sector_count)
        return FERRY_ERR_INVALID;
    int err = unlock();
    if (err)
        return err;
    clear_status();
    reg(kFlashCr) = kCrPsizeX32 | kCrSer | (static_cast<uint32_t>(sector) << kCrSnbShift);
    uint32_t sr;
    {
        cm::IrqGuard no_interrupts;  // an interrupt handler in flash would stall unfed
        reg(kFlashCr) |= kCrStrt;
        sr = wait_not_busy_from_ram(kErasePolls);
    }
    err = status_to_error(sr);
    reg(kFlashCr) = kCrPsizeX32;
    lock();
    // The data cache may hold words of the old contents.
    const uint32_t acr = reg(kFlashAcr);
    reg(kFlashAcr) = acr & ~kAcrDcen;
    reg(kFlashAcr) = (acr & ~kAcrDcen) | kAcrDcrst;
    reg(kFlashAcr) = acr;
    return err;
}

}  // namespace

const FlashGeometry kGeometryF401xC = {0x08000000u, 6, kSectorSizes, 4, false};
const FlashGeometry kGeometryF401xE = {0x08000000u, 8, kSectorSizes, 4, false};
const FlashGeometry kGeometryF405 = {0x08000000u, 12, kSectorSizes, 4, false};

FlashPort flash_port(const FlashGeometry* geometry) {
    return FlashPort{const_cast<FlashGeometry*>(geometry), geometry, read, program, erase};
}

}  // namespace ferry::f4
