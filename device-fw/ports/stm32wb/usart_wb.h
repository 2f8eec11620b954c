// The STM32WB55 USART register set (ISR/ICR/RDR/TDR, RM0434 36.8) for the shared
// interrupt-driven driver.
#pragma once

#include "buffered_usart.h"

namespace ferry::wb {

inline constexpr stm32::UsartLayout kUsartLayout = {0x1C, 0x24, 0x28, 0x0C, 0x00, 0x04, 0x08, 0x20, 1u << 0};

}  // namespace ferry::wb
