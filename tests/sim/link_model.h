// The cellular link between the modem and the network: bandwidth per direction, round-trip time,
// TCP/IP packet overhead and (optional) segment loss. Times are simulated seconds.
//
// Profiles (defaults, see README.md; override with --down-kbps/--up-kbps/--rtt-ms):
//
//   profile  downlink    uplink      RTT      +COPS AcT
//   lte-m    100 kbit/s  375 kbit/s  150 ms   8 (E-UTRAN Cat-M1)
//   nb-iot    40 kbit/s   40 kbit/s  3000 ms  9 (E-UTRAN NB-S1)
//   gprs      30 kbit/s   15 kbit/s  700 ms   0 (GSM)
//   cat1    2000 kbit/s 1000 kbit/s  60 ms    7 (E-UTRAN)
//
// Each direction is one first-come-first-served pipe: a transfer starts when the pipe is free and
// lasts (payload + 40 bytes per segment of MSS 1360) / rate. Connection set-up is SYN, SYN-ACK, ACK
// (one RTT, 40 bytes each); closing is FIN, FIN-ACK, ACK (40 bytes each). Propagation is RTT/2 each
// way. Pure ACKs for data segments are not counted.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faults.h"
#include "stats.h"

namespace telit_sim {

struct LinkProfile {
    std::string name;
    double down_kbps;  // kbit/s = 1000 bit/s
    double up_kbps;
    double rtt_ms;
    int cops_act;  // access technology reported by +COPS?
    std::string note;
};

const std::vector<LinkProfile>& link_profiles();
std::optional<LinkProfile> find_profile(std::string_view name);

inline constexpr std::size_t kMss = 1360;
inline constexpr std::size_t kPacketOverhead = 40;  // IPv4 20 + TCP 20

std::size_t segments_for(std::size_t payload);
std::size_t bytes_on_air(std::size_t payload);

// The last, partly filled segment of a byte stream that is still being sent: bytes that follow
// while it is on the link fill it before a new segment (and its 40 bytes) is needed.
struct StreamTail {
    std::size_t room = 0;
    double busy_until = -1;
};

class LinkModel {
  public:
    LinkModel(LinkProfile profile, double loss, Random& random, Stats& stats);

    const LinkProfile& profile() const { return profile_; }
    double rtt() const { return profile_.rtt_ms / 1000.0; }
    double one_way() const { return rtt() / 2; }

    // Opens a TCP connection at t: counts SYN, SYN-ACK, ACK; returns when the device may send
    // (t + RTT).
    double open_connection(double t);
    // Closes a connection at t (FIN, FIN-ACK, ACK): counts the packets; returns t + RTT/2. The
    // close overlaps the last data, so it adds no busy time.
    double close_connection(double t);

    // Sends payload bytes device -> network, starting no earlier than t. Returns the simulated
    // time the last byte arrives at the far end (serialisation + RTT/2 + resends).
    double send_up(double t, std::size_t payload, StreamTail* tail = nullptr);
    // Sends payload bytes network -> device, starting no earlier than t. Returns the arrival time
    // of the last byte at the modem.
    double send_down(double t, std::size_t payload, StreamTail* tail = nullptr);

    // Records [start, end] as time the link was busy (union over all activity).
    void mark_active(double start, double end);

  private:
    double transfer(double t, std::size_t payload, double kbps, double& pipe_free,
                    AirDirection& dir, StreamTail* tail);

    LinkProfile profile_;
    double loss_;
    Random& random_;
    Stats& stats_;
    double up_free_ = 0;
    double down_free_ = 0;
    double busy_until_ = 0;
};

}  // namespace telit_sim
