// Settings and network state of the simulated modem, shared by the command handlers.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace telit_sim {

struct PdpContext {
    std::string type = "IP";
    std::string apn;
    bool active = false;
};

struct ModemState {
    bool echo = true;
    int cmee = 0;               // 0: ERROR, 1: +CME ERROR: <n>, 2: +CME ERROR: <text>
    int flow_control = 0;       // &K / +IFC (recorded; the pty/socket never loses bytes anyway)
    uint32_t baud = 115200;     // UART speed now
    uint32_t pending_baud = 0;  // +IPR: applied once its OK has left at the old rate
    int creg_n = 0, cgreg_n = 0, cereg_n = 0;
    int searching_queries_left = 0;  // registration answers stat 2 this many more times
    std::map<int, PdpContext> contexts{{1, PdpContext{}}};
    std::string ip;  // address of the active context

    bool registered() const { return searching_queries_left <= 0; }
    bool context_active(int cid = 1) const {
        auto it = contexts.find(cid);
        return it != contexts.end() && it->second.active;
    }
};

}  // namespace telit_sim
