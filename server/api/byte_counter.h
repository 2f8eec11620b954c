// Bytes served per (device, release), kept in memory and added to the store in one transaction
// every few seconds: counting every chunk without one database write per chunk. A crash loses
// at most the last interval's counts, never the store's consistency.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

#include "store/store.h"

namespace ferry::api {

class ByteCounter {
public:
    void add(int64_t device_id, int64_t release_id, uint64_t bytes);
    // Moves the pending counts into the store (additive updates, safe with several instances).
    // On a store error the counts are put back for the next try.
    void flush(store::Store& store);
    uint64_t pending_total() const;

private:
    mutable std::mutex mutex_;
    std::map<std::pair<int64_t, int64_t>, uint64_t> pending_;
};

}  // namespace ferry::api
