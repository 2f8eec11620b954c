// What a board gives the bootloader and the example application. One implementation per board
// (boards/<board>/board.cpp); the programs include nothing chip-specific besides this.
#pragma once

#include <stdint.h>

#include "boot/layout.h"
#include "ferry/port.h"

namespace ferry::board {

const char* name();
const Layout& layout();

// ---- bootloader ----
// Raises the clock for the image checks (restored by boot_prepare_handoff). Returns the core
// clock reached, for the report.
uint32_t boot_clocks_up();
// The flash port the bootloader reads and writes the boot log through.
int boot_flash(FlashPort* out);
// Clocks and every peripheral the bootloader touched back to their reset state.
void boot_prepare_handoff();
// A line for whoever watches the boot (QEMU: the host console; chips: nothing, to stay small).
void boot_report(const char* line);
// Nothing bootable: wait for a power cycle or a debugger, without spinning the flash.
[[noreturn]] void boot_halt();

// ---- application ----
struct AppServices {
    Port port;               // flash, modem serial, clock, system (watchdog, reset, random)
    const char* clock_note;  // what the clock set-up reached, e.g. "84 MHz from HSE"
    const char* reset_cause;
};
// Clocks from whatever state (never assumes the bootloader's), tick, modem USART with RTS/CTS,
// console, flash, watchdog. 0 or a negative error (the flash could not be opened).
int app_init(AppServices* out);
void console_write(const char* text);
// The version banner, on the line the board documents (QEMU: USART1).
void announce(const char* text);
[[noreturn]] void reset();

}  // namespace ferry::board
