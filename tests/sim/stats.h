// Counters of one simulator run, written as JSON (--stats FILE) every second and on exit.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace telit_sim {

// Fault kinds, as they appear under "faults" in the JSON.
inline constexpr const char* kFaultDisconnect = "disconnect";
inline constexpr const char* kFaultStatus0 = "status0";
inline constexpr const char* kFaultDatasize0 = "datasize0";
inline constexpr const char* kFaultCme = "cme";
inline constexpr const char* kFaultUrc = "urc";
inline constexpr const char* kFaultSlowSgact = "slow_sgact";
inline constexpr const char* kFaultLoss = "loss";

// Bytes in one direction of the radio link.
struct AirDirection {
    uint64_t payload = 0;   // TCP payload (HTTP request/response bytes, socket data)
    uint64_t overhead = 0;  // IPv4+TCP headers of data segments, SYN/ACK/FIN packets, resends
    uint64_t packets = 0;   // data segments and control packets
    uint64_t total() const { return payload + overhead; }
};

struct RunInfo {
    std::string profile;
    double time_scale = 1;
    double sim_time_s = 0;
    double wall_time_s = 0;
    uint64_t seed = 0;
    uint32_t baud = 0;
};

struct Stats {
    AirDirection down, up;
    uint64_t retransmitted_segments = 0;
    uint64_t http_requests = 0;    // #HTTPQRY + #HTTPSND that went on air
    uint64_t socket_sends = 0;     // #SSENDEXT / #SSEND payloads
    uint64_t connections = 0;      // TCP connections opened over the air
    double air_time_s = 0;         // simulated time the link was busy (set-up, transfer, latency)
    double transfer_time_s = 0;    // simulated time spent serialising bytes on the link
    uint64_t serial_rx_bytes = 0;  // device -> modem
    uint64_t serial_tx_bytes = 0;  // modem -> device
    uint64_t commands = 0;         // command lines executed
    uint64_t gap_violations = 0;   // command started < 20 ms after the previous final result
    uint64_t line_too_long = 0;
    uint64_t ignored_lines = 0;    // lines without the AT prefix (host text on a shared UART)
    std::map<std::string, uint64_t> faults;

    Stats();
    void fault(const char* kind) { ++faults[kind]; }
    std::string to_json(const RunInfo& info) const;
    // Writes atomically (temporary file, then rename). Returns false on an I/O error.
    bool write_file(const std::string& path, const RunInfo& info) const;
};

}  // namespace telit_sim
