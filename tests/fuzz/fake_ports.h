// Ports for fuzzing: serial bytes from the fuzzer's input, a clock that moves 10 ms each time
// the code waits (so every bounded wait ends), and flash in memory.
#pragma once

#include <stdint.h>
#include <string.h>

#include "ferry/errors.h"
#include "ferry/port.h"

namespace ferry::fuzz {

struct FeedSerial {
    const uint8_t* data;
    size_t size;
    size_t pos = 0;
    static int read(void* ctx, uint8_t* buf, size_t max) {
        auto* s = static_cast<FeedSerial*>(ctx);
        size_t n = s->size - s->pos < max ? s->size - s->pos : max;
        memcpy(buf, s->data + s->pos, n);
        s->pos += n;
        return static_cast<int>(n);
    }
    static int write(void*, const uint8_t*, size_t len) { return static_cast<int>(len); }
    SerialPort port() { return SerialPort{this, read, write}; }
};

struct StepClock {
    uint32_t now = 0;
    static uint32_t millis(void* ctx) { return static_cast<StepClock*>(ctx)->now; }
    static void idle(void* ctx) { static_cast<StepClock*>(ctx)->now += 10; }
    ClockPort port() { return ClockPort{this, millis, idle}; }
};

// 512 KB of flash at 0x08000000 in memory, F401xE sector map; reads only.
struct MemFlash {
    static constexpr uint32_t kBase = 0x08000000u;
    uint8_t mem[512 * 1024];
    static int read(void* ctx, uint32_t addr, void* buf, size_t len) {
        auto* f = static_cast<MemFlash*>(ctx);
        if (addr < kBase || addr - kBase + len > sizeof f->mem) return FERRY_ERR_INVALID;
        memcpy(buf, f->mem + (addr - kBase), len);
        return FERRY_OK;
    }
    static int program(void*, uint32_t, const void*, size_t) { return FERRY_ERR_INVALID; }
    static int erase(void*, uint16_t) { return FERRY_ERR_INVALID; }
};

}  // namespace ferry::fuzz
