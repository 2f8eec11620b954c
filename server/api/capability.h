// Download capabilities: the short-lived token in a download URL (/f/<capability>) that binds
// one device to one image of one release until an expiry time. Stateless: a MAC under a server
// key kept in the store, so every ferryd instance accepts what another minted, and a download
// request needs no database read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace ferry::api {

struct Capability {
    uint32_t device_id = 0;   // devices.id
    uint32_t release_id = 0;  // releases.id
    uint8_t slot = 0;
    uint32_t expires_at = 0;  // Unix seconds
};

enum class CapabilityError { none, malformed, bad_mac, expired };

// 14 bytes of fields + 12 bytes of HMAC-SHA256, base64url: 35 characters.
std::string mint_capability(const Capability& cap, const Bytes& key);
CapabilityError check_capability(std::string_view text, const Bytes& key, int64_t now,
                                 Capability* out);

}  // namespace ferry::api
