// Firmware versions: "major.minor.patch[+build]" with the ranges of proto::ImageVersion.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ferry/proto/image.h"

namespace ferry {

struct Version {
    uint8_t major = 0;
    uint8_t minor = 0;
    uint16_t patch = 0;
    uint32_t build = 0;

    // Total order used everywhere a "newer" is decided: major, minor, patch, build.
    uint64_t key() const {
        return (uint64_t(major) << 56) | (uint64_t(minor) << 48) | (uint64_t(patch) << 32) | build;
    }
    std::string str() const;
    proto::ImageVersion wire() const { return {major, minor, patch, build}; }
    static Version from_wire(const proto::ImageVersion& v) {
        return {v.major, v.minor, v.patch, v.build};
    }
    friend bool operator==(const Version& a, const Version& b) { return a.key() == b.key(); }
};

// nullopt for anything but digits in range, dots and one optional "+build".
std::optional<Version> parse_version(std::string_view text);

}  // namespace ferry
