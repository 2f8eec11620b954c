#include "api/device_auth.h"

#include "common/crypto.h"
#include "ferry/proto/device_api.h"

namespace ferry::api {

std::string device_mac_hex(const Bytes& secret, std::string_view message) {
    auto mac = crypto::hmac_sha256(secret, message);
    return hex_encode(mac.data(), proto::kMacBytes);
}

bool split_signed_target(std::string_view target, SignedTarget* out) {
    size_t at = target.rfind("&m=");
    if (at == std::string_view::npos) return false;
    std::string_view mac = target.substr(at + 3);
    if (mac.find('&') != std::string_view::npos) return false;
    out->signed_part = target.substr(0, at);
    out->mac_hex = mac;
    return true;
}

std::string response_mac_hex(const Bytes& secret, uint64_t counter, std::string_view body) {
    std::string message = "n=" + std::to_string(counter) + "\n";
    message.append(body);
    return device_mac_hex(secret, message);
}

}  // namespace ferry::api
