#include "options.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <sstream>
#include <string_view>

namespace telit_sim {
namespace {

bool parse_double(const std::string& s, double& out) {
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return !s.empty() && end && *end == '\0';
}

bool parse_u64(const std::string& s, uint64_t& out) {
    if (s.empty())
        return false;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
    }
    char* end = nullptr;
    out = std::strtoull(s.c_str(), &end, 10);
    return end && *end == '\0';
}

bool parse_host_port(const std::string& s, std::string& host, uint16_t& port) {
    const auto colon = s.rfind(':');
    if (colon == std::string::npos || colon == 0)
        return false;
    uint64_t p = 0;
    if (!parse_u64(s.substr(colon + 1), p) || p == 0 || p > 65535)
        return false;
    host = s.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    port = static_cast<uint16_t>(p);
    return true;
}

// Options that take a value.
const std::string_view kValued[] = {"--pty",
                                    "--listen",
                                    "--unix",
                                    "--server",
                                    "--profile",
                                    "--down-kbps",
                                    "--up-kbps",
                                    "--rtt-ms",
                                    "--baud",
                                    "--time-scale",
                                    "--seed",
                                    "--fault-disconnect",
                                    "--fault-status0",
                                    "--fault-datasize0",
                                    "--fault-cme",
                                    "--fault-urc",
                                    "--loss",
                                    "--slow-sgact",
                                    "--stats",
                                    "--reg-queries",
                                    "--imei",
                                    "--iccid",
                                    "--imsi",
                                    "--ip",
                                    "--model",
                                    "--ssend-max",
                                    "--cme-already-active",
                                    "--log-level"};

bool probability(const std::string& s, double& out) {
    return parse_double(s, out) && out >= 0 && out <= 1;
}

}  // namespace

std::string usage() {
    std::ostringstream o;
    o << "usage: telit-sim (--pty LINK | --listen HOST:PORT | --unix PATH | --stdio)\n"
         "                 [--server HOST:PORT] [options]\n"
         "Stands in for a Telit LE910/ME910 modem: AT commands on the serial side, real HTTP/TCP\n"
         "to ferryd on the network side, with a modelled cellular link.\n\n"
         "serial side\n"
         "  --pty LINK            pseudo-terminal in raw mode, slave symlinked to LINK\n"
         "  --listen HOST:PORT    TCP, one client at a time (QEMU -serial tcp:HOST:PORT)\n"
         "  --unix PATH           Unix socket, one client at a time\n"
         "  --stdio               stdin/stdout (pipes)\n"
         "  --once                --listen/--unix: exit when the first client disconnects\n"
         "  --baud N              UART speed, N/10 bytes/s (default 115200; AT+IPR changes it)\n"
         "network side\n"
         "  --server HOST:PORT    where ferryd is; every host in AT#HTTPCFG/AT#SD maps here\n"
         "  --profile NAME        lte-m (default) | nb-iot | gprs | cat1\n"
         "  --down-kbps X --up-kbps X --rtt-ms X   override the profile\n"
         "  --time-scale X        divide every simulated delay by X (default 1)\n"
         "  --seed N              random seed for faults and loss (default 1)\n"
         "faults (probability per opportunity, 0..1)\n"
         "  --fault-disconnect P  drop the connection mid-body\n"
         "  --fault-status0 P     HTTP answer lost: #HTTPRING status 0 after the timeout\n"
         "  --fault-datasize0 P   #HTTPRING data_size 0 (as if no Content-Length)\n"
         "  --fault-cme P         random +CME ERROR on network commands\n"
         "  --fault-urc P         unsolicited lines slipped in between response lines\n"
         "  --loss P              TCP segment loss (resent, +1 RTT each)\n"
         "  --slow-sgact SECONDS  AT#SGACT=1,1 takes this long (simulated)\n"
         "modem\n"
         "  --reg-queries N       answer +CEREG?/+CREG? with stat 2 (searching) N times first\n"
         "  --imei D --iccid D --imsi D --ip A.B.C.D --model NAME\n"
         "  --ssend-max N         largest #SSENDEXT (default 1500; 1024 for old parts)\n"
         "  --cme-already-active N  code for \"context already activated\" (default 553)\n"
         "output\n"
         "  --stats FILE          JSON counters, every second and on exit\n"
         "  --log-level N         0 errors, 1 events (default), 2 AT traffic, 3 bytes\n"
         "profiles\n";
    for (const auto& p : link_profiles()) {
        o << "  " << p.name << ": down " << p.down_kbps << " kbit/s, up " << p.up_kbps
          << " kbit/s, RTT " << p.rtt_ms << " ms (" << p.note << ")\n";
    }
    return o.str();
}

