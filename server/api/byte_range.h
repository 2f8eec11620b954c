// One byte range of an image, from a Range header (RFC 9110 14.1.2) or the r= query form.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ferry::api {

struct ByteRange {
    uint64_t first = 0;
    uint64_t last = 0;  // inclusive
    uint64_t length() const { return last - first + 1; }
};

enum class RangeError {
    none,
    malformed,       // not "bytes=a-b" / "a-" / "-n", or more than one range: 416 here (see spec)
    unsatisfiable,   // well-formed but starts past the end or suffix of 0: 416
};

struct RangeResult {
    RangeError error = RangeError::none;
    std::optional<ByteRange> range;  // none and no error = whole representation
};

// `spec` is the header value ("bytes=0-99") or, with from_query, the r= value ("0-99").
// A last position past the end is clamped to size-1 (RFC 9110). One range only: Ferry's devices
// never ask for several, and a multipart answer would cost them parsing they cannot do.
RangeResult parse_range(std::string_view spec, uint64_t size, bool from_query);

}  // namespace ferry::api
