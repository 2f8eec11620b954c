// Device request authentication (proto/device-api.md, "Authentication"): a truncated
// HMAC-SHA256 under the device's own secret, over the request target up to "&m=", with a
// strictly increasing counter against replay; and the same MAC over the response body.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace ferry::api {

// Lowercase hex of the first proto::kMacBytes bytes of HMAC-SHA256(secret, message).
std::string device_mac_hex(const Bytes& secret, std::string_view message);

// The signed part of a poll target: everything before "&m=". Empty when "&m=" is missing or
// not the last parameter.
struct SignedTarget {
    std::string_view signed_part;
    std::string_view mac_hex;
};
bool split_signed_target(std::string_view target, SignedTarget* out);

// Response MAC: over "n=<counter>\n" followed by the body up to (not including) the "m=" line,
// so an answer cannot be replayed to a later poll.
std::string response_mac_hex(const Bytes& secret, uint64_t counter, std::string_view body);

}  // namespace ferry::api
