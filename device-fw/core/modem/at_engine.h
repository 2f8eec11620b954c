// An AT command engine for Telit modems over the serial port contract.
//  - One command at a time; every wait is bounded by a timeout on the port's clock.
//  - Lines that are not the answer to the command in flight (URCs: #HTTPRING, SRING, NO CARRIER,
//    +CEREG...) go to a URC handler, also when they arrive in the middle of a response.
//  - Binary payloads are read by count, never by scanning for "OK" (image bytes can hold it).
//  - Telit wants >= 20 ms after a final result before the next command; the engine keeps it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ferry/port.h"

namespace ferry {

inline constexpr size_t kAtLineMax = 256;       // longest line kept (longer lines are cut)
inline constexpr size_t kAtResponseMax = 512;   // intermediate lines of one command, joined by \n
inline constexpr uint32_t kAtCommandGapMs = 20;

enum AtFinal : int {
    kAtOk = 0,
    kAtError = -1001,       // ERROR
    kAtCmeError = -1002,    // +CME ERROR: <n> (code in AtResponse::cme)
    kAtNoCarrier = -1003,   // NO CARRIER as the final result
    kAtTimeout = -110,      // FERRY_ERR_TIMEOUT
};

struct AtResponse {
    char text[kAtResponseMax];  // intermediate lines, '\n'-separated, without the final result
    size_t len = 0;
    int cme = 0;  // the number of a +CME ERROR
    // The first intermediate line starting with prefix (e.g. "#SGACT:"), value after it and
    // spaces; nullptr when none.
    const char* find(const char* prefix) const;
};

using UrcHandler = void (*)(void* ctx, const char* line);

class AtEngine {
public:
    AtEngine(const SerialPort& serial, const ClockPort& clock) : serial_(serial), clock_(clock) {}

    void set_urc_handler(UrcHandler handler, void* ctx) {
        urc_ = handler;
        urc_ctx_ = ctx;
    }

    // Sends "cmd\r" and waits for its final result. Returns kAtOk or a negative AtFinal.
    int command(const char* cmd, uint32_t timeout_ms, AtResponse* resp);

    // Sends "cmd\r", waits for `prompt` (e.g. "> " or ">>>"), sends `payload`, then waits for
    // the final result. For #SSENDEXT and #HTTPSND.
    int command_with_payload(const char* cmd, const char* prompt, const uint8_t* payload, size_t len,
                             uint32_t timeout_ms, AtResponse* resp);

    // Sends "cmd\r" and reads a binary payload of exactly `len` bytes that follows the line
    // `header_prefix` (e.g. "<<<" for #HTTPRCV, "#SRECV:" for sockets; the count in a
    // "#SRECV: c,n" header caps len). Then waits for OK. Returns bytes read or a negative code.
    int command_read_binary(const char* cmd, const char* header_prefix, uint8_t* buf, size_t len,
                            uint32_t timeout_ms, AtResponse* resp);

    // Waits up to timeout_ms for a URC whose line starts with prefix; the line is copied to out.
    // Other URCs still go to the handler. 0, or kAtTimeout.
    int wait_urc(const char* prefix, char* out, size_t out_len, uint32_t timeout_ms);

    // Handles whatever has arrived (URCs) without sending anything. Call from the main loop.
    void poll();

private:
    enum class LineKind { none, line, prompt };
    // Reads bytes into the line buffer until a full line (or the awaited prompt) is there.
    LineKind read_line(const char* prompt, uint32_t deadline);
    int read_byte(uint32_t deadline);
    bool expired(uint32_t deadline) const;
    void wait_gap();
    int write_all(const uint8_t* data, size_t len, uint32_t deadline);
    // Classifies a complete line: final result (returns it), URC (dispatches it), or an
    // intermediate line of the command (appends it to resp). Returns 1 when not final.
    int handle_line(AtResponse* resp);
    bool is_urc(const char* line) const;
    void dispatch_urc(const char* line);

    SerialPort serial_;
    ClockPort clock_;
    UrcHandler urc_ = nullptr;
    void* urc_ctx_ = nullptr;
    char line_[kAtLineMax];
    size_t line_len_ = 0;
    uint32_t last_final_ms_ = 0;
    bool have_final_ = false;
    // A URC the caller of wait_urc() is waiting for.
    const char* awaited_urc_ = nullptr;
    char* awaited_out_ = nullptr;
    size_t awaited_out_len_ = 0;
    bool awaited_seen_ = false;
    // Lookahead byte pushed back by the line reader.
    int pushed_ = -1;
    // Name of the command in flight ("#SGACT"): its own response lines are not URCs.
    char command_name_[24] = {0};
    size_t command_name_len_ = 0;
};

}  // namespace ferry
