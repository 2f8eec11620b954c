#include "api/byte_counter.h"

namespace ferry::api {

void ByteCounter::add(int64_t device_id, int64_t release_id, uint64_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_[{device_id, release_id}] += bytes;
}

uint64_t ByteCounter::pending_total() const {
    std::lock_guard<std::mutex> lock(mutex_);
    uint64_t total = 0;
    for (const auto& [k, v] : pending_) total += v;
    return total;
}

void ByteCounter::flush(store::Store& store) {
    std::map<std::pair<int64_t, int64_t>, uint64_t> batch;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        batch.swap(pending_);
    }
    if (batch.empty()) return;
    try {
        store.transact([&](store::Tx& tx) {
            std::map<int64_t, uint64_t> per_release;
            for (const auto& [key, bytes] : batch) {
                tx.add_device_bytes(key.first, bytes);
                tx.add_member_bytes(key.first, key.second, bytes);
                per_release[key.second] += bytes;
            }
            for (const auto& [release, bytes] : per_release) tx.add_release_bytes(release, bytes);
        });
    } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& [key, bytes] : batch) pending_[key] += bytes;
        throw;
    }
}

}  // namespace ferry::api
