#include "uart.h"

#include <algorithm>
#include <cmath>

namespace telit_sim {
namespace {
// Granularity of the pacing, in wall seconds: one write per tick at most.
constexpr double kTickWall = 0.004;
}  // namespace

Uart::Uart(Scheduler& sched, SerialEndpoint& endpoint, Stats& stats, uint32_t baud)
    : sched_(sched), endpoint_(endpoint), stats_(stats), baud_(baud) {}

void Uart::on_endpoint_data(const uint8_t* data, std::size_t len) {
    stats_.serial_rx_bytes += len;
    const double now = sched_.now();
    const double start = std::max(now, rx_free_);
    rx_free_ = start + static_cast<double>(len) / bytes_per_second();
    std::string copy(reinterpret_cast<const char*>(data), len);
    sched_.at(rx_free_, [this, copy = std::move(copy), now] {
        if (rx_)
            rx_(reinterpret_cast<const uint8_t*>(copy.data()), copy.size(), now);
    });
}

void Uart::on_endpoint_connect() {
    tx_free_ = sched_.now();
    pump();
}

void Uart::on_endpoint_disconnect() {}

void Uart::send(std::string_view bytes, std::function<void(double)> sent) {
    queue_.insert(queue_.end(), bytes.begin(), bytes.end());
    queued_total_ += bytes.size();
    if (sent)
        marks_.emplace_back(queued_total_, std::move(sent));
    pump();
}

void Uart::pump() {
    if (writing_ || waiting_ || queue_.empty())
        return;
    const double now = sched_.now();
    if (tx_free_ > now) {
        waiting_ = true;
        sched_.at(tx_free_, [this] {
            waiting_ = false;
            pump();
        });
        return;
    }
    write_chunk();
}

void Uart::write_chunk() {
    const double now = sched_.now();
    const double rate = bytes_per_second();
    const std::size_t per_tick =
        std::max<std::size_t>(1, static_cast<std::size_t>(rate * sched_.time_scale() * kTickWall));
    const std::size_t n = std::min(per_tick, queue_.size());
    chunk_.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    tx_free_ = std::max(now, tx_free_) + static_cast<double>(n) / rate;
    auto finish = [this, n](bool) {
        writing_ = false;
        written_total_ += n;
        stats_.serial_tx_bytes += n;
        while (!marks_.empty() && marks_.front().first <= written_total_) {
            auto fn = std::move(marks_.front().second);
            marks_.pop_front();
            // The moment the write completed: the device cannot have seen the bytes earlier,
            // so a gap measured from here is never shorter than the one the device measured.
            fn(sched_.now());
        }
        pump();
    };
    writing_ = true;
    if (!endpoint_.connected()) {
        finish(false);  // nobody listening: the bytes go nowhere
        return;
    }
    endpoint_.write(reinterpret_cast<const uint8_t*>(chunk_.data()), chunk_.size(), finish);
}

}  // namespace telit_sim
