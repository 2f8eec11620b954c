// The port contract: everything the portable core needs from a chip, and nothing more.
// Each port (host, stm32f4, stm32wb, qemu) fills these structs; the core includes nothing else
// of the platform. Every flash operation goes through FlashPort, so tests can cut power there.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ferry {

// Flash geometry: sectors of possibly different sizes from `base`, programmed in units of
// `program_unit` bytes (aligned), erased to 0xFF.
struct FlashGeometry {
    uint32_t base;              // address of sector 0
    uint16_t sector_count;
    const uint32_t* sector_size;  // sector_count entries
    uint8_t program_unit;       // 4 (F4, 32-bit PSIZE) or 8 (WB55 double word)
    // true on ECC flash (WB55): a programmed unit must never be programmed again. The core
    // never relies on re-programming anywhere, so this only tightens the host simulator.
    bool program_once;
};

struct FlashPort {
    void* ctx;
    const FlashGeometry* geometry;
    // Reads len bytes at an absolute address. 0 or a negative error.
    int (*read)(void* ctx, uint32_t addr, void* buf, size_t len);
    // Programs len bytes at addr: both multiples of program_unit, inside one sector, the
    // target erased. 0 or a negative error (the port maps every chip error flag to one).
    int (*program)(void* ctx, uint32_t addr, const void* data, size_t len);
    // Erases one whole sector; may take seconds (the port keeps the watchdog fed).
    int (*erase)(void* ctx, uint16_t sector);
};

// A byte stream to the modem. Reads never block: they return what the interrupt-fed ring
// buffer holds (0 when empty). Writes may block until the bytes are queued, bounded.
struct SerialPort {
    void* ctx;
    int (*read)(void* ctx, uint8_t* buf, size_t max);          // bytes read or negative
    int (*write)(void* ctx, const uint8_t* data, size_t len);  // bytes queued or negative
};

struct ClockPort {
    void* ctx;
    uint32_t (*millis)(void* ctx);  // monotonic, wraps after ~49 days (compare by difference)
    void (*idle)(void* ctx);        // wait for the next interrupt or tick (a poll loop's pause)
};

struct SystemPort {
    void* ctx;
    void (*watchdog_kick)(void* ctx);
    void (*reset)(void* ctx);  // does not return on a chip; on the host it ends the run
    uint32_t (*random)(void* ctx);  // for jitter only; not for keys
};

struct Port {
    FlashPort flash;
    SerialPort serial;
    ClockPort clock;
    SystemPort system;
};

}  // namespace ferry
