// Hex helpers for the device crypto tests (host only).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::test {

using ByteVec = std::vector<uint8_t>;

inline ByteVec unhex(std::string_view h) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        throw std::invalid_argument("not hex");
    };
    if (h.size() % 2 != 0)
        throw std::invalid_argument("odd hex length");
    ByteVec out(h.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<uint8_t>(nibble(h[2 * i]) << 4 | nibble(h[2 * i + 1]));
    }
    return out;
}

inline std::string hex(const uint8_t* p, size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(2 * n);
    for (size_t i = 0; i < n; ++i) {
        s.push_back(digits[p[i] >> 4]);
        s.push_back(digits[p[i] & 15]);
    }
    return s;
}

inline std::string hex(const ByteVec& v) {
    return hex(v.data(), v.size());
}

inline ByteVec bytes_of(std::string_view s) {
    return ByteVec(s.begin(), s.end());
}

}  // namespace ferry::test
