#include "flash_wb.h"

#include <string.h>

#include "ferry/errors.h"
#include "flash_wb_status.h"
#include "wb_regs.h"

namespace ferry::wb {
namespace {

constexpr uint32_t kBase = 0x08000000u;
constexpr uint32_t kSize = 1024u * 1024u;
constexpr uint32_t kPage = 4096u;
constexpr uint32_t kPages = kSize / kPage;

struct PageSizes {
    uint32_t size[kPages];
    constexpr PageSizes() : size() {
        for (uint32_t i = 0; i < kPages; ++i)
            size[i] = kPage;
    }
};
constexpr PageSizes kPageSizes{};

FlashGeometry g_geometry = {kBase, kPages, kPageSizes.size, 8, true};
uint32_t g_top = kBase + kSize;

// A double word programs in ~90 us, a page erases in ~22 ms (RM0434 / datasheet); CPU2 may hold
// its semaphore for a radio event of a few ms. Bounds in poll iterations at <= 64 MHz.
constexpr uint32_t kBusyPolls = 4000000u;
constexpr uint32_t kSemaphorePolls = 4000000u;

bool sem_try_lock(unsigned sem) {
    return reg(kHsemRlr + 4 * sem) == (kHsemLock | kHsemCoreIdCpu1);
}
void sem_unlock(unsigned sem) { reg(kHsemR + 4 * sem) = kHsemCoreIdCpu1; }

bool wait_clear(uint32_t addr, uint32_t mask) { return cm::wait_bits(addr, mask, 0, kBusyPolls); }

// One operation under the semaphores: ours for the flash, and CPU2's "leave it" not held.
class FlashAccess {
public:
    int acquire() {
        for (uint32_t i = 0; i < kSemaphorePolls; ++i) {
            if (!flash_) {
                flash_ = sem_try_lock(kSemFlash);
                continue;
            }
            if (sem_try_lock(kSemBlockedByCpu2)) {
                cpu2_ = true;
                if (!wait_clear(kFlashSr, kSrBsy | kSrCfgbsy | kSrPesd))
                    return FERRY_ERR_BUSY;
                if (reg(kFlashCr) & kCrLock) {
                    reg(kFlashKeyr) = kFlashKey1;
                    reg(kFlashKeyr) = kFlashKey2;
                }
                if (reg(kFlashCr) & kCrLock)
                    return FERRY_ERR_FLASH_LOCKED;
                reg(kFlashSr) = kSrErrors | kSrEop;
                return FERRY_OK;
            }
        }
        return FERRY_ERR_BUSY;
    }
    ~FlashAccess() {
        reg(kFlashCr) = kCrLock;
        if (cpu2_)
            sem_unlock(kSemBlockedByCpu2);
        if (flash_)
            sem_unlock(kSemFlash);
    }

private:
    bool flash_ = false;
    bool cpu2_ = false;
};

int finish(uint32_t cr_bits) {
    const bool done = wait_clear(kFlashSr, kSrBsy);
    const uint32_t sr = reg(kFlashSr);
    reg(kFlashCr) &= ~cr_bits;
    if (!done)
        return FERRY_ERR_TIMEOUT;
    return flash_status_error(sr);
}

int read(void*, uint32_t addr, void* buf, size_t len) {
    if (addr < kBase || addr + len > g_top || addr + len < addr)
        return FERRY_ERR_INVALID;
    memcpy(buf, reinterpret_cast<const void*>(addr), len);
    return FERRY_OK;
}

int program(void*, uint32_t addr, const void* data, size_t len) {
    if ((addr | len) & 7u || addr < kBase || addr + len > g_top)
        return FERRY_ERR_INVALID;
    const auto* src = static_cast<const uint8_t*>(data);
    for (size_t off = 0; off < len; off += 8) {
        uint32_t w[2];
        memcpy(w, src + off, 8);
        int err;
        {
            FlashAccess access;
            err = access.acquire();
            if (err)
                return err;
            reg(kFlashCr) = kCrPg;
            *reinterpret_cast<volatile uint32_t*>(addr + off) = w[0];
            *reinterpret_cast<volatile uint32_t*>(addr + off + 4) = w[1];
            err = finish(kCrPg);
        }
        if (err)
            return err;
        if (memcmp(reinterpret_cast<const void*>(addr + off), w, 8) != 0)
            return FERRY_ERR_FLASH_VERIFY;
    }
    return FERRY_OK;
}

int erase(void*, uint16_t page) {
    if (kBase + (page + 1u) * kPage > g_top)
        return FERRY_ERR_INVALID;
    int err;
    {
        FlashAccess access;
        err = access.acquire();
        if (err)
            return err;
        reg(kFlashCr) = kCrPer | (static_cast<uint32_t>(page) << kCrPnbShift);
        reg(kFlashCr) |= kCrStrt;
        err = finish(kCrPer);
    }
    // Cached lines of the old page must not be served again.
    const uint32_t acr = reg(kFlashAcr);
    reg(kFlashAcr) = acr & ~(kAcrIcen | kAcrDcen);
    reg(kFlashAcr) = (acr & ~(kAcrIcen | kAcrDcen)) | kAcrIcrst | kAcrDcrst;
    reg(kFlashAcr) = acr;
    return err;
}

}  // namespace

const FlashGeometry* flash_init() {
    reg(kRccAhb3enr) |= kAhb3Hsem;
    cm::read_back(kRccAhb3enr);
    reg(kFlashSr) = kSrOptverr;  // set at power-on; programming fails until it is cleared
    g_top = flash_usable_end(reg(kFlashSfr), kBase, kSize);
    g_geometry.sector_count = static_cast<uint16_t>((g_top - kBase) / kPage);
    return &g_geometry;
}

FlashPort flash_port() { return FlashPort{nullptr, &g_geometry, read, program, erase}; }

uint32_t flash_usable_top() { return g_top; }

}  // namespace ferry::wb
