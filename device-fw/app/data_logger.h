// The example's own job, standing in for a real data logger: takes a sample every second into
// a RAM ring and "flushes" it in batches. What matters for Ferry is the contract around it:
// the logger says when a reboot would lose nothing (reboot to update), and its self-test decides
// whether a trial image may be confirmed.
#pragma once

#include <stdint.h>

namespace ferry::app {

class DataLogger {
public:
    void poll(uint32_t now_ms);
    // True when nothing is buffered: a reset now loses no sample.
    bool ready_for_reboot() const { return count_ == 0; }
    void flush();  // writes out what is buffered (here: counts it)
    // The check a trial image must pass before the agent confirms it.
    bool self_test() const { return samples_taken_ > 0; }
    uint32_t samples_taken() const { return samples_taken_; }

private:
    static constexpr uint32_t kPeriodMs = 1000;
    static constexpr unsigned kBatch = 16;
    uint32_t next_ms_ = 0;
    uint16_t ring_[kBatch] = {};
    unsigned count_ = 0;
    uint32_t samples_taken_ = 0;
    uint32_t batches_written_ = 0;
};

}  // namespace ferry::app
