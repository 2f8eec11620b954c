#include "scheduler.h"

namespace telit_sim {

Scheduler::Scheduler(boost::asio::io_context& io, double time_scale)
    : io_(io), scale_(time_scale > 0 ? time_scale : 1), start_(Clock::now()), timer_(io) {}

double Scheduler::wall_now() const {
    return std::chrono::duration<double>(Clock::now() - start_).count();
}

double Scheduler::now() const {
    return wall_now() * scale_;
}

uint64_t Scheduler::at(double t, std::function<void()> fn) {
    const uint64_t id = next_id_++;
    events_.emplace(std::make_pair(t, id), std::move(fn));
    when_[id] = t;
    arm();
    return id;
}

void Scheduler::cancel(uint64_t id) {
    auto it = when_.find(id);
    if (it == when_.end())
        return;
    events_.erase(std::make_pair(it->second, id));
    when_.erase(it);
}

void Scheduler::arm() {
    if (events_.empty())
        return;
    const auto first = events_.begin()->first;
    if (armed_for_valid_ && armed_for_ == first)
        return;
    armed_for_valid_ = true;
    armed_for_ = first;
    const auto due = start_ + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(first.first / scale_));
    timer_.expires_at(due);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec == boost::asio::error::operation_aborted)
            return;
        armed_for_valid_ = false;
        fire();
    });
}

void Scheduler::fire() {
    // Run everything that is due; events scheduled meanwhile for "now" run in this pass too.
    while (!events_.empty()) {
        auto it = events_.begin();
        if (it->first.first > now())
            break;
        auto fn = std::move(it->second);
        when_.erase(it->first.second);
        events_.erase(it);
        fn();
    }
    arm();
}

}  // namespace telit_sim
