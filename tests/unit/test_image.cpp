#include <catch2/catch.hpp>

#include "test_support.h"
#include <cstddef>
#include <cstring>
#include <random>

#include "release/image.h"

using namespace ferry;
using ferry::test::fake_app;
using namespace ferry::release;
using proto::ImageHeader;

namespace {

constexpr uint32_t kSlotA = 0x08010000u;
constexpr uint32_t kSlotB = 0x08040000u;
constexpr uint32_t kHw = proto::kHwF401xE;

// An application "linked" for load_addr: pseudo-random bytes behind a plausible vector table
// (initial SP in RAM, Thumb reset handler inside the app).
Bytes make_app(uint32_t load_addr, uint32_t seed = 1, size_t size = 4096) {
    return fake_app(load_addr, size, seed);
}

const crypto::Ed25519KeyPair& test_key() {
    static const crypto::Ed25519KeyPair key = crypto::ed25519_generate();
    return key;
}

ImageParams params(proto::Slot slot = proto::Slot::kA, uint32_t load_addr = kSlotA) {
    ImageParams p;
    p.hw_id = kHw;
    p.slot = slot;
    p.load_addr = load_addr;
    p.security_counter = 7;
    p.version = Version{1, 2, 3, 45};
    return p;
}

Bytes standard_image() {
    return build_image(params(), make_app(kSlotA), test_key());
}

template <class T>
void poke(Bytes& b, size_t at, T value) {
    std::memcpy(b.data() + at, &value, sizeof value);
}

template <class T>
T peek(const Bytes& b, size_t at) {
    T value;
    std::memcpy(&value, b.data() + at, sizeof value);
    return value;
}

// Lays out trailer records by hand so malformed trailers can be written.
struct TrailerWriter {
    Bytes records;
    TrailerWriter& add(uint16_t type, const Bytes& value, uint8_t pad = 0) {
        Bytes hdr(4);
        poke<uint16_t>(hdr, 0, type);
        poke<uint16_t>(hdr, 2, uint16_t(value.size()));
        records.insert(records.end(), hdr.begin(), hdr.end());
        records.insert(records.end(), value.begin(), value.end());
        while (records.size() % 4)
            records.push_back(pad);
        return *this;
    }
    TrailerWriter& raw(const Bytes& bytes) {
        records.insert(records.end(), bytes.begin(), bytes.end());
        return *this;
    }
    // The image's header region and app, followed by this trailer. tr_total counts the
    // records actually written unless `total` overrides it.
    Bytes on(const Bytes& image, std::optional<uint16_t> total = std::nullopt) const {
        size_t trailer_at = image.size() - proto::kStandardTrailerSize;
        Bytes out(image.begin(), image.begin() + trailer_at);
        Bytes info(4);
        poke<uint16_t>(info, 0, proto::kTrailerMagic);
        poke<uint16_t>(info, 2, total.value_or(uint16_t(4 + records.size())));
        out.insert(out.end(), info.begin(), info.end());
        out.insert(out.end(), records.begin(), records.end());
        return out;
    }
};

Bytes sha_value(const Bytes& image) {
    size_t trailer_at = image.size() - proto::kStandardTrailerSize;
    auto d = crypto::sha256(image.data(), trailer_at);
    return Bytes(d.begin(), d.end());
}

Bytes sig_value(const Bytes& image) {
    size_t sig_at = image.size() - sizeof(proto::Ed25519SigRecord);
    return Bytes(image.begin() + sig_at, image.end());
}

bool parse_throws_image_error(const Bytes& image) {
    try {
        parse_image(image);
    } catch (const ImageError&) {
        return true;
    }
    return false;
}

}  // namespace

// ------------------------------------------------------------------------------------------
// Build, parse, verify
// ------------------------------------------------------------------------------------------

