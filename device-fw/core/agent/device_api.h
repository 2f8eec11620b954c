// The device side of proto/device-api.md: builds signed poll targets and parses and
// authenticates the server's answers. No I/O here; the agent moves the bytes.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ferry/proto/device_api.h"
#include "ferry/proto/image.h"

namespace ferry {

struct DeviceIdentity {
    char device_id[proto::kMaxDeviceIdLength + 1];
    uint8_t secret[proto::kDeviceSecretBytes];
};

struct PollReport {
    uint64_t counter;
    uint8_t version_major, version_minor;
    uint16_t version_patch;
    uint32_t version_build;
    uint8_t slot;
    uint32_t security_counter;
    uint8_t boot_state;  // proto::BootState
    uint8_t event;       // proto::Event, 0 = none
    uint32_t release_id; // with an event, 0 = none
    uint32_t progress;   // with kEventDownloading
    uint16_t reason;     // with rolled back / failed
};

// Writes "/p?d=..&n=..&...&m=<mac>" into out. Returns its length, or FERRY_ERR_NOSPC.
int build_poll_target(const DeviceIdentity& id, const PollReport& r, char* out, size_t out_len);

inline constexpr size_t kMaxUrl = 96;
inline constexpr size_t kMaxVersionText = 24;

struct PollAnswer {
    enum Action : uint8_t { kIdle, kOffer, kConfirm, kAbort } action;
    uint32_t interval_s;
    // offer
    uint32_t release_id;
    char version[kMaxVersionText];
    uint8_t slot;
    uint32_t size;
    uint8_t sha256[32];
    char url[kMaxUrl];
    uint32_t chunk;
    uint8_t manifest[sizeof(proto::ReleaseManifest)];
    bool has_manifest;
};

// Parses an answer body and checks its MAC against the poll's counter. FERRY_ERR_INVALID for
// anything malformed (unknown keys are skipped), FERRY_ERR_SIGNATURE for a wrong MAC. Never
// reads past body[len].
int parse_poll_answer(const DeviceIdentity& id, uint64_t counter, const char* body, size_t len,
                      PollAnswer* out);

// Checks the offered manifest before any byte of the image is fetched: signed by a trusted
// release key (key ids and keys in parallel arrays), for this hardware, counter not below the
// floor, and its image for the offered slot matches the offer's size and hash.
struct TrustedKey;
int check_offer_manifest(const PollAnswer& offer, const TrustedKey* keys, size_t key_count,
                         uint32_t hw_id, uint32_t min_security_counter, uint16_t* reason);

// base64url without padding; returns bytes written or a negative error.
int base64url_decode(const char* in, size_t len, uint8_t* out, size_t out_len);

}  // namespace ferry
