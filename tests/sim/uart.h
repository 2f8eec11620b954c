// The UART between the device and the modem: paces bytes at baud/10 bytes per simulated second in
// each direction, keeps their order, and tells when a given byte has left the modem (for the
// 20 ms command-gap check). Output written while no client is attached is dropped (a UART with
// nothing on the other end); nothing is ever dropped or reordered while one is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include "scheduler.h"
#include "serial_endpoint.h"
#include "stats.h"

namespace telit_sim {

class Uart {
  public:
    // on_rx(data, len, t_first): bytes from the device, delivered after their transfer time;
    // t_first is the simulated time their first byte started to arrive.
    using RxHandler = std::function<void(const uint8_t*, std::size_t, double t_first)>;

    Uart(Scheduler& sched, SerialEndpoint& endpoint, Stats& stats, uint32_t baud);

    void set_rx_handler(RxHandler h) { rx_ = std::move(h); }
    void set_baud(uint32_t baud) { baud_ = baud; }
    uint32_t baud() const { return baud_; }
    double bytes_per_second() const { return baud_ / 10.0; }

    // Called by the endpoint.
    void on_endpoint_data(const uint8_t* data, std::size_t len);
    void on_endpoint_connect();
    void on_endpoint_disconnect();

    // Queues bytes for the device; sent(t) runs when the last of them has been written, with the
    // simulated time it left the modem.
    void send(std::string_view bytes, std::function<void(double)> sent = nullptr);
    bool tx_idle() const { return queue_.empty() && !writing_; }
    std::size_t tx_queued() const { return queue_.size(); }

  private:
    void pump();
    void write_chunk();

    Scheduler& sched_;
    SerialEndpoint& endpoint_;
    Stats& stats_;
    uint32_t baud_;
    RxHandler rx_;
    double rx_free_ = 0;  // simulated time the device -> modem line is free again
    double tx_free_ = 0;  // simulated time the modem -> device line is free again
    std::deque<uint8_t> queue_;
    uint64_t queued_total_ = 0;   // bytes ever queued
    uint64_t written_total_ = 0;  // bytes ever written (or dropped)
    std::deque<std::pair<uint64_t, std::function<void(double)>>> marks_;
    std::string chunk_;
    bool writing_ = false;
    bool waiting_ = false;
};

}  // namespace telit_sim