TEST_CASE("build_image lays out header, app and trailer", "[image]") {
    Bytes app = make_app(kSlotA);
    Bytes image = build_image(params(), app, test_key());
    REQUIRE(image.size() == 512 + app.size() + 116);

    ImageHeader h;
    std::memcpy(&h, image.data(), sizeof h);
    CHECK(h.ih_magic == proto::kImageMagic);
    CHECK(Bytes(image.begin(), image.begin() + 4) == to_bytes("FRYI"));
    CHECK(h.ih_header_version == 1);
    CHECK(h.ih_header_size == 512);
    CHECK(h.ih_hw_id == kHw);
    CHECK(h.ih_load_addr == kSlotA);
    CHECK(h.ih_slot == 0);
    CHECK(h.ih_flags == 0);
    CHECK(h.ih_reserved0 == 0);
    CHECK(h.ih_app_size == app.size());
    CHECK(h.ih_security_counter == 7);
    CHECK(Version::from_wire(h.ih_version) == Version{1, 2, 3, 45});
    CHECK(std::all_of(std::begin(h.ih_reserved1), std::end(h.ih_reserved1),
                      [](uint8_t b) { return b == 0; }));
    CHECK(std::all_of(image.begin() + sizeof(ImageHeader), image.begin() + 512,
                      [](uint8_t b) { return b == 0xFF; }));
    CHECK(Bytes(image.begin() + 512, image.begin() + 512 + app.size()) == app);

    // Trailer: info, SHA-256 TLV, Ed25519 TLV, all little-endian.
    size_t t = 512 + app.size();
    CHECK(hex_encode(image.data() + t, 8) == "4679740010002000");
    CHECK(Bytes(image.begin() + t + 8, image.begin() + t + 40) == sha_value(image));
    CHECK(hex_encode(image.data() + t + 40, 4) == "20004800");
    auto id = crypto::key_id(test_key().public_key);
    CHECK(Bytes(image.begin() + t + 44, image.begin() + t + 52) == Bytes(id.begin(), id.end()));
}

TEST_CASE("parse_image and verify_image accept a built image", "[image]") {
    Bytes image = standard_image();
    ParsedImage p = parse_image(image);
    CHECK(p.app_offset == 512);
    CHECK(p.trailer_offset == 512 + 4096);
    CHECK(p.header.ih_slot == 0);
    CHECK(p.version() == Version{1, 2, 3, 45});
    REQUIRE(p.recorded_sha256);
    CHECK(*p.recorded_sha256 == p.computed_sha256);
    CHECK(p.computed_sha256 == crypto::sha256(image.data(), p.trailer_offset));
    REQUIRE(p.key_id);
    CHECK(*p.key_id == crypto::key_id(test_key().public_key));
    REQUIRE(p.signature);
    // The signature is over the 32-byte digest, not over the image.
    CHECK(crypto::ed25519_verify(test_key().public_key, p.computed_sha256.data(), 32,
                                 p.signature->data()));
    CHECK_NOTHROW(verify_image(image, test_key().public_key));
}

TEST_CASE("an image for slot B carries its slot and load address", "[image]") {
    Bytes image = build_image(params(proto::Slot::kB, kSlotB), make_app(kSlotB), test_key());
    ParsedImage p = verify_image(image, test_key().public_key);
    CHECK(p.header.ih_slot == 1);
    CHECK(p.header.ih_load_addr == kSlotB);
}

TEST_CASE("verify_image refuses another key", "[image]") {
    Bytes image = standard_image();
    auto other = crypto::ed25519_generate();
    CHECK_THROWS_WITH(verify_image(image, other.public_key), Catch::Contains("key id"));
}

TEST_CASE("every single-byte change of an image makes verify fail", "[image]") {
    Bytes image = standard_image();
    std::vector<size_t> accepted;
    for (size_t i = 0; i < image.size(); ++i) {
        for (uint8_t mask : {uint8_t(0x01), uint8_t(0x80)}) {
            Bytes bad = image;
            bad[i] ^= mask;
            try {
                verify_image(bad, test_key().public_key);
                accepted.push_back(i);
            } catch (const ImageError&) {
            }
        }
    }
    INFO("first accepted offset: " << (accepted.empty() ? 0 : accepted.front()));
    CHECK(accepted.empty());
}

TEST_CASE("a truncated or extended image is a clean ImageError", "[image]") {
    Bytes image = standard_image();
    std::vector<size_t> accepted;
    for (size_t len = 0; len < image.size(); ++len) {
        Bytes cut(image.begin(), image.begin() + len);
        if (!parse_throws_image_error(cut))
            accepted.push_back(len);
    }
    CHECK(accepted.empty());
    CHECK_THROWS_AS(parse_image(nullptr, 0), ImageError);
    Bytes longer = image;
    longer.push_back(0);
    CHECK_THROWS_WITH(parse_image(longer), Catch::Contains("trailing bytes"));
}

