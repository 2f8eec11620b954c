#include "api/validate.h"

#include <charconv>
#include <cstdio>

#include "api/api_error.h"
#include "ferry/proto/image.h"

namespace ferry::api {

bool valid_name(std::string_view s, size_t max_len) {
    if (s.empty() || s.size() > max_len || s == "." || s == "..") return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

void require_name(std::string_view s, const char* what) {
    if (!valid_name(s)) {
        throw bad_request(std::string("invalid_") + what,
                          std::string(what) +
                              " must be 1-64 characters of A-Z a-z 0-9 . _ - (not . or ..)");
    }
}

std::optional<uint64_t> parse_u64(std::string_view s) {
    if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<uint32_t> parse_u32(std::string_view s) {
    auto v = parse_u64(s);
    if (!v || *v > 0xFFFFFFFFull) return std::nullopt;
    return static_cast<uint32_t>(*v);
}

int64_t require_id(std::string_view s) {
    auto v = parse_u64(s);
    if (!v || *v == 0 || *v > static_cast<uint64_t>(INT64_MAX)) {
        throw bad_request("invalid_id", "id must be a positive decimal number");
    }
    return static_cast<int64_t>(*v);
}

namespace {
struct BoardName {
    const char* name;
    uint32_t id;
};
constexpr BoardName kBoards[] = {
    {"f401xc", proto::kHwF401xC},
    {"f401xe", proto::kHwF401xE},
    {"wb55", proto::kHwWB55},
    {"qemu-netduinoplus2", proto::kHwQemuNetduinoPlus2},
};
}  // namespace

std::optional<uint32_t> parse_hw_id(std::string_view s) {
    for (const auto& b : kBoards) {
        if (s == b.name) return b.id;
    }
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        std::string_view hex = s.substr(2);
        if (hex.empty() || hex.size() > 8) return std::nullopt;
        uint32_t v = 0;
        auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), v, 16);
        if (ec != std::errc() || p != hex.data() + hex.size()) return std::nullopt;
        return v;
    }
    return parse_u32(s);
}

std::string hw_id_name(uint32_t hw_id) {
    for (const auto& b : kBoards) {
        if (b.id == hw_id) return b.name;
    }
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", hw_id);
    return buf;
}

}  // namespace ferry::api
