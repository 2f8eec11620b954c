// Image bytes on disk, named by their SHA-256: <dir>/<aa>/<sha256>. Writes go through a
// temporary file, fsync and rename, so a blob file either is complete or does not exist.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "common/bytes.h"

namespace ferry::store {

class BlobStore {
public:
    // Creates the directory tree when missing and removes temporary files a crash left behind.
    explicit BlobStore(std::string dir);

    // Stores bytes whose SHA-256 is `sha256_hex` (checked); no-op when already present.
    // Throws std::runtime_error on I/O failure (disk full...), leaving no partial file.
    void put(const std::string& sha256_hex, const Bytes& data);
    // Reads and re-hashes a blob; throws std::runtime_error when missing or corrupt.
    std::shared_ptr<const std::string> get(const std::string& sha256_hex) const;
    bool exists(const std::string& sha256_hex) const;
    void remove(const std::string& sha256_hex);
    // Every blob file present (by hash), for garbage collection at start-up.
    std::set<std::string> list() const;

    const std::string& dir() const { return dir_; }

private:
    std::string path_of(const std::string& sha256_hex) const;
    std::string dir_;
};

}  // namespace ferry::store
