// The ClockPort and SystemPort callbacks every STM32 board shares: the tick, an idle that feeds
// the watchdog (every bounded wait of the core idles, so a long but bounded wait such as network
// registration keeps the watchdog fed while a real hang still lets it bite), and jitter.
#pragma once

#include <stdint.h>

#include "cm_regs.h"
#include "iwdg.h"
#include "systick.h"

namespace ferry::stm32 {

inline void watchdog_kick_cb(void*) { iwdg_kick(); }
inline uint32_t millis_cb(void*) { return cm::systick_millis(); }
inline void idle_cb(void*) {
    iwdg_kick();
    cm::wfi();
}
// xorshift32 mixed with the tick: for poll jitter only, never for keys.
inline uint32_t jitter_random_cb(void* state) {
    uint32_t& x = *static_cast<uint32_t*>(state);
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x ^ cm::systick_millis();
}

}  // namespace ferry::stm32