// ------------------------------------------------------------------------------------------
// build_image refusals
// ------------------------------------------------------------------------------------------

TEST_CASE("build_image refuses applications that cannot run from this slot", "[image]") {
    const auto& key = test_key();
    CHECK_THROWS_AS(build_image(params(), Bytes{}, key), ImageError);
    CHECK_THROWS_AS(build_image(params(), Bytes(7, 0), key), ImageError);

    Bytes app = make_app(kSlotA);
    SECTION("stack pointer not 4-aligned") {
        poke<uint32_t>(app, 0, 0x20010002u);
        CHECK_THROWS_WITH(build_image(params(), app, key), Catch::Contains("stack pointer"));
    }
    SECTION("stack pointer outside RAM") {
        poke<uint32_t>(app, 0, 0x08010000u);
        CHECK_THROWS_AS(build_image(params(), app, key), ImageError);
        poke<uint32_t>(app, 0, 0x30000000u);
        CHECK_THROWS_AS(build_image(params(), app, key), ImageError);
        poke<uint32_t>(app, 0, 0x2FFFFFFCu);
        CHECK_NOTHROW(build_image(params(), app, key));
    }
    SECTION("reset handler not Thumb") {
        poke<uint32_t>(app, 4, kSlotA + 512 + 0x100);
        CHECK_THROWS_WITH(build_image(params(), app, key), Catch::Contains("Thumb"));
    }
    SECTION("linked for the other slot") {
        CHECK_THROWS_WITH(build_image(params(proto::Slot::kA, kSlotA), make_app(kSlotB), key),
                          Catch::Contains("outside the application"));
    }
    SECTION("linked without the header offset") {
        poke<uint32_t>(app, 4, kSlotA + 0x101);
        CHECK_THROWS_AS(build_image(params(), app, key), ImageError);
    }
    SECTION("reset handler just past the end, and at the last byte") {
        poke<uint32_t>(app, 4, (kSlotA + 512 + uint32_t(app.size())) | 1u);
        CHECK_THROWS_AS(build_image(params(), app, key), ImageError);
        poke<uint32_t>(app, 4, (kSlotA + 512 + uint32_t(app.size()) - 2) | 1u);
        CHECK_NOTHROW(build_image(params(), app, key));
    }
    SECTION("load address not 512-aligned") {
        CHECK_THROWS_AS(build_image(params(proto::Slot::kA, kSlotA + 4), app, key), ImageError);
    }
    SECTION("slot that does not exist") {
        CHECK_THROWS_AS(build_image(params(proto::Slot(2)), app, key), ImageError);
    }
}

TEST_CASE("build_image enforces the image size limit", "[image]") {
    size_t largest = proto::kMaxImageSize - 512 - proto::kStandardTrailerSize;
    Bytes image = build_image(params(), make_app(kSlotA, 3, largest), test_key());
    CHECK(image.size() == proto::kMaxImageSize);
    CHECK_NOTHROW(verify_image(image, test_key().public_key));
    CHECK_THROWS_WITH(build_image(params(), make_app(kSlotA, 3, largest + 1), test_key()),
                      Catch::Contains("limit"));
}

// ------------------------------------------------------------------------------------------
// parse_image refusals: header
// ------------------------------------------------------------------------------------------

TEST_CASE("parse_image refuses bad header fields", "[image]") {
    Bytes image = standard_image();
    SECTION("magic") {
        poke<uint32_t>(image, 0, 0);
        CHECK_THROWS_WITH(parse_image(image), Catch::Contains("magic"));
    }
    SECTION("header version") {
        poke<uint16_t>(image, offsetof(ImageHeader, ih_header_version), 2);
        CHECK_THROWS_AS(parse_image(image), ImageError);
    }
    SECTION("header size other than 512") {
        for (uint16_t size : {0, 64, 256, 511, 513, 1024, 65535}) {
            poke<uint16_t>(image, offsetof(ImageHeader, ih_header_size), size);
            CHECK_THROWS_WITH(parse_image(image), Catch::Contains("header size"));
        }
    }
    SECTION("slot") {
        image[offsetof(ImageHeader, ih_slot)] = 2;
        CHECK_THROWS_AS(parse_image(image), ImageError);
    }
    SECTION("app size") {
        for (uint32_t size :
             {0u, 4097u, 8192u, 0x7FFFFFFFu, 0xFFFFFDFFu, 0xFFFFFE00u, 0xFFFFFFFCu, 0xFFFFFFFFu}) {
            INFO("app size " << size);
            poke<uint32_t>(image, offsetof(ImageHeader, ih_app_size), size);
            CHECK_THROWS_AS(parse_image(image), ImageError);
        }
    }
    SECTION("image larger than the limit") {
        Bytes huge(proto::kMaxImageSize + 1, 0);
        std::copy(image.begin(), image.end(), huge.begin());
        CHECK_THROWS_WITH(parse_image(huge), Catch::Contains("limit"));
    }
}

