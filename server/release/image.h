// Builds, parses and verifies one slot image (proto/image-format.md) on the host.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/crypto.h"
#include "common/version.h"
#include "ferry/proto/image.h"

namespace ferry::release {

struct ImageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ImageParams {
    uint32_t hw_id = 0;
    proto::Slot slot = proto::Slot::kA;
    uint32_t load_addr = 0;  // slot base; the application must be linked at load_addr + 512
    uint32_t security_counter = 0;
    Version version;
};

// Header (padded with 0xFF to 512 bytes) + app + trailer (SHA-256 record, Ed25519 record).
// Throws ImageError when the application does not start at load_addr + kImageHeaderSize, when
// its reset vector or initial stack pointer are implausible (reset handler outside the app,
// even address), or when the image would exceed proto::kMaxImageSize.
Bytes build_image(const ImageParams& params, const Bytes& app, const crypto::Ed25519KeyPair& key);

struct ParsedImage {
    proto::ImageHeader header{};
    size_t app_offset = 0;      // == header.ih_header_size
    size_t trailer_offset = 0;  // == header_size + app_size
    std::optional<crypto::Sha256> recorded_sha256;  // from the trailer
    crypto::Sha256 computed_sha256{};               // over [0, trailer_offset)
    std::optional<std::array<uint8_t, 8>> key_id;
    std::optional<std::array<uint8_t, 64>> signature;
    Version version() const { return Version::from_wire(header.ih_version); }
};

// Structural parse: magic, header version and size, sizes within the buffer, trailer magic and
// total, every record within bounds, unknown critical records refused. Hashes, does not verify
// the signature. Throws ImageError naming the first problem.
ParsedImage parse_image(const uint8_t* data, size_t len);
inline ParsedImage parse_image(const Bytes& b) { return parse_image(b.data(), b.size()); }

// Full check: parse, SHA-256 record equals the computed hash, signature by `public_key` over the
// hash, key id matches. Throws ImageError naming the first failure.
ParsedImage verify_image(const Bytes& image, const std::array<uint8_t, 32>& public_key);

}  // namespace ferry::release
