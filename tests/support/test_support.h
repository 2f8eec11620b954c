// Helpers shared by unit and integration tests: temporary directories, synthetic firmware,
// signed bundles, and a device-side poll signer written from the spec (proto/device-api.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/crypto.h"
#include "common/version.h"

namespace ferry::test {

// A fresh directory under /tmp, removed with everything in it when the object goes.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

// An application binary that passes build_image's sanity checks: initial SP in RAM, reset
// handler inside the app (Thumb bit set), then pseudo-random bytes from `seed`.
Bytes fake_app(uint32_t load_addr, size_t size, uint32_t seed);

// A signed bundle for hw (F401xE layout unless given), both slots.
Bytes make_bundle(const crypto::Ed25519KeyPair& key, const std::string& version,
                  uint32_t security_counter, uint32_t hw_id, size_t app_size = 4096,
                  uint32_t seed = 1);

// The device side of a poll, built exactly as firmware must build it.
struct PollParams {
    std::string device;
    uint64_t counter = 1;
    std::string version = "1.0.0";
    int slot = 0;
    uint32_t security_counter = 0;
    int boot_state = 0;
    int event = 0;
    std::optional<int64_t> release;
    std::optional<uint64_t> progress;
    int reason = 0;
};
std::string poll_target(const PollParams& p, const Bytes& secret);

// Parses "k=v\n" lines and checks the trailing response MAC; throws std::runtime_error when
// the body is malformed or the MAC is wrong.
std::map<std::string, std::string> parse_poll_answer(const std::string& body, const Bytes& secret,
                                                     uint64_t counter);

}  // namespace ferry::test
