// STM32F401 clocks: 84 MHz from the PLL (HSE when the board has a crystal or ST-Link MCO, else
// HSI), every ready bit waited on with a bound. What could not be reached is reported, never
// hung on: the chip keeps running on the 16 MHz HSI.
#pragma once

#include <stdint.h>

#include "reset_cause.h"

namespace ferry::f4 {

enum class ClockSource : uint8_t { kHsi, kPllFromHse, kPllFromHsi };

struct ClockResult {
    ClockSource source;
    uint32_t sysclk_hz;
    uint32_t pclk1_hz;  // APB1 (USART2), at most 42 MHz
    uint32_t pclk2_hz;  // APB2 (USART1)
    bool hse_failed;    // HSE never became ready: the PLL runs from HSI
    bool pll_failed;    // the PLL never locked or was not selected: running on HSI
};

// hse_hz = 0 when the board has no HSE; hse_bypass for an external clock (Nucleo: ST-Link MCO).
ClockResult clock_84mhz(uint32_t hse_hz, bool hse_bypass);

// Back to the reset state: HSI selected, PLL and HSE off, PLLCFGR/CFGR/CIR at reset values,
// flash wait states 0 with caches off and reset. Before handing over to an application.
void clock_reset_state();

// Everything the port may have enabled (GPIO A/B, USART1/2) reset and its clock disabled.
void peripherals_reset_state();

// The reset cause from RCC_CSR; clears the flags.
stm32::ResetCause reset_cause_take();

}  // namespace ferry::f4
