// Command line of telit-sim (see usage() and README.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "faults.h"
#include "link_model.h"

namespace telit_sim {

struct Options {
    enum class Serial { none, pty, tcp, unix_socket, stdio };
    Serial serial = Serial::none;
    std::string pty_link;
    std::string listen_host;
    uint16_t listen_port = 0;
    std::string unix_path;

    std::optional<std::string> server_host;  // ferryd; every host name the device uses maps here
    uint16_t server_port = 0;

    LinkProfile profile;
    double time_scale = 1;
    uint64_t seed = 1;
    uint32_t baud = 115200;
    FaultConfig faults;
    std::string stats_path;

    int reg_queries = 0;  // registration queries answered "searching" (stat 2) first
    std::string imei = "354056091234561";
    std::string iccid = "8939010000123456781";
    std::string imsi = "222019876543210";
    std::string ip = "10.64.12.7";
    std::string model = "ME910C1-WW";
    std::size_t ssend_max = 1500;  // 1024 for old xE910 parts
    int cme_already_active = 553;  // "context already activated"
    bool once = false;             // --listen/--unix: exit when the first client leaves
    int log_level = 1;
};

struct ParseResult {
    std::optional<Options> options;
    bool help = false;
    std::string error;
};

ParseResult parse_options(int argc, char** argv);
std::string usage();

}  // namespace telit_sim
