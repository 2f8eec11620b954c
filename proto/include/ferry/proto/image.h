// Ferry image and release-manifest wire format, declared once for both halves.
// Byte-level spec: proto/image-format.md. Everything is little-endian and packed.
// Freestanding: this header includes nothing beyond <stdint.h> and <stddef.h>.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ferry::proto {

// ---------------------------------------------------------------------------------------------
// Image: [ImageHeader, padded with 0xFF to header_size][application][trailer]
// ---------------------------------------------------------------------------------------------

// "FRYI" read as a little-endian u32: the first word of every slot that holds an image.
inline constexpr uint32_t kImageMagic = 0x49595246u;
inline constexpr uint16_t kImageHeaderVersion = 1;
// The application's vector table follows the header. VTOR needs the table aligned to a power of
// two at least as large as the table: 512 bytes covers the F401 (101 vectors) and WB55 (79).
inline constexpr uint32_t kImageHeaderSize = 512;
inline constexpr uint32_t kVectorTableAlign = 512;

enum class Slot : uint8_t { kA = 0, kB = 1 };
inline constexpr uint8_t kSlotCount = 2;

// Header flags (ImageHeader::flags).
inline constexpr uint8_t kImageFlagNone = 0;

struct __attribute__((packed)) ImageVersion {
    uint8_t major;
    uint8_t minor;
    uint16_t patch;
    uint32_t build;  // 0 when the version has no "+build" part
};
static_assert(sizeof(ImageVersion) == 8, "ImageVersion is 8 bytes on the wire");

struct __attribute__((packed)) ImageHeader {
    uint32_t ih_magic;             // kImageMagic
    uint16_t ih_header_version;    // kImageHeaderVersion
    uint16_t ih_header_size;       // offset of the application from the image start (512)
    uint32_t ih_hw_id;             // hardware id the image is built for (kHw* or a custom id)
    uint32_t ih_load_addr;         // flash address of the image start (the slot base)
    uint8_t ih_slot;               // Slot the image is linked for
    uint8_t ih_flags;              // kImageFlag*
    uint16_t ih_reserved0;         // 0
    uint32_t ih_app_size;          // bytes of application after the header
    uint32_t ih_security_counter;  // anti-rollback counter; never lower than the confirmed one
    ImageVersion ih_version;
    uint8_t ih_reserved1[28];      // 0; keeps the header 64 bytes
};
static_assert(sizeof(ImageHeader) == 64, "ImageHeader is 64 bytes on the wire");

// Trailer: TrailerInfo, then records (TlvHeader + value), total tr_total bytes including
// TrailerInfo. Records start 4-byte aligned; the value of each is tlv_len bytes, then padding
// to a multiple of 4 (padding bytes are 0).
inline constexpr uint16_t kTrailerMagic = 0x7946;  // "Fy"
struct __attribute__((packed)) TrailerInfo {
    uint16_t tr_magic;  // kTrailerMagic
    uint16_t tr_total;  // bytes of the trailer, this struct included
};
static_assert(sizeof(TrailerInfo) == 4, "TrailerInfo is 4 bytes on the wire");

struct __attribute__((packed)) TlvHeader {
    uint16_t tlv_type;  // kTlv*
    uint16_t tlv_len;   // bytes of value that follow (padding excluded)
};
static_assert(sizeof(TlvHeader) == 4, "TlvHeader is 4 bytes on the wire");

// SHA-256 of everything before the trailer (header region + application). 32 bytes.
inline constexpr uint16_t kTlvSha256 = 0x0010;
// Ed25519 signature: Ed25519SigRecord. The signed message is the 32-byte SHA-256 above, so the
// device hashes the image once and verifies a 32-byte message.
inline constexpr uint16_t kTlvEd25519 = 0x0020;
// Unknown record types with bit 15 clear must be skipped; with bit 15 set they make the image
// invalid (a critical record this version does not understand).
inline constexpr uint16_t kTlvCriticalBit = 0x8000;

inline constexpr size_t kKeyIdSize = 8;  // first 8 bytes of SHA-256(raw 32-byte public key)
inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;
inline constexpr size_t kSha256Size = 32;

struct __attribute__((packed)) Ed25519SigRecord {
    uint8_t key_id[kKeyIdSize];
    uint8_t signature[kEd25519SignatureSize];
};
static_assert(sizeof(Ed25519SigRecord) == 72, "Ed25519SigRecord is 72 bytes on the wire");

