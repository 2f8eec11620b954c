#include <catch2/catch.hpp>

#include "test_support.h"
#include <cstddef>
#include <cstring>

#include "release/bundle.h"

using namespace ferry;
using ferry::test::fake_app;
using namespace ferry::release;
using proto::ReleaseManifest;

namespace {

constexpr uint32_t kSlotA = 0x08010000u;
constexpr uint32_t kSlotB = 0x08040000u;
constexpr size_t kManifestSize = sizeof(ReleaseManifest);

// Pseudo-random application bytes with a vector table linked for load_addr + 512.
Bytes make_app(uint32_t load_addr, uint32_t seed, size_t size = 4096) {
    return fake_app(load_addr, size, seed);
}

const crypto::Ed25519KeyPair& release_key() {
    static const crypto::Ed25519KeyPair key = crypto::ed25519_generate();
    return key;
}

const crypto::Ed25519KeyPair& foreign_key() {
    static const crypto::Ed25519KeyPair key = crypto::ed25519_generate();
    return key;
}

BundleInput input(size_t size_a = 4096, size_t size_b = 4096) {
    BundleInput in;
    in.hw_id = proto::kHwF401xE;
    in.security_counter = 12;
    in.version = Version{2, 0, 1, 99};
    in.load_addr[0] = kSlotA;
    in.load_addr[1] = kSlotB;
    in.app[0] = make_app(kSlotA, 1, size_a);
    in.app[1] = make_app(kSlotB, 2, size_b);
    return in;
}

std::vector<TrustedKey> trusted() {
    return {{"other.pub", crypto::ed25519_generate().public_key},
            {"release.pub", release_key().public_key}};
}

ReleaseManifest manifest_of(const Bytes& bundle) {
    ReleaseManifest m;
    std::memcpy(&m, bundle.data(), kManifestSize);
    return m;
}

// Writes `m` into the bundle and signs it again with `key`, so the manifest stays valid while
// something else is wrong.
void resign(Bytes& bundle, ReleaseManifest m, const crypto::Ed25519KeyPair& key) {
    auto id = crypto::key_id(key.public_key);
    std::memcpy(m.rm_key_id, id.data(), id.size());
    auto sig =
        crypto::ed25519_sign(key, reinterpret_cast<const uint8_t*>(&m), proto::kManifestSignedSize);
    std::memcpy(m.rm_signature, sig.data(), sig.size());
    std::memcpy(bundle.data(), &m, kManifestSize);
}

std::string error_code(const Bytes& bundle) {
    try {
        verify_bundle(bundle, trusted());
    } catch (const BundleError& e) {
        return e.code;
    }
    return "ok";
}

std::string parse_error_code(const Bytes& bundle) {
    try {
        parse_bundle(bundle);
    } catch (const BundleError& e) {
        return e.code;
    }
    return "ok";
}

}  // namespace

TEST_CASE("a built bundle parses and verifies", "[bundle]") {
    BundleInput in = input(4096, 5000);
    Bytes bundle = build_bundle(in, release_key());
    size_t size_a = 512 + 4096 + 116;
    size_t size_b = 512 + 5000 + 116;
    REQUIRE(bundle.size() == kManifestSize + size_a + size_b);

    size_t key_index = 99;
    ParsedBundle b = verify_bundle(bundle, trusted(), &key_index);
    CHECK(key_index == 1);
    const ReleaseManifest& m = b.manifest;
    CHECK(m.rm_magic == proto::kManifestMagic);
    CHECK(Bytes(bundle.begin(), bundle.begin() + 4) == to_bytes("FRYM"));
    CHECK(m.rm_format == 1);
    CHECK(m.rm_image_count == 2);
    CHECK(m.rm_hw_id == proto::kHwF401xE);
    CHECK(m.rm_security_counter == 12);
    CHECK(b.version() == Version{2, 0, 1, 99});
    CHECK(b.key_id() == crypto::key_id(release_key().public_key));
    CHECK(b.manifest_bytes == Bytes(bundle.begin(), bundle.begin() + kManifestSize));

    for (size_t i = 0; i < 2; ++i) {
        INFO("slot " << i);
        const proto::ManifestImage& mi = m.rm_images[i];
        CHECK(mi.mi_slot == i);
        CHECK(mi.mi_load_addr == in.load_addr[i]);
        CHECK(mi.mi_size == b.images[i].size());
        auto digest = crypto::sha256(b.images[i]);
        CHECK(std::memcmp(mi.mi_sha256, digest.data(), 32) == 0);
        CHECK(b.parsed[i].header.ih_slot == i);
        CHECK(Bytes(b.images[i].begin() + 512, b.images[i].begin() + 512 + in.app[i].size()) ==
              in.app[i]);
        // Each image stands alone: a device verifies the one it downloads.
        CHECK_NOTHROW(verify_image(b.images[i], release_key().public_key));
    }
    CHECK(b.images[0].size() == size_a);
    CHECK(b.images[1].size() == size_b);
    CHECK(Bytes(bundle.begin() + kManifestSize, bundle.begin() + kManifestSize + size_a) ==
          b.images[0]);
    CHECK(Bytes(bundle.end() - size_b, bundle.end()) == b.images[1]);

    // The manifest signature covers exactly the first 120 bytes.
    CHECK(
        crypto::ed25519_verify(release_key().public_key, bundle.data(), 120, bundle.data() + 120));
}

