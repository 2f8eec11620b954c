// The STM32F4 USART register set (SR/DR, RM0368 19.6), which QEMU's stm32f2xx model also
// implements, for the shared interrupt-driven driver.
#pragma once

#include "buffered_usart.h"

namespace ferry::f4 {

inline constexpr stm32::UsartLayout kUsartLayout = {0x00, 0x04, 0x04, 0x08, 0x0C, 0x10, 0x14, stm32::kNoIcr,
                                                    1u << 13};

}  // namespace ferry::f4