// Trailer as written by ferryctl: info + SHA-256 record + Ed25519 record.
inline constexpr uint32_t kStandardTrailerSize =
    sizeof(TrailerInfo) + sizeof(TlvHeader) + kSha256Size + sizeof(TlvHeader) +
    sizeof(Ed25519SigRecord);
static_assert(kStandardTrailerSize == 116, "standard trailer layout");
inline constexpr uint32_t kMaxTrailerSize = 1024;

// ---------------------------------------------------------------------------------------------
// Release manifest: what a release is, signed, small enough to ride in an offer (184 bytes).
// The device checks it before spending data on a download.
// ---------------------------------------------------------------------------------------------

inline constexpr uint32_t kManifestMagic = 0x4D595246u;  // "FRYM"
inline constexpr uint16_t kManifestFormat = 1;

struct __attribute__((packed)) ManifestImage {
    uint8_t mi_slot;           // Slot
    uint8_t mi_reserved[3];    // 0
    uint32_t mi_load_addr;     // ImageHeader::ih_load_addr of that image
    uint32_t mi_size;          // bytes of the whole image (header region + app + trailer)
    uint8_t mi_sha256[kSha256Size];  // SHA-256 of the whole image file as served
};
static_assert(sizeof(ManifestImage) == 44, "ManifestImage is 44 bytes on the wire");

struct __attribute__((packed)) ReleaseManifest {
    uint32_t rm_magic;             // kManifestMagic
    uint16_t rm_format;            // kManifestFormat
    uint16_t rm_image_count;       // kSlotCount
    uint32_t rm_hw_id;
    uint32_t rm_security_counter;  // equal to each image's ih_security_counter
    ImageVersion rm_version;       // equal to each image's ih_version
    uint8_t rm_key_id[kKeyIdSize];
    ManifestImage rm_images[kSlotCount];  // index = slot
    uint8_t rm_signature[kEd25519SignatureSize];  // Ed25519 over every byte before this field
};
static_assert(sizeof(ReleaseManifest) == 184, "ReleaseManifest is 184 bytes on the wire");
inline constexpr size_t kManifestSignedSize = sizeof(ReleaseManifest) - kEd25519SignatureSize;

// ---------------------------------------------------------------------------------------------
// Release bundle (what `ferryctl sign` writes and `ferryctl upload` sends):
// [ReleaseManifest][image of slot A][image of slot B], sizes from the manifest, nothing after.
// ---------------------------------------------------------------------------------------------
inline constexpr uint32_t kMaxImageSize = 192u * 1024u;  // the F401xE slot limit
inline constexpr uint32_t kMaxBundleSize =
    sizeof(ReleaseManifest) + kSlotCount * kMaxImageSize;

// ---------------------------------------------------------------------------------------------
// Well-known hardware ids. Products define their own ids at or above kHwCustomBase.
// ---------------------------------------------------------------------------------------------
inline constexpr uint32_t kHwF401xC = 0x0401C000u;
inline constexpr uint32_t kHwF401xE = 0x0401E000u;
inline constexpr uint32_t kHwWB55 = 0x0B550000u;
inline constexpr uint32_t kHwQemuNetduinoPlus2 = 0x0E405000u;
inline constexpr uint32_t kHwCustomBase = 0x10000000u;

// Slot base addresses of the reference layouts (DESIGN.md); images are linked for these.
struct SlotLayout {
    uint32_t hw_id;
    uint32_t slot_base[kSlotCount];
    uint32_t slot_image_limit;  // largest image (header + app + trailer) either slot can hold
};
inline constexpr SlotLayout kLayouts[] = {
    {kHwF401xC, {0x08010000u, 0x08020000u}, 64u * 1024u},
    {kHwF401xE, {0x08010000u, 0x08040000u}, 192u * 1024u},
    {kHwWB55, {0x08010000u, 0x08040000u}, 192u * 1024u},
    {kHwQemuNetduinoPlus2, {0x08010000u, 0x08040000u}, 192u * 1024u},
};

// The reference layout of a well-known hardware id; nullptr for custom hardware.
inline constexpr const SlotLayout* find_layout(uint32_t hw_id) {
    for (const SlotLayout& l : kLayouts) {
        if (l.hw_id == hw_id) return &l;
    }
    return nullptr;
}

}  // namespace ferry::proto