TEST_CASE("a bundle signed by an untrusted key is unknown_key", "[bundle]") {
    Bytes bundle = build_bundle(input(), foreign_key());
    CHECK(parse_error_code(bundle) == "ok");
    CHECK(error_code(bundle) == "unknown_key");
    CHECK_THROWS_AS(verify_bundle(bundle, {}), BundleError);
}

TEST_CASE("a tampered manifest is bad_signature", "[bundle]") {
    Bytes bundle = build_bundle(input(), release_key());
    SECTION("a reserved byte the parser does not look at") {
        bundle[offsetof(ReleaseManifest, rm_images) +
               offsetof(proto::ManifestImage, mi_reserved)] ^= 1;
        CHECK(parse_error_code(bundle) == "ok");
        CHECK(error_code(bundle) == "bad_signature");
    }
    SECTION("the signature itself") {
        bundle[kManifestSize - 1] ^= 0x40;
        CHECK(error_code(bundle) == "bad_signature");
    }
    SECTION("the key id names another key") {
        bundle[offsetof(ReleaseManifest, rm_key_id)] ^= 1;
        CHECK(error_code(bundle) == "unknown_key");
    }
}

TEST_CASE("images signed by another key than the manifest are bad_signature", "[bundle]") {
    // The foreign key signs the images; the manifest is then re-signed by the trusted key.
    Bytes bundle = build_bundle(input(), foreign_key());
    resign(bundle, manifest_of(bundle), release_key());
    CHECK(error_code(bundle) == "bad_signature");
    CHECK_THROWS_WITH(verify_bundle(bundle, trusted()), Catch::Contains("another key"));
}

TEST_CASE("images in the wrong slot order are inconsistent", "[bundle]") {
    Bytes bundle = build_bundle(input(), release_key());
    ReleaseManifest m = manifest_of(bundle);
    size_t size = m.rm_images[0].mi_size;
    REQUIRE(size == m.rm_images[1].mi_size);
    Bytes swapped(bundle.begin(), bundle.begin() + kManifestSize);
    swapped.insert(swapped.end(), bundle.begin() + kManifestSize + size, bundle.end());
    swapped.insert(swapped.end(), bundle.begin() + kManifestSize,
                   bundle.begin() + kManifestSize + size);
    CHECK_THROWS_WITH(parse_bundle(swapped), Catch::Contains("slot A"));
    CHECK(parse_error_code(swapped) == "inconsistent");

    // Even with a manifest that describes the swapped images and is validly signed.
    uint32_t load_a = m.rm_images[0].mi_load_addr;
    m.rm_images[0].mi_load_addr = m.rm_images[1].mi_load_addr;
    m.rm_images[1].mi_load_addr = load_a;
    std::swap(m.rm_images[0].mi_sha256, m.rm_images[1].mi_sha256);
    resign(swapped, m, release_key());
    CHECK(error_code(swapped) == "inconsistent");
}

TEST_CASE("an image header that disagrees with the manifest is inconsistent", "[bundle]") {
    Bytes bundle = build_bundle(input(), release_key());
    ReleaseManifest m = manifest_of(bundle);
    SECTION("hardware id") {
        m.rm_hw_id = proto::kHwWB55;
    }
    SECTION("security counter") {
        m.rm_security_counter = 13;
    }
    SECTION("version") {
        m.rm_version.build = 100;
    }
    SECTION("load address") {
        m.rm_images[1].mi_load_addr = 0x08060000u;
    }
    resign(bundle, m, release_key());
    CHECK(parse_error_code(bundle) == "inconsistent");
}

