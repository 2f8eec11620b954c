// Flash for the QEMU netduinoplus2 board. QEMU maps the flash file given at start as read-only
// memory and models no flash controller, so writes go through semihosting into that same host
// file: the next QEMU start (the test restarts it after the device resets) loads what was
// written, as a chip keeps its flash across a reset.
// Reads come from the memory map (real execute-in-place speed, which matters for the boot
// time measurement) except in sectors written during this run, which are read back from the
// file. Programming a unit that is not erased is refused, as NOR flash would not set bits.
#pragma once

#include "ferry/port.h"

namespace ferry::qemu {

// Opens the host file named on the semihosting command line (-semihosting-config arg=PATH).
// FERRY_ERR_IO when there is none or it cannot be opened.
int flash_open(const FlashGeometry* geometry);
FlashPort flash_port();

}  // namespace ferry::qemu
