// STM32WB55 clocks for the bootloader's checks: MSI raised from its 4 MHz reset range to 48 MHz
// (the hash of a 192 KB image is 12x faster), and put back exactly before the hand-off. ST's
// own OTA loader decides before touching any clock for the same reason: an application that
// configures its clocks (LSE for the radio wake-up, HSE for the RF) from the reset state must
// find the reset state.
#pragma once

#include <stdint.h>

#include "reset_cause.h"

namespace ferry::wb {

uint32_t clock_msi_48mhz();  // returns the system clock reached (4 MHz if MSI did not settle)
void clock_reset_state();    // MSI 4 MHz, 0 wait states, caches reset
void peripherals_reset_state();
stm32::ResetCause reset_cause_take();

}  // namespace ferry::wb
