// Checks for every name that comes from outside: device ids, tags, token names, numeric ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::api {

// Device ids and tags: [A-Za-z0-9._-], 1..64 characters, not "." or "..". These end up in
// paths, SQL parameters, logs and the device's own query, so the alphabet stays small.
bool valid_name(std::string_view s, size_t max_len = 64);
// Throws ApiError 400 "invalid_<what>" unless valid_name.
void require_name(std::string_view s, const char* what);

// Decimal without sign or leading zeros beyond "0", fits the type.
std::optional<uint64_t> parse_u64(std::string_view s);
std::optional<uint32_t> parse_u32(std::string_view s);
// Path id (release, token): positive decimal; throws ApiError 400 "invalid_id".
int64_t require_id(std::string_view s);

// Hardware ids in JSON or flags: a number, "0x..." hex, or a board name (f401xe, ...).
std::optional<uint32_t> parse_hw_id(std::string_view s);
std::string hw_id_name(uint32_t hw_id);  // board name or "0x%08x"

}  // namespace ferry::api
