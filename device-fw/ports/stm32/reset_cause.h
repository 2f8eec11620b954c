// Why the chip last reset, as read from RCC_CSR by each chip's port (then the flags are cleared,
// so the next reset reads fresh). The application logs it; a watchdog reset on a trial image
// is what the bootloader counts as a failed attempt.
#pragma once

#include <stdint.h>

namespace ferry::stm32 {

enum class ResetCause : uint8_t {
    kUnknown,
    kPowerOn,
    kPin,
    kBrownOut,
    kSoftware,
    kIndependentWatchdog,
    kWindowWatchdog,
    kLowPower,
    kOptionBytes,  // WB55: option byte loading
};

// One RCC_CSR flag and what it means; each chip lists its flags most specific first (a power-on
// also sets the pin and brown-out flags, a watchdog reset the pin flag).
struct ResetFlag {
    uint32_t mask;
    ResetCause cause;
};

// Decodes RCC_CSR with the chip's table, then clears the flags (rmvf: the "remove flags" bit)
// so that the next reset reads fresh.
template <unsigned N>
ResetCause reset_cause_take(uint32_t csr_addr, uint32_t rmvf, const ResetFlag (&flags)[N]) {
    volatile uint32_t& csr = *reinterpret_cast<volatile uint32_t*>(csr_addr);
    const uint32_t value = csr;
    csr = value | rmvf;
    for (const ResetFlag& f : flags) {
        if (value & f.mask)
            return f.cause;
    }
    return ResetCause::kUnknown;
}

inline const char* reset_cause_name(ResetCause c) {
    switch (c) {
        case ResetCause::kPowerOn: return "power-on";
        case ResetCause::kPin: return "reset pin";
        case ResetCause::kBrownOut: return "brown-out";
        case ResetCause::kSoftware: return "software";
        case ResetCause::kIndependentWatchdog: return "independent watchdog";
        case ResetCause::kWindowWatchdog: return "window watchdog";
        case ResetCause::kLowPower: return "low-power";
        case ResetCause::kOptionBytes: return "option bytes";
        default: return "unknown";
    }
}

}  // namespace ferry::stm32
