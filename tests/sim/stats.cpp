#include "stats.h"

#include <cstdio>
#include <sstream>

namespace telit_sim {
namespace {

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
            out += buf;
        } else {
            out.push_back(c);
        }
    }
    return out + "\"";
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

void direction(std::ostringstream& o, const char* name, const AirDirection& d) {
    o << "    " << json_string(name) << ": {\"payload_bytes\": " << d.payload
      << ", \"overhead_bytes\": " << d.overhead << ", \"total_bytes\": " << d.total()
      << ", \"packets\": " << d.packets << "}";
}

}  // namespace

Stats::Stats() {
    for (const char* k : {kFaultDisconnect, kFaultStatus0, kFaultDatasize0, kFaultCme, kFaultUrc,
                          kFaultSlowSgact, kFaultLoss}) {
        faults[k] = 0;
    }
}

std::string Stats::to_json(const RunInfo& info) const {
    std::ostringstream o;
    o << "{\n";
    o << "  \"profile\": " << json_string(info.profile) << ",\n";
    o << "  \"time_scale\": " << number(info.time_scale) << ",\n";
    o << "  \"seed\": " << info.seed << ",\n";
    o << "  \"baud\": " << info.baud << ",\n";
    o << "  \"wall_time_s\": " << number(info.wall_time_s) << ",\n";
    o << "  \"sim_time_s\": " << number(info.sim_time_s) << ",\n";
    o << "  \"air\": {\n";
    direction(o, "downlink", down);
    o << ",\n";
    direction(o, "uplink", up);
    o << ",\n    \"total_bytes\": " << (down.total() + up.total()) << ",\n";
    o << "    \"retransmitted_segments\": " << retransmitted_segments << "\n  },\n";
    o << "  \"downlink_bytes\": " << down.total() << ",\n";
    o << "  \"uplink_bytes\": " << up.total() << ",\n";
    o << "  \"air_time_s\": " << number(air_time_s) << ",\n";
    o << "  \"transfer_time_s\": " << number(transfer_time_s) << ",\n";
    o << "  \"requests\": " << http_requests << ",\n";
    o << "  \"socket_sends\": " << socket_sends << ",\n";
    o << "  \"connections\": " << connections << ",\n";
    o << "  \"serial\": {\"rx_bytes\": " << serial_rx_bytes << ", \"tx_bytes\": " << serial_tx_bytes
      << ", \"commands\": " << commands << ", \"gap_violations\": " << gap_violations
      << ", \"line_too_long\": " << line_too_long << ", \"ignored_lines\": " << ignored_lines << "},\n";
    o << "  \"faults\": {";
    bool first = true;
    for (const auto& [k, v] : faults) {
        o << (first ? "" : ", ") << json_string(k) << ": " << v;
        first = false;
    }
    o << "}\n}\n";
    return o.str();
}

bool Stats::write_file(const std::string& path, const RunInfo& info) const {
    const std::string tmp = path + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f)
        return false;
    const std::string text = to_json(info);
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (std::fclose(f) != 0 || !ok)
        return false;
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace telit_sim
