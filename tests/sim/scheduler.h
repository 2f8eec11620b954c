// Simulated time on top of the Asio event loop. Simulated time runs --time-scale times faster than
// the wall clock (sim = wall elapsed * scale); every modelled delay is scheduled in simulated
// seconds. Events due at the same time run in the order they were scheduled.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <utility>

namespace telit_sim {

class Scheduler {
  public:
    using Clock = std::chrono::steady_clock;

    Scheduler(boost::asio::io_context& io, double time_scale);

    double time_scale() const { return scale_; }
    // Simulated seconds since start.
    double now() const;
    // Wall seconds since start.
    double wall_now() const;

    // Runs fn at simulated time t (at once, from the loop, if t is past). Returns an id.
    uint64_t at(double t, std::function<void()> fn);
    uint64_t after(double delay, std::function<void()> fn) {
        return at(now() + delay, std::move(fn));
    }
    void cancel(uint64_t id);
    std::size_t pending() const { return events_.size(); }

  private:
    void arm();
    void fire();

    boost::asio::io_context& io_;
    double scale_;
    Clock::time_point start_;
    boost::asio::steady_timer timer_;
    std::map<std::pair<double, uint64_t>, std::function<void()>> events_;
    std::map<uint64_t, double> when_;
    uint64_t next_id_ = 1;
    bool armed_for_valid_ = false;
    std::pair<double, uint64_t> armed_for_{0, 0};
};

}  // namespace telit_sim
