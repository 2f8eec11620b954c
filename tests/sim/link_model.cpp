#include "link_model.h"

#include <algorithm>

namespace telit_sim {

const std::vector<LinkProfile>& link_profiles() {
    // Defaults from FIELD-NOTES "Cellular links"; uplink figures that the notes do not give are
    // assumptions (NB-IoT: same as downlink; GPRS: one uplink slot of ~15 kbit/s; Cat-1: half the
    // downlink).
    static const std::vector<LinkProfile> table = {
        {"lte-m", 100, 375, 150, 8, "LTE Cat-M1, typical (not peak) throughput"},
        {"nb-iot", 40, 40, 3000, 9, "NB-IoT; RTT varies 1.6-10 s in the field"},
        {"gprs", 30, 15, 700, 0, "GPRS with 3 downlink slots"},
        {"cat1", 2000, 1000, 60, 7, "LTE Cat-1; the UART is the bottleneck"},
    };
    return table;
}

std::optional<LinkProfile> find_profile(std::string_view name) {
    for (const auto& p : link_profiles()) {
        if (p.name == name)
            return p;
    }
    return std::nullopt;
}

std::size_t segments_for(std::size_t payload) {
    return (payload + kMss - 1) / kMss;
}

std::size_t bytes_on_air(std::size_t payload) {
    return payload + kPacketOverhead * segments_for(payload);
}

LinkModel::LinkModel(LinkProfile profile, double loss, Random& random, Stats& stats)
    : profile_(std::move(profile)), loss_(loss), random_(random), stats_(stats) {}

double LinkModel::open_connection(double t) {
    ++stats_.connections;
    stats_.up.overhead += 2 * kPacketOverhead;  // SYN, ACK
    stats_.up.packets += 2;
    stats_.down.overhead += kPacketOverhead;  // SYN-ACK
    stats_.down.packets += 1;
    mark_active(t, t + rtt());
    return t + rtt();
}

double LinkModel::close_connection(double t) {
    stats_.up.overhead += 2 * kPacketOverhead;  // FIN, ACK
    stats_.up.packets += 2;
    stats_.down.overhead += kPacketOverhead;  // FIN-ACK
    stats_.down.packets += 1;
    return t + one_way();  // overlaps the end of the response: no extra busy time
}

double LinkModel::transfer(double t, std::size_t payload, double kbps, double& pipe_free,
                           AirDirection& dir, StreamTail* tail) {
    if (payload == 0)
        return t + one_way();
    // Bytes that fit into the partly filled last segment of a stream still on the link.
    std::size_t filled = 0;
    if (tail && t <= tail->busy_until)
        filled = std::min(tail->room, payload);
    const std::size_t fresh = payload - filled;
    const std::size_t segs = segments_for(fresh);
    std::size_t air = payload + kPacketOverhead * segs;
    double extra = 0;
    if (loss_ > 0) {
        std::size_t left = fresh;
        for (std::size_t i = 0; i < segs; ++i) {
            const std::size_t seg = std::min(left, kMss);
            left -= seg;
            if (random_.chance(loss_)) {
                ++stats_.retransmitted_segments;
                stats_.fault(kFaultLoss);
                dir.overhead += seg + kPacketOverhead;  // the resent copy is pure overhead
                dir.packets += 1;
                air += seg + kPacketOverhead;
                extra += rtt();  // noticed by duplicate ACKs or a timer, about one RTT
            }
        }
    }
    dir.payload += payload;
    dir.overhead += kPacketOverhead * segs;
    dir.packets += segs;
    const double bytes_per_s = kbps * 1000.0 / 8.0;
    const double duration = static_cast<double>(air) / bytes_per_s;
    const double start = std::max(t, pipe_free);
    pipe_free = start + duration;
    stats_.transfer_time_s += duration;
    if (tail) {
        tail->room = segs > 0 ? segs * kMss - fresh : tail->room - filled;
        tail->busy_until = pipe_free;
    }
    const double arrival = pipe_free + extra + one_way();
    mark_active(t, arrival);
    return arrival;
}

double LinkModel::send_up(double t, std::size_t payload, StreamTail* tail) {
    return transfer(t, payload, profile_.up_kbps, up_free_, stats_.up, tail);
}

double LinkModel::send_down(double t, std::size_t payload, StreamTail* tail) {
    return transfer(t, payload, profile_.down_kbps, down_free_, stats_.down, tail);
}

void LinkModel::mark_active(double start, double end) {
    if (end <= busy_until_)
        return;
    stats_.air_time_s += end - std::max(start, busy_until_);
    busy_until_ = end;
}

}  // namespace telit_sim
