// A 1 kHz tick from the core's SysTick timer: the ClockPort of every STM32 board.
#pragma once

#include <stdint.h>

#include "ferry/port.h"

namespace ferry::cm {

void systick_start(uint32_t core_hz);  // 1 ms period; also (re)starts after a clock change
void systick_stop();                   // back to its reset state (off, reload 0)
uint32_t systick_millis();
ClockPort systick_clock();  // millis() from the tick, idle() = wait for interrupt

}  // namespace ferry::cm
