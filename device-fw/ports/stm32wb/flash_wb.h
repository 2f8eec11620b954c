// The STM32WB55 flash as a FlashPort: 64-bit double-word programming (ECC: each double word is
// programmed once), 4 KB page erase, only below the radio firmware (SFSA, read at run time).
// The flash is shared with the radio core (CPU2): semaphore 2 is held for each operation and
// every single double word or page waits until CPU2 does not hold semaphore 7 (AN5289), so BLE
// timing is never broken by us. OPTVERR, set at power-on, is cleared in flash_init.
// The application that runs the BLE stack may also announce erase activity to CPU2 through its
// own system channel (SHCI); this port has no such channel and needs none without the stack.
#pragma once

#include "ferry/port.h"

namespace ferry::wb {

// Enables the semaphore block, clears OPTVERR and works out the usable top of flash from SFSA.
// Returns the geometry to use (pages below the radio firmware only).
const FlashGeometry* flash_init();
FlashPort flash_port();
uint32_t flash_usable_top();  // first address owned by the radio firmware

}  // namespace ferry::wb
