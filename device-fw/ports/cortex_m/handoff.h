// The bootloader's last act: start an image as if the chip had just come out of reset into it.
#pragma once

#include <stdint.h>

namespace ferry::cm {

// Disables SysTick, disables and clears every NVIC line and pending system exception, sets
// VTOR to the image's vector table and MSP to its first word, then branches to its reset
// handler with interrupts enabled (PRIMASK as after reset; no line can fire). The caller has
// already put clocks and peripherals back to their reset state.
[[noreturn]] void start_image(uint32_t vector_table);

}  // namespace ferry::cm