TEST_CASE("a changed image byte is hash_mismatch", "[bundle]") {
    Bytes bundle = build_bundle(input(), release_key());
    ReleaseManifest m = manifest_of(bundle);
    size_t app_b = kManifestSize + m.rm_images[0].mi_size + 512 + 100;
    bundle[app_b] ^= 1;
    CHECK(parse_error_code(bundle) == "hash_mismatch");

    // Manifest updated to the damaged image: the image's own trailer still catches it.
    auto digest = crypto::sha256(bundle.data() + kManifestSize + m.rm_images[0].mi_size,
                                 m.rm_images[1].mi_size);
    std::memcpy(m.rm_images[1].mi_sha256, digest.data(), 32);
    resign(bundle, m, release_key());
    CHECK(parse_error_code(bundle) == "ok");
    CHECK(error_code(bundle) == "hash_mismatch");
}

TEST_CASE("a truncated bundle is truncated at every length", "[bundle]") {
    Bytes bundle = build_bundle(input(), release_key());
    std::vector<size_t> other;
    for (size_t len = 0; len < bundle.size(); ++len) {
        Bytes cut(bundle.begin(), bundle.begin() + len);
        if (parse_error_code(cut) != "truncated")
            other.push_back(len);
    }
    CHECK(other.empty());
}

TEST_CASE("bundle framing errors have stable codes", "[bundle]") {
    Bytes bundle = build_bundle(input(), release_key());
    SECTION("trailing bytes") {
        bundle.push_back(0);
        CHECK(parse_error_code(bundle) == "trailing_bytes");
    }
    SECTION("magic") {
        bundle[0] ^= 1;
        CHECK(parse_error_code(bundle) == "bad_magic");
    }
    SECTION("format") {
        bundle[offsetof(ReleaseManifest, rm_format)] = 2;
        CHECK(parse_error_code(bundle) == "bad_format");
    }
    SECTION("image count") {
        bundle[offsetof(ReleaseManifest, rm_image_count)] = 1;
        CHECK(parse_error_code(bundle) == "bad_format");
    }
    SECTION("entry for the wrong slot") {
        bundle[offsetof(ReleaseManifest, rm_images)] = 1;
        CHECK(parse_error_code(bundle) == "bad_format");
    }
    SECTION("image size above the limit") {
        ReleaseManifest m = manifest_of(bundle);
        m.rm_images[1].mi_size = proto::kMaxImageSize + 1;
        std::memcpy(bundle.data(), &m, kManifestSize);
        CHECK(parse_error_code(bundle) == "too_large");
    }
    SECTION("whole bundle above the limit") {
        bundle.resize(proto::kMaxBundleSize + 1);
        CHECK(parse_error_code(bundle) == "too_large");
    }
    SECTION("both slots at one address") {
        ReleaseManifest m = manifest_of(bundle);
        m.rm_images[1].mi_load_addr = m.rm_images[0].mi_load_addr;
        std::memcpy(bundle.data(), &m, kManifestSize);
        CHECK(parse_error_code(bundle) == "inconsistent");
    }
    SECTION("image boundaries moved") {
        // Sizes still add up, but each image is cut at the wrong place.
        ReleaseManifest m = manifest_of(bundle);
        m.rm_images[0].mi_size -= 4;
        m.rm_images[1].mi_size += 4;
        std::memcpy(bundle.data(), &m, kManifestSize);
        CHECK_THROWS_WITH(parse_bundle(bundle), Catch::Contains("slot A"));
        CHECK(parse_error_code(bundle) == "bad_image");
    }
}

TEST_CASE("build_bundle refuses both slots at one address", "[bundle]") {
    BundleInput in = input();
    in.load_addr[1] = in.load_addr[0];
    CHECK_THROWS_AS(build_bundle(in, release_key()), BundleError);
}

TEST_CASE("build_bundle refuses an app linked for the wrong slot", "[bundle]") {
    BundleInput in = input();
    std::swap(in.app[0], in.app[1]);
    CHECK_THROWS_AS(build_bundle(in, release_key()), ImageError);
}
