#include "common/version.h"

namespace ferry {
namespace {

// One decimal field: digits only, not empty, at most `max`, and no leading zero, so "1.02.3"
// cannot pass for "1.2.3" where versions are compared as text. ("+0" is accepted: it is how
// a build number of 0 is spelled, even though str() leaves it out.)
std::optional<uint64_t> parse_field(std::string_view text, uint64_t max) {
    if (text.empty() || text.size() > 10)
        return std::nullopt;  // 10 digits hold any u32
    if (text.size() > 1 && text[0] == '0')
        return std::nullopt;
    uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + uint64_t(c - '0');
    }
    if (value > max)
        return std::nullopt;
    return value;
}

// Splits off the text before the first `sep`; nullopt when `sep` does not occur.
std::optional<std::string_view> take_until(std::string_view& rest, char sep) {
    size_t pos = rest.find(sep);
    if (pos == std::string_view::npos)
        return std::nullopt;
    std::string_view head = rest.substr(0, pos);
    rest.remove_prefix(pos + 1);
    return head;
}

}  // namespace

std::string Version::str() const {
    std::string s =
        std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    if (build != 0)
        s += "+" + std::to_string(build);
    return s;
}

std::optional<Version> parse_version(std::string_view text) {
    std::string_view rest = text;
    auto major_text = take_until(rest, '.');
    auto minor_text = take_until(rest, '.');
    if (!major_text || !minor_text)
        return std::nullopt;
    std::string_view patch_text = rest;
    std::string_view build_text;
    bool has_build = false;
    if (auto plus = rest.find('+'); plus != std::string_view::npos) {
        patch_text = rest.substr(0, plus);
        build_text = rest.substr(plus + 1);
        has_build = true;
    }
    auto major = parse_field(*major_text, 255);
    auto minor = parse_field(*minor_text, 255);
    auto patch = parse_field(patch_text, 65535);
    // Stray dots or a second '+' end up inside a field and fail its digit check.
    auto build = has_build ? parse_field(build_text, 0xFFFFFFFFu) : std::optional<uint64_t>(0);
    if (!major || !minor || !patch || !build)
        return std::nullopt;
    return Version{uint8_t(*major), uint8_t(*minor), uint16_t(*patch), uint32_t(*build)};
}

}  // namespace ferry
