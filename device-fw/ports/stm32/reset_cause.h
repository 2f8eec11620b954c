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
