// Byte strings and encodings used across the host side.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

using Bytes = std::vector<uint8_t>;

inline std::string_view as_chars(const Bytes& b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

std::string hex_encode(const uint8_t* data, size_t len);
inline std::string hex_encode(const Bytes& b) { return hex_encode(b.data(), b.size()); }
// Accepts upper and lower case; nullopt on odd length or a non-hex character.
std::optional<Bytes> hex_decode(std::string_view hex);
// The value of one hex digit (either case), -1 for any other character.
int hex_digit_value(char c);

// RFC 4648 base64url without padding (URL and query safe).
std::string base64url_encode(const uint8_t* data, size_t len);
inline std::string base64url_encode(const Bytes& b) { return base64url_encode(b.data(), b.size()); }
std::optional<Bytes> base64url_decode(std::string_view text);

// Standard base64 with padding (PEM bodies, JSON transport of binary fields).
std::string base64_encode(const uint8_t* data, size_t len);
std::optional<Bytes> base64_decode(std::string_view text);

// Constant-time comparison for MACs and token hashes.
bool equal_constant_time(const uint8_t* a, const uint8_t* b, size_t len);

// Reads a whole file; throws std::runtime_error with the path and errno text on failure.
Bytes read_file(const std::string& path);
// Writes via a temporary file, fsync and rename so a crash leaves the old or the new file.
void write_file_atomic(const std::string& path, const uint8_t* data, size_t len, int mode = 0644);

}  // namespace ferry
