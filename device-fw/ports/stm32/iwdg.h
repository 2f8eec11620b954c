// The independent watchdog (same block at the same address on the F401, F405 and WB55). Once
// started it cannot be stopped: the application starts it, feeds it from its main loop, and a
// hang resets the chip (an image on trial then loses one attempt).
#pragma once

#include <stdint.h>

namespace ferry::stm32 {

inline constexpr uint32_t kIwdgMaxTimeoutMs = 8190;  // LSI 32 kHz, /64, reload 4095

// Starts it with about timeout_ms (clamped to 2..8190 ms; LSI varies +-50 % by part).
// FERRY_ERR_TIMEOUT when the prescaler/reload update never completes.
int iwdg_start(uint32_t timeout_ms);
// Reloads the counter. Harmless when the watchdog is not running.
inline void iwdg_kick() { *reinterpret_cast<volatile uint32_t*>(0x40003000u) = 0xAAAAu; }

}  // namespace ferry::stm32
