#include "release/bundle.h"

#include <bit>
#include <cstring>

namespace ferry::release {
namespace {

// ReleaseManifest is the packed little-endian wire layout; copying it as-is needs a
// little-endian host (see image.cpp).
static_assert(std::endian::native == std::endian::little,
              "bundle.cpp copies little-endian wire structs as-is");

using proto::ReleaseManifest;
constexpr size_t kManifestSize = sizeof(ReleaseManifest);

[[noreturn]] void fail(const char* code, const std::string& message) {
    throw BundleError(code, message);
}

std::string slot_name(size_t slot) {
    return slot == 0 ? "A" : "B";
}

std::string hex32(uint32_t v) {
    static const char digits[] = "0123456789abcdef";
    std::string s = "0x";
    for (int shift = 28; shift >= 0; shift -= 4)
        s += digits[(v >> shift) & 15];
    return s;
}

// ------------------------------------------------------------------------------------------
// Building
// ------------------------------------------------------------------------------------------

ReleaseManifest unsigned_manifest(const BundleInput& input, const Bytes (&images)[2],
                                  const crypto::Ed25519KeyPair& key) {
    ReleaseManifest m{};
    m.rm_magic = proto::kManifestMagic;
    m.rm_format = proto::kManifestFormat;
    m.rm_image_count = proto::kSlotCount;
    m.rm_hw_id = input.hw_id;
    m.rm_security_counter = input.security_counter;
    m.rm_version = input.version.wire();
    auto id = crypto::key_id(key.public_key);
    std::memcpy(m.rm_key_id, id.data(), id.size());
    for (size_t i = 0; i < proto::kSlotCount; ++i) {
        proto::ManifestImage& mi = m.rm_images[i];
        mi.mi_slot = static_cast<uint8_t>(i);
        mi.mi_load_addr = input.load_addr[i];
        mi.mi_size = static_cast<uint32_t>(images[i].size());
        auto digest = crypto::sha256(images[i]);
        std::memcpy(mi.mi_sha256, digest.data(), digest.size());
    }
    return m;
}

// ------------------------------------------------------------------------------------------
// Parsing
// ------------------------------------------------------------------------------------------

ReleaseManifest load_manifest(const Bytes& bundle) {
    if (bundle.size() > proto::kMaxBundleSize)
        fail("too_large", "bundle of " + std::to_string(bundle.size()) + " bytes exceeds the " +
                              std::to_string(proto::kMaxBundleSize) + "-byte limit");
    if (bundle.size() < kManifestSize)
        fail("truncated",
             "bundle of " + std::to_string(bundle.size()) + " bytes is shorter than its manifest");
    ReleaseManifest m;
    std::memcpy(&m, bundle.data(), kManifestSize);
    if (m.rm_magic != proto::kManifestMagic)
        fail("bad_magic", "not a Ferry release bundle");
    if (m.rm_format != proto::kManifestFormat)
        fail("bad_format", "unsupported manifest format " + std::to_string(m.rm_format));
    if (m.rm_image_count != proto::kSlotCount)
        fail("bad_format", "manifest lists " + std::to_string(m.rm_image_count) +
                               " images, expected " + std::to_string(proto::kSlotCount));
    return m;
}

// The manifest's image table against itself and the bundle length.
void check_image_table(const ReleaseManifest& m, size_t bundle_size) {
    uint64_t expected = kManifestSize;
    for (size_t i = 0; i < proto::kSlotCount; ++i) {
        const proto::ManifestImage& mi = m.rm_images[i];
        if (mi.mi_slot != i)
            fail("bad_format", "manifest entry " + std::to_string(i) + " is for slot " +
                                   std::to_string(mi.mi_slot) + ", expected slot " + slot_name(i));
        if (mi.mi_size > proto::kMaxImageSize)
            fail("too_large", "slot " + slot_name(i) + " image of " + std::to_string(mi.mi_size) +
                                  " bytes exceeds the " + std::to_string(proto::kMaxImageSize) +
                                  "-byte limit");
        expected += mi.mi_size;
    }
    if (bundle_size < expected)
        fail("truncated", "bundle of " + std::to_string(bundle_size) + " bytes, manifest says " +
                              std::to_string(expected));
    if (bundle_size > expected)
        fail("trailing_bytes",
             std::to_string(bundle_size - expected) + " bytes after the last image");
    if (m.rm_images[0].mi_load_addr == m.rm_images[1].mi_load_addr)
        fail("inconsistent", "both slots have load address " + hex32(m.rm_images[0].mi_load_addr));
}

void expect_same(bool same, size_t slot, const char* field) {
    if (!same)
        fail("inconsistent", "slot " + slot_name(slot) + " image header disagrees with the " +
                                 "manifest on " + field);
}

// One image against the manifest: what the header says, then the bytes themselves.
void check_image(const ReleaseManifest& m, size_t slot, const Bytes& image, const ParsedImage& p) {
    const proto::ImageHeader& h = p.header;
    expect_same(h.ih_slot == slot, slot, "the slot");
    expect_same(h.ih_hw_id == m.rm_hw_id, slot, "the hardware id");
    expect_same(Version::from_wire(h.ih_version) == Version::from_wire(m.rm_version), slot,
                "the version");
    expect_same(h.ih_security_counter == m.rm_security_counter, slot, "the security counter");
    expect_same(h.ih_load_addr == m.rm_images[slot].mi_load_addr, slot, "the load address");
    auto digest = crypto::sha256(image);
    if (std::memcmp(digest.data(), m.rm_images[slot].mi_sha256, digest.size()) != 0)
        fail("hash_mismatch",
             "slot " + slot_name(slot) + " image does not match the SHA-256 in the manifest");
}

ParsedImage parse_slot_image(const Bytes& image, size_t slot) {
    try {
        return parse_image(image);
    } catch (const ImageError& e) {
        fail("bad_image", "slot " + slot_name(slot) + " image: " + e.what());
    }
}

// ------------------------------------------------------------------------------------------
// Verification
// ------------------------------------------------------------------------------------------

// Index of the trusted key that signed the manifest. A key id that names no trusted key is
// "unknown_key"; a known id whose signature does not verify is "bad_signature".
size_t manifest_signer(const ParsedBundle& b, const std::vector<TrustedKey>& trusted) {
    auto id = b.key_id();
    bool id_known = false;
    for (size_t k = 0; k < trusted.size(); ++k) {
        if (crypto::key_id(trusted[k].public_key) != id)
            continue;
        id_known = true;
        if (crypto::ed25519_verify(trusted[k].public_key, b.manifest_bytes.data(),
                                   proto::kManifestSignedSize,
                                   b.manifest_bytes.data() + proto::kManifestSignedSize))
            return k;
    }
    if (!id_known)
        fail("unknown_key", "bundle signed by key id " + hex_encode(id.data(), id.size()) +
                                ", which is not a trusted key");
    fail("bad_signature", "manifest signature is invalid");
}

// The image trailer must be signed by the same key as the manifest: a device checks only the
// image it downloads, so each image has to stand on its own.
void check_image_signature(const ParsedImage& p, size_t slot, const TrustedKey& key) {
    std::string which = "slot " + slot_name(slot) + " image";
    if (!p.recorded_sha256 || !p.signature)
        fail("bad_image", which + " has no SHA-256 or no signature record");
    if (*p.recorded_sha256 != p.computed_sha256)
        fail("hash_mismatch", which + " does not match the SHA-256 in its trailer");
    if (*p.key_id != crypto::key_id(key.public_key))
        fail("bad_signature", which + " is signed by another key than the manifest");
    if (!crypto::ed25519_verify(key.public_key, p.computed_sha256.data(), p.computed_sha256.size(),
                                p.signature->data()))
        fail("bad_signature", which + " signature is invalid");
}

}  // namespace

std::array<uint8_t, 8> ParsedBundle::key_id() const {
    std::array<uint8_t, 8> id{};
    std::memcpy(id.data(), manifest.rm_key_id, id.size());
    return id;
}

Bytes build_bundle(const BundleInput& input, const crypto::Ed25519KeyPair& key) {
    if (input.load_addr[0] == input.load_addr[1])
        fail("inconsistent", "both slots have load address " + hex32(input.load_addr[0]));
    Bytes images[proto::kSlotCount];
    for (size_t i = 0; i < proto::kSlotCount; ++i) {
        ImageParams params;
        params.hw_id = input.hw_id;
        params.slot = static_cast<proto::Slot>(i);
        params.load_addr = input.load_addr[i];
        params.security_counter = input.security_counter;
        params.version = input.version;
        images[i] = build_image(params, input.app[i], key);
    }
    ReleaseManifest m = unsigned_manifest(input, images, key);
    auto sig =
        crypto::ed25519_sign(key, reinterpret_cast<const uint8_t*>(&m), proto::kManifestSignedSize);
    std::memcpy(m.rm_signature, sig.data(), sig.size());

    Bytes bundle(kManifestSize);
    std::memcpy(bundle.data(), &m, kManifestSize);
    for (const Bytes& image : images)
        bundle.insert(bundle.end(), image.begin(), image.end());
    return bundle;
}

ParsedBundle parse_bundle(const Bytes& bundle) {
    ParsedBundle b;
    b.manifest = load_manifest(bundle);
    check_image_table(b.manifest, bundle.size());
    b.manifest_bytes.assign(bundle.begin(), bundle.begin() + kManifestSize);
    size_t offset = kManifestSize;
    for (size_t i = 0; i < proto::kSlotCount; ++i) {
        size_t size = b.manifest.rm_images[i].mi_size;
        b.images[i].assign(bundle.begin() + offset, bundle.begin() + offset + size);
        offset += size;
        b.parsed[i] = parse_slot_image(b.images[i], i);
        check_image(b.manifest, i, b.images[i], b.parsed[i]);
    }
    return b;
}

ParsedBundle verify_bundle(const Bytes& bundle, const std::vector<TrustedKey>& trusted,
                           size_t* key_index) {
    ParsedBundle b = parse_bundle(bundle);
    size_t k = manifest_signer(b, trusted);
    for (size_t i = 0; i < proto::kSlotCount; ++i)
        check_image_signature(b.parsed[i], i, trusted[k]);
    if (key_index != nullptr)
        *key_index = k;
    return b;
}

}  // namespace ferry::release
