#include "api/capability.h"

#include "common/crypto.h"

namespace ferry::api {
namespace {

constexpr uint8_t kCapabilityVersion = 1;
constexpr size_t kFieldBytes = 14;
constexpr size_t kMacBytes = 12;

void put_u32(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t get_u32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

}  // namespace

std::string mint_capability(const Capability& cap, const Bytes& key) {
    uint8_t buf[kFieldBytes + kMacBytes];
    buf[0] = kCapabilityVersion;
    put_u32(buf + 1, cap.device_id);
    put_u32(buf + 5, cap.release_id);
    buf[9] = cap.slot;
    put_u32(buf + 10, cap.expires_at);
    auto mac = crypto::hmac_sha256(key.data(), key.size(), buf, kFieldBytes);
    std::copy(mac.begin(), mac.begin() + kMacBytes, buf + kFieldBytes);
    return base64url_encode(buf, sizeof buf);
}

CapabilityError check_capability(std::string_view text, const Bytes& key, int64_t now,
                                 Capability* out) {
    if (text.size() > 64) return CapabilityError::malformed;
    auto raw = base64url_decode(text);
    if (!raw || raw->size() != kFieldBytes + kMacBytes || (*raw)[0] != kCapabilityVersion) {
        return CapabilityError::malformed;
    }
    auto mac = crypto::hmac_sha256(key.data(), key.size(), raw->data(), kFieldBytes);
    if (!equal_constant_time(mac.data(), raw->data() + kFieldBytes, kMacBytes)) {
        return CapabilityError::bad_mac;
    }
    Capability cap;
    cap.device_id = get_u32(raw->data() + 1);
    cap.release_id = get_u32(raw->data() + 5);
    cap.slot = (*raw)[9];
    cap.expires_at = get_u32(raw->data() + 10);
    if (cap.slot > 1) return CapabilityError::malformed;
    if (now >= static_cast<int64_t>(cap.expires_at)) return CapabilityError::expired;
    *out = cap;
    return CapabilityError::none;
}

}  // namespace ferry::api