ParseResult parse_options(int argc, char** argv) {
    ParseResult r;
    Options o;
    o.profile = *find_profile("lte-m");
    std::optional<double> down, up, rtt;
    int serial_count = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= argc) {
                r.error = a + " needs a value";
                return false;
            }
            out = argv[++i];
            return true;
        };
        auto bad = [&](const std::string& v) {
            r.error = "bad value for " + a + ": " + v;
            return r;
        };
        std::string v;
        if (a == "-h" || a == "--help") {
            r.help = true;
            return r;
        } else if (a == "--stdio") {
            o.serial = Options::Serial::stdio;
            ++serial_count;
            continue;
        } else if (a == "--once") {
            o.once = true;
            continue;
        } else if (std::find(std::begin(kValued), std::end(kValued), a) == std::end(kValued)) {
            r.error = "unknown option " + a;
            return r;
        } else if (!value(v)) {
            return r;
        } else if (a == "--pty") {
            o.serial = Options::Serial::pty;
            o.pty_link = v;
            ++serial_count;
        } else if (a == "--listen") {
            if (!parse_host_port(v, o.listen_host, o.listen_port))
                return bad(v);
            o.serial = Options::Serial::tcp;
            ++serial_count;
        } else if (a == "--unix") {
            o.serial = Options::Serial::unix_socket;
            o.unix_path = v;
            ++serial_count;
        } else if (a == "--server") {
            std::string host;
            if (!parse_host_port(v, host, o.server_port))
                return bad(v);
            o.server_host = host;
        } else if (a == "--profile") {
            auto p = find_profile(v);
            if (!p)
                return bad(v);
            o.profile = *p;
        } else if (a == "--down-kbps" || a == "--up-kbps" || a == "--rtt-ms") {
            double d = 0;
            if (!parse_double(v, d) || d <= 0)
                return bad(v);
            (a == "--down-kbps" ? down : a == "--up-kbps" ? up : rtt) = d;
        } else if (a == "--baud") {
            uint64_t n = 0;
            if (!parse_u64(v, n) || n < 300 || n > 4000000)
                return bad(v);
            o.baud = static_cast<uint32_t>(n);
        } else if (a == "--time-scale") {
            if (!parse_double(v, o.time_scale) || o.time_scale <= 0)
                return bad(v);
        } else if (a == "--seed") {
            if (!parse_u64(v, o.seed))
                return bad(v);
        } else if (a == "--fault-disconnect") {
            if (!probability(v, o.faults.disconnect))
                return bad(v);
        } else if (a == "--fault-status0") {
            if (!probability(v, o.faults.status0))
                return bad(v);
        } else if (a == "--fault-datasize0") {
            if (!probability(v, o.faults.datasize0))
                return bad(v);
        } else if (a == "--fault-cme") {
            if (!probability(v, o.faults.cme))
                return bad(v);
        } else if (a == "--fault-urc") {
            if (!probability(v, o.faults.urc))
                return bad(v);
        } else if (a == "--loss") {
            if (!probability(v, o.faults.loss))
                return bad(v);
        } else if (a == "--slow-sgact") {
            if (!parse_double(v, o.faults.slow_sgact_s) || o.faults.slow_sgact_s < 0)
                return bad(v);
        } else if (a == "--stats") {
            o.stats_path = v;
        } else if (a == "--reg-queries") {
            uint64_t n = 0;
            if (!parse_u64(v, n) || n > 1000)
                return bad(v);
            o.reg_queries = static_cast<int>(n);
        } else if (a == "--imei") {
            o.imei = v;
        } else if (a == "--iccid") {
            o.iccid = v;
        } else if (a == "--imsi") {
            o.imsi = v;
        } else if (a == "--ip") {
            o.ip = v;
        } else if (a == "--model") {
            o.model = v;
        } else if (a == "--ssend-max") {
            uint64_t n = 0;
            if (!parse_u64(v, n) || n < 1 || n > 1500)
                return bad(v);
            o.ssend_max = n;
        } else if (a == "--cme-already-active") {
            uint64_t n = 0;
            if (!parse_u64(v, n) || n > 999)
                return bad(v);
            o.cme_already_active = static_cast<int>(n);
        } else if (a == "--log-level") {
            uint64_t n = 0;
            if (!parse_u64(v, n) || n > 3)
                return bad(v);
            o.log_level = static_cast<int>(n);
        } else {
            r.error = "unknown option " + a;
            return r;
        }
    }
    if (serial_count != 1) {
        r.error = "give exactly one of --pty, --listen, --unix, --stdio";
        return r;
    }
    if (down)
        o.profile.down_kbps = *down;
    if (up)
        o.profile.up_kbps = *up;
    if (rtt)
        o.profile.rtt_ms = *rtt;
    r.options = o;
    return r;
}

}  // namespace telit_sim