// ------------------------------------------------------------------------------------------
// parse_image: trailer records
// ------------------------------------------------------------------------------------------

TEST_CASE("the hand-written standard trailer is byte-identical to the built one", "[image]") {
    Bytes image = standard_image();
    Bytes again = TrailerWriter{}
                      .add(proto::kTlvSha256, sha_value(image))
                      .add(proto::kTlvEd25519, sig_value(image))
                      .on(image);
    CHECK(again == image);
}

TEST_CASE("unknown non-critical records are skipped, critical ones refused", "[image]") {
    Bytes image = standard_image();
    Bytes with_extra = TrailerWriter{}
                           .add(proto::kTlvSha256, sha_value(image))
                           .add(0x0042, {1, 2, 3})  // 3 bytes + 1 byte of padding
                           .add(0x7FFF, {})
                           .add(proto::kTlvEd25519, sig_value(image))
                           .on(image);
    ParsedImage p = verify_image(with_extra, test_key().public_key);
    CHECK(p.signature);

    Bytes critical = TrailerWriter{}
                         .add(proto::kTlvSha256, sha_value(image))
                         .add(0x8042, {1, 2, 3, 4})
                         .add(proto::kTlvEd25519, sig_value(image))
                         .on(image);
    CHECK_THROWS_WITH(parse_image(critical), Catch::Contains("critical"));
}

TEST_CASE("trailers with missing records parse but do not verify", "[image]") {
    Bytes image = standard_image();
    Bytes no_sig = TrailerWriter{}.add(proto::kTlvSha256, sha_value(image)).on(image);
    ParsedImage p = parse_image(no_sig);
    CHECK(p.recorded_sha256);
    CHECK_FALSE(p.signature);
    CHECK_THROWS_WITH(verify_image(no_sig, test_key().public_key), Catch::Contains("signature"));

    Bytes no_sha = TrailerWriter{}.add(proto::kTlvEd25519, sig_value(image)).on(image);
    CHECK_FALSE(parse_image(no_sha).recorded_sha256);
    CHECK_THROWS_WITH(verify_image(no_sha, test_key().public_key), Catch::Contains("SHA-256"));

    Bytes empty = TrailerWriter{}.on(image);
    CHECK_NOTHROW(parse_image(empty));
    CHECK_THROWS_AS(verify_image(empty, test_key().public_key), ImageError);
}

