// The rest of the host port: serial over a file descriptor (a pty or socket to telit-sim), the
// monotonic clock, and a system port whose reset ends the current run of the device loop.
#pragma once

#include <cstdint>
#include <string>

#include "ferry/port.h"

namespace ferry::host {

class HostSerial {
public:
    // Opens a tty path (raw mode) or "tcp:HOST:PORT" / "unix:PATH". Throws std::runtime_error.
    explicit HostSerial(const std::string& where);
    ~HostSerial();
    SerialPort port();
    uint64_t bytes_in() const { return in_; }
    uint64_t bytes_out() const { return out_; }

private:
    static int do_read(void* ctx, uint8_t* buf, size_t max);
    static int do_write(void* ctx, const uint8_t* data, size_t len);
    int fd_ = -1;
    uint64_t in_ = 0;
    uint64_t out_ = 0;
};

ClockPort host_clock();

class HostSystem {
public:
    explicit HostSystem(uint32_t seed) : state_(seed ? seed : 1) {}
    SystemPort port();
    bool reset_requested() const { return reset_; }
    void clear_reset() { reset_ = false; }

private:
    static void do_kick(void*) {}
    static void do_reset(void* ctx) { static_cast<HostSystem*>(ctx)->reset_ = true; }
    static uint32_t do_random(void* ctx);
    uint32_t state_;
    bool reset_ = false;
};

}  // namespace ferry::host
