#include "api/image_cache.h"

namespace ferry::api {

std::shared_ptr<const CachedImage> ImageCache::find(int64_t release_id, int slot) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = map_.find({release_id, slot});
    if (it == map_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second.second);
    return it->second.first;
}

void ImageCache::put(int64_t release_id, int slot, std::shared_ptr<const CachedImage> bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    Key key{release_id, slot};
    if (auto it = map_.find(key); it != map_.end()) {
        it->second.first = std::move(bytes);
        return;
    }
    lru_.push_front(key);
    map_[key] = {std::move(bytes), lru_.begin()};
    while (map_.size() > capacity_) {
        map_.erase(lru_.back());
        lru_.pop_back();
    }
}

void ImageCache::drop_release(int64_t release_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int slot = 0; slot < 2; ++slot) {
        auto it = map_.find({release_id, slot});
        if (it == map_.end()) continue;
        lru_.erase(it->second.second);
        map_.erase(it);
    }
}

}  // namespace ferry::api