TEST_CASE("malformed trailers are refused", "[image]") {
    Bytes image = standard_image();
    Bytes sha = sha_value(image);
    Bytes sig = sig_value(image);
    auto refuses = [](const Bytes& candidate, const char* why) {
        CHECK_THROWS_WITH(parse_image(candidate), Catch::Contains(why));
    };
    SECTION("duplicates") {
        refuses(TrailerWriter{}.add(proto::kTlvSha256, sha).add(proto::kTlvSha256, sha).on(image),
                "duplicate");
        refuses(TrailerWriter{}.add(proto::kTlvEd25519, sig).add(proto::kTlvEd25519, sig).on(image),
                "duplicate");
    }
    SECTION("wrong record lengths") {
        refuses(TrailerWriter{}.add(proto::kTlvSha256, Bytes(31, 0)).on(image), "SHA-256 record");
        refuses(TrailerWriter{}.add(proto::kTlvSha256, Bytes(33, 0)).on(image), "SHA-256 record");
        refuses(TrailerWriter{}.add(proto::kTlvEd25519, Bytes(64, 0)).on(image), "Ed25519 record");
        refuses(TrailerWriter{}.add(proto::kTlvEd25519, Bytes(76, 0)).on(image), "Ed25519 record");
    }
    SECTION("record longer than the trailer") {
        Bytes hdr(4);
        poke<uint16_t>(hdr, 0, 0x0042);
        poke<uint16_t>(hdr, 2, 8);
        refuses(TrailerWriter{}.raw(hdr).raw(Bytes(4, 0)).on(image), "runs past the trailer");
        poke<uint16_t>(hdr, 2, 0xFFFF);
        refuses(TrailerWriter{}.raw(hdr).on(image), "runs past the trailer");
    }
    SECTION("partial record header") {
        refuses(TrailerWriter{}.add(proto::kTlvSha256, sha).raw({0x42, 0}).on(image),
                "runs past the trailer");
    }
    SECTION("padding missing or not zero") {
        Bytes hdr(4);
        poke<uint16_t>(hdr, 0, 0x0042);
        poke<uint16_t>(hdr, 2, 3);
        refuses(TrailerWriter{}.raw(hdr).raw({1, 2, 3}).on(image), "runs past the trailer");
        refuses(TrailerWriter{}.add(0x0042, {1, 2, 3}, 0xEE).on(image), "padding");
    }
    SECTION("trailer total") {
        refuses(TrailerWriter{}.on(image, 0), "out of range");
        refuses(TrailerWriter{}.on(image, 3), "out of range");
        Bytes big = TrailerWriter{}.add(0x0042, Bytes(1100, 0)).on(image);
        refuses(big, "out of range");
        refuses(TrailerWriter{}.add(proto::kTlvSha256, sha).on(image, 40 + 4), "truncated");
        refuses(TrailerWriter{}.add(proto::kTlvSha256, sha).on(image, 40 - 4), "trailing bytes");
    }
    SECTION("trailer magic") {
        Bytes bad = image;
        bad[image.size() - proto::kStandardTrailerSize] ^= 1;
        refuses(bad, "trailer magic");
    }
}

TEST_CASE("a trailer of the largest allowed size parses", "[image]") {
    Bytes image = standard_image();
    size_t filler = proto::kMaxTrailerSize - proto::kStandardTrailerSize - 4;
    Bytes max = TrailerWriter{}
                    .add(proto::kTlvSha256, sha_value(image))
                    .add(0x0001, Bytes(filler, 0xAB))
                    .add(proto::kTlvEd25519, sig_value(image))
                    .on(image);
    REQUIRE(max.size() - (512 + 4096) == proto::kMaxTrailerSize);
    CHECK_NOTHROW(verify_image(max, test_key().public_key));
}

// ------------------------------------------------------------------------------------------
// Robustness: random damage never escapes as anything but ImageError. (Run under ASan/UBSan
// to also prove no out-of-bounds read; the fuzz target does that at scale.)
// ------------------------------------------------------------------------------------------

TEST_CASE("randomly damaged images fail cleanly", "[image][robustness]") {
    Bytes image = standard_image();
    size_t trailer_at = image.size() - proto::kStandardTrailerSize;
    std::mt19937 rng(12345);
    auto pick = [&](size_t lo, size_t hi) {
        return std::uniform_int_distribution<size_t>(lo, hi)(rng);
    };
    size_t unexpected = 0;
    size_t parsed = 0;
    for (int round = 0; round < 20000; ++round) {
        Bytes bad = image;
        int edits = int(pick(1, 4));
        for (int e = 0; e < edits; ++e) {
            switch (pick(0, 4)) {
                case 0:
                    bad[pick(0, 63)] = uint8_t(rng());
                    break;  // header fields
                case 1:
                    bad[pick(trailer_at, bad.size() - 1)] = uint8_t(rng());
                    break;
                case 2: {  // a random u16 (a length or type) in the trailer
                    size_t at = pick(trailer_at, bad.size() - 2);
                    poke<uint16_t>(bad, at, uint16_t(rng()));
                    break;
                }
                case 3:
                    bad.resize(pick(0, bad.size()));
                    break;
                default:
                    bad.push_back(uint8_t(rng()));
                    break;
            }
            if (bad.size() < trailer_at + 2)
                break;
        }
        try {
            parse_image(bad);
            ++parsed;
        } catch (const ImageError&) {
        } catch (...) {
            ++unexpected;
        }
    }
    CHECK(unexpected == 0);
    CHECK(parsed > 0);  // some damage (e.g. to the signature bytes) leaves the structure valid
}
