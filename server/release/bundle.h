// Release bundle: signed manifest + one image per slot (proto/image-format.md, "Bundle").
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/crypto.h"
#include "release/image.h"

namespace ferry::release {

struct BundleError : std::runtime_error {
    // code: stable machine-readable reason ("truncated", "bad_magic", "bad_signature",
    // "unknown_key", "hash_mismatch", "inconsistent", "hw_mismatch", ...), used in API errors.
    BundleError(std::string code, const std::string& message)
        : std::runtime_error(message), code(std::move(code)) {}
    std::string code;
};

struct BundleInput {
    uint32_t hw_id = 0;
    uint32_t security_counter = 0;
    Version version;
    uint32_t load_addr[proto::kSlotCount] = {0, 0};
    Bytes app[proto::kSlotCount];  // application bytes linked at load_addr[slot] + 512
};

// Builds both images and the manifest, signs all three with `key`, returns the bundle bytes.
Bytes build_bundle(const BundleInput& input, const crypto::Ed25519KeyPair& key);

struct ParsedBundle {
    proto::ReleaseManifest manifest{};
    Bytes manifest_bytes;             // the 184 bytes as they are in the bundle
    Bytes images[proto::kSlotCount];  // whole image files, index = slot
    ParsedImage parsed[proto::kSlotCount];
    Version version() const { return Version::from_wire(manifest.rm_version); }
    std::array<uint8_t, 8> key_id() const;
};

// Structure only: sizes, magic, each image parsed and consistent with the manifest (hw id,
// version, security counter, slot, load address, size, SHA-256 of the image file). No signature
// check. Throws BundleError.
ParsedBundle parse_bundle(const Bytes& bundle);

struct TrustedKey {
    std::string name;  // file name or label, for messages
    std::array<uint8_t, 32> public_key;
};

// parse_bundle, then: the manifest's key id names one of `trusted` ("unknown_key" otherwise),
// manifest signature valid, each image's trailer hash and signature valid with that same key.
// Returns the index into `trusted` of the signing key through *key_index when not null.
ParsedBundle verify_bundle(const Bytes& bundle, const std::vector<TrustedKey>& trusted,
                           size_t* key_index = nullptr);

}  // namespace ferry::release
