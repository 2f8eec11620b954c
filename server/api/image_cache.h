// Image files in memory, by release and slot: downloads are served from here without touching
// the database or the disk. Bounded by count; images are at most 192 KB each.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace ferry::api {

struct CachedImage {
    std::string bytes;
    std::string sha256_hex;  // of bytes; the ETag is taken from it
};

class ImageCache {
public:
    explicit ImageCache(size_t capacity = 64) : capacity_(capacity) {}

    std::shared_ptr<const CachedImage> find(int64_t release_id, int slot);
    void put(int64_t release_id, int slot, std::shared_ptr<const CachedImage> bytes);
    void drop_release(int64_t release_id);

private:
    using Key = std::pair<int64_t, int>;
    std::mutex mutex_;
    size_t capacity_;
    std::list<Key> lru_;  // front = most recent
    std::map<Key, std::pair<std::shared_ptr<const CachedImage>, std::list<Key>::iterator>> map_;
};

}  // namespace ferry::api
