#include "api/byte_range.h"

#include <cctype>
#include <charconv>

namespace ferry::api {
namespace {

std::optional<uint64_t> number(std::string_view s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

RangeResult malformed() { return {RangeError::malformed, std::nullopt}; }
RangeResult unsatisfiable() { return {RangeError::unsatisfiable, std::nullopt}; }

}  // namespace

RangeResult parse_range(std::string_view spec, uint64_t size, bool from_query) {
    if (!from_query) {
        constexpr std::string_view unit = "bytes=";  // the unit is case-insensitive (RFC 9110)
        if (spec.size() < unit.size()) return malformed();
        for (size_t i = 0; i < unit.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(spec[i])) != unit[i]) return malformed();
        }
        spec.remove_prefix(unit.size());
    }
    if (spec.find(',') != std::string_view::npos) return malformed();
    size_t dash = spec.find('-');
    if (dash == std::string_view::npos) return malformed();
    std::string_view a = spec.substr(0, dash);
    std::string_view b = spec.substr(dash + 1);

    if (a.empty()) {  // suffix: the last n bytes
        auto n = number(b);
        if (!n) return malformed();
        if (*n == 0 || size == 0) return unsatisfiable();
        uint64_t len = *n < size ? *n : size;
        return {RangeError::none, ByteRange{size - len, size - 1}};
    }
    auto first = number(a);
    if (!first) return malformed();
    uint64_t last = 0;
    if (b.empty()) {
        last = size == 0 ? 0 : size - 1;
    } else {
        auto l = number(b);
        if (!l || *l < *first) return malformed();
        last = *l < size ? *l : size - 1;
    }
    if (*first >= size) return unsatisfiable();
    return {RangeError::none, ByteRange{*first, last}};
}

}  // namespace ferry::api
