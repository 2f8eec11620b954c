// The STM32F4 flash as a FlashPort: reads from the memory map, 32-bit programming (PSIZE x32,
// 2.7-3.6 V), sector erase. Every status flag becomes its own error code; programmed words are
// read back. A sector erase takes up to 2 s (128 KB at x32) and stalls every fetch from flash,
// so its wait loop runs from RAM with interrupts off and feeds the watchdog itself.
#pragma once

#include "ferry/port.h"

namespace ferry::f4 {

extern const FlashGeometry kGeometryF401xC;  // sectors 0-5, 256 KB
extern const FlashGeometry kGeometryF401xE;  // sectors 0-7, 512 KB
extern const FlashGeometry kGeometryF405;    // sectors 0-11, 1 MB (QEMU netduinoplus2)

FlashPort flash_port(const FlashGeometry* geometry);

}  // namespace ferry::f4
