#include "data_logger.h"

namespace ferry::app {

void DataLogger::poll(uint32_t now_ms) {
    if (static_cast<int32_t>(now_ms - next_ms_) < 0)
        return;
    next_ms_ = now_ms + kPeriodMs;
    // A real logger reads its sensor here; the skeleton records the time as its "reading".
    ring_[count_++] = static_cast<uint16_t>(now_ms);
    ++samples_taken_;
    if (count_ == kBatch)
        flush();
}

void DataLogger::flush() {
    if (count_ == 0)
        return;
    ++batches_written_;
    count_ = 0;
}

}  // namespace ferry::app
