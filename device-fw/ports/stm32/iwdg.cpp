#include "iwdg.h"

#include "cm_regs.h"
#include "ferry/errors.h"

namespace ferry::stm32 {
namespace {

volatile uint32_t& iwdg(uint32_t off) { return *reinterpret_cast<volatile uint32_t*>(0x40003000u + off); }
constexpr uint32_t kKr = 0x0, kPr = 0x4, kRlr = 0x8, kSr = 0xC;

}  // namespace

int iwdg_start(uint32_t timeout_ms) {
    if (timeout_ms < 2)
        timeout_ms = 2;
    if (timeout_ms > kIwdgMaxTimeoutMs)
        timeout_ms = kIwdgMaxTimeoutMs;
    iwdg(kKr) = 0xCCCCu;  // start (also starts the LSI)
    iwdg(kKr) = 0x5555u;  // allow PR and RLR writes
    iwdg(kPr) = 4u;       // /64: one count per 2 ms at 32 kHz
    iwdg(kRlr) = timeout_ms / 2u;
    // The new values cross into the LSI domain; a few LSI periods normally.
    const bool updated = cm::wait_bits(0x40003000u + kSr, 0x3u, 0, 200000u);
    iwdg(kKr) = 0xAAAAu;
    return updated ? FERRY_OK : FERRY_ERR_TIMEOUT;
}

}  // namespace ferry::stm32
