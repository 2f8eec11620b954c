#include "release/image.h"

#include <bit>
#include <cstddef>
#include <cstdio>
#include <cstring>

namespace ferry::release {
namespace {

// The proto structs are the wire layout: packed and little-endian. Copying them byte for byte
// is only right on a little-endian host, which every host we build for is; a big-endian port
// would have to swap each field here.
static_assert(std::endian::native == std::endian::little,
              "image.cpp copies little-endian wire structs as-is");

using proto::ImageHeader;
using proto::TlvHeader;
using proto::TrailerInfo;

constexpr uint32_t kHeaderSize = proto::kImageHeaderSize;
constexpr uint32_t kRamStart = 0x20000000u;
constexpr uint32_t kRamEnd = 0x30000000u;  // exclusive: the Cortex-M SRAM region is 512 MiB

std::string hex32(uint64_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08llx", static_cast<unsigned long long>(v));
    return buf;
}

template <class T>
void append_struct(Bytes& out, const T& value) {
    const auto* p = reinterpret_cast<const uint8_t*>(&value);
    out.insert(out.end(), p, p + sizeof(T));
}

// Callers have checked that sizeof(T) bytes are readable at p.
template <class T>
T load_struct(const uint8_t* p) {
    T value;
    std::memcpy(&value, p, sizeof(T));
    return value;
}

uint32_t app_word(const Bytes& app, size_t index) {
    uint32_t w;
    std::memcpy(&w, app.data() + index * 4, 4);
    return w;
}

// ------------------------------------------------------------------------------------------
// Building
// ------------------------------------------------------------------------------------------

void check_placement(const ImageParams& params, uint64_t image_size) {
    if (static_cast<uint8_t>(params.slot) >= proto::kSlotCount)
        throw ImageError("slot " + std::to_string(static_cast<int>(params.slot)) +
                         " is not A or B");
    // The vector table sits at load_addr + 512 and VTOR needs it 512-aligned.
    if (params.load_addr % proto::kVectorTableAlign != 0)
        throw ImageError("load address " + hex32(params.load_addr) + " is not 512-aligned");
    if (image_size > proto::kMaxImageSize)
        throw ImageError("image of " + std::to_string(image_size) + " bytes exceeds the " +
                         std::to_string(proto::kMaxImageSize) + "-byte limit");
    if (params.load_addr + image_size > 0x100000000ull)
        throw ImageError("image at " + hex32(params.load_addr) + " runs past 4 GiB");
}

// The first two vector-table words tell whether the application was linked for this slot:
// a build linked for the other slot (or without the header offset) has its reset handler
// outside [app start, app end), and a file that is not a vector table at all rarely passes
// the stack-pointer test.
void check_vectors(const ImageParams& params, const Bytes& app) {
    uint32_t sp = app_word(app, 0);
    uint32_t reset = app_word(app, 1);
    if (sp % 4 != 0 || sp < kRamStart || sp >= kRamEnd)
        throw ImageError("initial stack pointer " + hex32(sp) +
                         " is not a 4-aligned RAM address: is this a vector table?");
    if ((reset & 1u) == 0)
        throw ImageError("reset handler " + hex32(reset) + " is not a Thumb address (odd)");
    uint64_t app_start = uint64_t(params.load_addr) + kHeaderSize;
    uint64_t app_end = app_start + app.size();
    uint64_t target = reset & ~1u;
    if (target < app_start || target >= app_end)
        throw ImageError("reset handler " + hex32(reset) + " is outside the application [" +
                         hex32(app_start) + ", " + hex32(app_end) +
                         "): was it linked for load address + 512 of this slot?");
}

Bytes header_region(const ImageParams& params, uint32_t app_size) {
    ImageHeader h{};
    h.ih_magic = proto::kImageMagic;
    h.ih_header_version = proto::kImageHeaderVersion;
    h.ih_header_size = kHeaderSize;
    h.ih_hw_id = params.hw_id;
    h.ih_load_addr = params.load_addr;
    h.ih_slot = static_cast<uint8_t>(params.slot);
    h.ih_flags = proto::kImageFlagNone;
    h.ih_app_size = app_size;
    h.ih_security_counter = params.security_counter;
    h.ih_version = params.version.wire();
    Bytes region;
    region.reserve(kHeaderSize);
    append_struct(region, h);
    // 0xFF like erased flash, so the unused part of the header costs no programming.
    region.resize(kHeaderSize, 0xFF);
    return region;
}

void append_record(Bytes& out, uint16_t type, const uint8_t* value, uint16_t len) {
    append_struct(out, TlvHeader{type, len});
    out.insert(out.end(), value, value + len);
    out.resize((out.size() + 3) & ~size_t(3), 0);
}

Bytes trailer(const crypto::Sha256& digest, const crypto::Ed25519KeyPair& key) {
    proto::Ed25519SigRecord sig{};
    auto id = crypto::key_id(key.public_key);
    std::memcpy(sig.key_id, id.data(), id.size());
    // The signed message is the digest itself, so a device verifies 32 bytes, not the image.
    auto signature = crypto::ed25519_sign(key, digest.data(), digest.size());
    std::memcpy(sig.signature, signature.data(), signature.size());

    Bytes out;
    append_struct(out, TrailerInfo{proto::kTrailerMagic, 0});
    append_record(out, proto::kTlvSha256, digest.data(), digest.size());
    append_record(out, proto::kTlvEd25519, reinterpret_cast<const uint8_t*>(&sig), sizeof sig);
    auto total = static_cast<uint16_t>(out.size());
    std::memcpy(out.data() + offsetof(TrailerInfo, tr_total), &total, sizeof total);
    return out;
}

// ------------------------------------------------------------------------------------------
// Parsing. Every read below is preceded by a check that it lies inside [data, data + len):
// this code takes untrusted uploads and is fuzzed.
// ------------------------------------------------------------------------------------------

void check_header(const ImageHeader& h, size_t len) {
    if (h.ih_magic != proto::kImageMagic)
        throw ImageError("bad magic: not a Ferry image");
    if (h.ih_header_version != proto::kImageHeaderVersion)
        throw ImageError("unsupported header version " + std::to_string(h.ih_header_version));
    if (h.ih_header_size != kHeaderSize)
        throw ImageError("header size " + std::to_string(h.ih_header_size) + ", expected 512");
    if (h.ih_slot >= proto::kSlotCount)
        throw ImageError("slot " + std::to_string(h.ih_slot) + " is not A or B");
    if (h.ih_app_size == 0)
        throw ImageError("empty application");
    uint64_t needed = uint64_t(kHeaderSize) + h.ih_app_size + sizeof(TrailerInfo);
    if (needed > len)
        throw ImageError("truncated: application of " + std::to_string(h.ih_app_size) +
                         " bytes and a trailer do not fit in " + std::to_string(len) + " bytes");
}

// Stores one known record; skips unknown ones unless they are marked critical.
void take_record(const TlvHeader& tlv, const uint8_t* value, ParsedImage& out) {
    switch (tlv.tlv_type) {
        case proto::kTlvSha256: {
            if (out.recorded_sha256)
                throw ImageError("duplicate SHA-256 record");
            if (tlv.tlv_len != proto::kSha256Size)
                throw ImageError("SHA-256 record of " + std::to_string(tlv.tlv_len) +
                                 " bytes, expected 32");
            crypto::Sha256 sha{};
            std::memcpy(sha.data(), value, sha.size());
            out.recorded_sha256 = sha;
            return;
        }
        case proto::kTlvEd25519: {
            if (out.signature)
                throw ImageError("duplicate Ed25519 record");
            if (tlv.tlv_len != sizeof(proto::Ed25519SigRecord))
                throw ImageError("Ed25519 record of " + std::to_string(tlv.tlv_len) +
                                 " bytes, expected 72");
            auto rec = load_struct<proto::Ed25519SigRecord>(value);
            std::array<uint8_t, 8> id{};
            std::array<uint8_t, 64> sig{};
            std::memcpy(id.data(), rec.key_id, id.size());
            std::memcpy(sig.data(), rec.signature, sig.size());
            out.key_id = id;
            out.signature = sig;
            return;
        }
        default:
            if (tlv.tlv_type & proto::kTlvCriticalBit)
                throw ImageError("unknown critical trailer record " + hex32(tlv.tlv_type));
    }
}

// Walks the records of a trailer whose total has been checked against the buffer.
void parse_records(const uint8_t* trailer, size_t total, ParsedImage& out) {
    size_t pos = sizeof(TrailerInfo);
    while (pos < total) {
        if (total - pos < sizeof(TlvHeader))
            throw ImageError("trailer record header at offset " + std::to_string(pos) +
                             " runs past the trailer");
        auto tlv = load_struct<TlvHeader>(trailer + pos);
        size_t value_at = pos + sizeof(TlvHeader);
        size_t padded = (size_t(tlv.tlv_len) + 3) & ~size_t(3);
        if (padded > total - value_at)
            throw ImageError("trailer record " + hex32(tlv.tlv_type) + " at offset " +
                             std::to_string(pos) + " runs past the trailer");
        for (size_t i = value_at + tlv.tlv_len; i < value_at + padded; ++i)
            if (trailer[i] != 0)
                throw ImageError("nonzero padding in the trailer");
        take_record(tlv, trailer + value_at, out);
        pos = value_at + padded;
    }
}

// `avail` is everything from the trailer start to the end of the buffer (at least 4 bytes).
void parse_trailer(const uint8_t* trailer, size_t avail, ParsedImage& out) {
    auto info = load_struct<TrailerInfo>(trailer);
    if (info.tr_magic != proto::kTrailerMagic)
        throw ImageError("bad trailer magic");
    if (info.tr_total < sizeof(TrailerInfo) || info.tr_total > proto::kMaxTrailerSize)
        throw ImageError("trailer size " + std::to_string(info.tr_total) + " out of range");
    if (info.tr_total > avail)
        throw ImageError("truncated: trailer of " + std::to_string(info.tr_total) +
                         " bytes, only " + std::to_string(avail) + " present");
    if (info.tr_total < avail)
        throw ImageError("trailing bytes: " + std::to_string(avail - info.tr_total) +
                         " after the trailer");
    parse_records(trailer, info.tr_total, out);
}

}  // namespace

Bytes build_image(const ImageParams& params, const Bytes& app, const crypto::Ed25519KeyPair& key) {
    if (app.size() < 8)
        throw ImageError("application of " + std::to_string(app.size()) +
                         " bytes is too small to hold a vector table");
    uint64_t image_size = uint64_t(kHeaderSize) + app.size() + proto::kStandardTrailerSize;
    check_placement(params, image_size);
    check_vectors(params, app);

    Bytes image = header_region(params, static_cast<uint32_t>(app.size()));
    image.insert(image.end(), app.begin(), app.end());
    Bytes tail = trailer(crypto::sha256(image), key);
    image.insert(image.end(), tail.begin(), tail.end());
    return image;
}

ParsedImage parse_image(const uint8_t* data, size_t len) {
    if (data == nullptr)
        len = 0;
    if (len < kHeaderSize)
        throw ImageError("truncated: " + std::to_string(len) +
                         " bytes, less than the 512-byte header region");
    if (len > proto::kMaxImageSize)
        throw ImageError("image of " + std::to_string(len) + " bytes exceeds the " +
                         std::to_string(proto::kMaxImageSize) + "-byte limit");
    ParsedImage out;
    out.header = load_struct<ImageHeader>(data);
    check_header(out.header, len);
    out.app_offset = kHeaderSize;
    out.trailer_offset = kHeaderSize + size_t(out.header.ih_app_size);
    parse_trailer(data + out.trailer_offset, len - out.trailer_offset, out);
    out.computed_sha256 = crypto::sha256(data, out.trailer_offset);
    return out;
}

ParsedImage verify_image(const Bytes& image, const std::array<uint8_t, 32>& public_key) {
    ParsedImage p = parse_image(image);
    if (!p.recorded_sha256)
        throw ImageError("no SHA-256 record in the trailer");
    if (*p.recorded_sha256 != p.computed_sha256)
        throw ImageError("SHA-256 mismatch: the image does not match its trailer hash");
    if (!p.signature)
        throw ImageError("no Ed25519 signature record in the trailer");
    auto expected_id = crypto::key_id(public_key);
    if (*p.key_id != expected_id)
        throw ImageError("signed by key id " + hex_encode(p.key_id->data(), p.key_id->size()) +
                         ", expected " + hex_encode(expected_id.data(), expected_id.size()));
    if (!crypto::ed25519_verify(public_key, p.computed_sha256.data(), p.computed_sha256.size(),
                                p.signature->data()))
        throw ImageError("Ed25519 signature is invalid");
    return p;
}

}  // namespace ferry::release
