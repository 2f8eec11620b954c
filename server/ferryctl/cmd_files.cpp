// Offline commands: keygen, sign, inspect, verify. They never talk to a server: the release key
// stays on the operator's machine.
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "api/validate.h"
#include "common/crypto.h"
#include "ferryctl/cli.h"
#include "release/bundle.h"
#include "release/firmware_input.h"

namespace ferry::ctl {
namespace {

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

uint32_t parse_addr(const std::string& text, const char* what) {
    auto v = api::parse_hw_id(text);  // same number grammar: decimal or 0x hex
    if (!v || text.rfind("0x", 0) != 0) throw CliError(2, std::string(what) + " must be 0x-hex");
    return *v;
}

Bytes read_or_fail(const std::string& path) {
    try {
        return read_file(path);
    } catch (const std::exception& e) {
        throw CliError(1, e.what());
    }
}

std::vector<release::TrustedKey> read_public_keys(const Args& args) {
    std::vector<release::TrustedKey> keys;
    for (const std::string& f : args.all("pubkey")) {
        Bytes pem = read_or_fail(f);
        try {
            keys.push_back({f, crypto::ed25519_public_from_pem(as_chars(pem))});
        } catch (const std::exception& e) {
            throw CliError(1, f + ": " + e.what());
        }
    }
    if (keys.empty()) throw CliError(2, "--pubkey FILE is required (repeatable)");
    return keys;
}

uint32_t read_u32le(const Bytes& b) {
    return b.size() < 4 ? 0 : uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
}

void print_image(const release::ParsedImage& img, const char* indent) {
    const auto& h = img.header;
    std::printf("%sslot:             %s\n", indent, h.ih_slot == 0 ? "A" : "B");
    std::printf("%sload address:     %s (application at %s)\n", indent, hex32(h.ih_load_addr).c_str(),
                hex32(h.ih_load_addr + h.ih_header_size).c_str());
    std::printf("%sversion:          %s\n", indent, img.version().str().c_str());
    std::printf("%ssecurity counter: %u\n", indent, h.ih_security_counter);
    std::printf("%shardware:         %s\n", indent, api::hw_id_name(h.ih_hw_id).c_str());
    std::printf("%sapplication:      %u bytes\n", indent, h.ih_app_size);
    std::printf("%sSHA-256:          %s\n", indent, hex_encode(img.computed_sha256.data(), 32).c_str());
    if (img.key_id) std::printf("%skey id:           %s\n", indent, hex_encode(img.key_id->data(), 8).c_str());
}

}  // namespace

int cmd_keygen(const Args& args) {
    args.only({"out", "force"});
    std::string base = args.get("out").value_or("release");
    std::string priv = base + ".key";
    std::string pub = base + ".pub";
    if (!args.has("force") && (std::filesystem::exists(priv) || std::filesystem::exists(pub))) {
        throw CliError(1, priv + " or " + pub + " exists; refusing to overwrite (use --force)");
    }
    auto key = crypto::ed25519_generate();
    std::string priv_pem = crypto::ed25519_private_to_pem(key);
    std::string pub_pem = crypto::ed25519_public_to_pem(key.public_key);
    write_file_atomic(priv, reinterpret_cast<const uint8_t*>(priv_pem.data()), priv_pem.size(), 0600);
    write_file_atomic(pub, reinterpret_cast<const uint8_t*>(pub_pem.data()), pub_pem.size(), 0644);
    auto id = crypto::key_id(key.public_key);
    std::printf("release signing key: %s (keep it offline, mode 0600)\n", priv.c_str());
    std::printf("public key:          %s (install on ferryd and in device firmware)\n", pub.c_str());
    std::printf("key id:              %s\n", hex_encode(id.data(), id.size()).c_str());
    return 0;
}

int cmd_sign(const Args& args) {
    args.only({"key", "version", "security-counter", "hw", "slot-a", "slot-b", "slot-a-addr",
               "slot-b-addr", "out"});
    Bytes key_pem = read_or_fail(args.need("key"));
    crypto::Ed25519KeyPair key;
    try {
        key = crypto::ed25519_private_from_pem(as_chars(key_pem));
    } catch (const std::exception& e) {
        throw CliError(1, args.need("key") + ": " + e.what());
    }
    release::BundleInput in;
    auto version = parse_version(args.need("version"));
    if (!version) throw CliError(2, "--version must look like 1.2.3 or 1.2.3+45");
    in.version = *version;
    auto counter = api::parse_u32(args.need("security-counter"));
    if (!counter) throw CliError(2, "--security-counter must be a number");
    in.security_counter = *counter;
    auto hw = api::parse_hw_id(args.need("hw"));
    if (!hw) throw CliError(2, "--hw must be a board name (f401xc, f401xe, wb55, qemu-netduinoplus2) or a number");
    in.hw_id = *hw;
    const proto::SlotLayout* layout = proto::find_layout(in.hw_id);

    const char* slot_flag[2] = {"slot-a", "slot-b"};
    const char* addr_flag[2] = {"slot-a-addr", "slot-b-addr"};
    for (int s = 0; s < 2; ++s) {
        std::optional<uint32_t> base;
        if (auto a = args.get(addr_flag[s])) base = parse_addr(*a, addr_flag[s]);
        if (!base && layout) base = layout->slot_base[s];
        std::optional<uint32_t> bin_base;
        if (base) bin_base = *base + proto::kImageHeaderSize;
        release::Firmware fw;
        try {
            fw = release::load_firmware(args.need(slot_flag[s]), bin_base);
        } catch (const release::FirmwareError& e) {
            throw CliError(1, e.what());
        }
        uint32_t load = fw.base_addr - proto::kImageHeaderSize;
        if (base && load != *base) {
            throw CliError(1, args.need(slot_flag[s]) + " is linked at " + hex32(fw.base_addr) +
                                  ", but slot " + (s == 0 ? "A" : "B") + " needs its application at " +
                                  hex32(*base + proto::kImageHeaderSize) +
                                  " (link it for that slot: the image runs in place)");
        }
        in.load_addr[s] = load;
        in.app[s] = std::move(fw.data);
    }
    Bytes bundle;
    try {
        bundle = release::build_bundle(in, key);
    } catch (const std::exception& e) {
        throw CliError(1, e.what());
    }
    std::string out = args.get("out").value_or("release-" + in.version.str() + ".fbundle");
    write_file_atomic(out, bundle.data(), bundle.size(), 0644);
    release::ParsedBundle parsed = release::parse_bundle(bundle);
    std::printf("wrote %s: %s for %s, security counter %u, %zu bytes (image A %u, image B %u)\n",
                out.c_str(), in.version.str().c_str(), api::hw_id_name(in.hw_id).c_str(),
                in.security_counter, bundle.size(), parsed.manifest.rm_images[0].mi_size,
                parsed.manifest.rm_images[1].mi_size);
    return 0;
}

int cmd_inspect(const Args& args) {
    args.only({});
    std::string path = args.positional_at(0, "FILE (a bundle or an image)");
    Bytes data = read_or_fail(path);
    uint32_t magic = read_u32le(data);
    try {
        if (magic == proto::kManifestMagic) {
            release::ParsedBundle b = release::parse_bundle(data);
            const auto& m = b.manifest;
            std::printf("release bundle %s (%zu bytes)\n", path.c_str(), data.size());
            std::printf("  version:          %s\n", b.version().str().c_str());
            std::printf("  security counter: %u\n", m.rm_security_counter);
            std::printf("  hardware:         %s\n", api::hw_id_name(m.rm_hw_id).c_str());
            auto kid = b.key_id();
            std::printf("  signed by key id: %s\n", hex_encode(kid.data(), kid.size()).c_str());
            for (int s = 0; s < 2; ++s) {
                std::printf("  image %s: %u bytes, SHA-256 %s\n", s == 0 ? "A" : "B", m.rm_images[s].mi_size,
                            hex_encode(m.rm_images[s].mi_sha256, 32).c_str());
                print_image(b.parsed[s], "    ");
            }
        } else if (magic == proto::kImageMagic) {
            release::ParsedImage img = release::parse_image(data);
            std::printf("image %s (%zu bytes)\n", path.c_str(), data.size());
            print_image(img, "  ");
        } else {
            throw CliError(3, path + " is neither a Ferry bundle nor a Ferry image (magic " + hex32(magic) + ")");
        }
    } catch (const release::BundleError& e) {
        throw CliError(3, path + ": " + e.what());
    } catch (const release::ImageError& e) {
        throw CliError(3, path + ": " + e.what());
    }
    return 0;
}

int cmd_extract(const Args& args) {
    args.only({"slot", "out"});
    std::string path = args.positional_at(0, "BUNDLE");
    std::string slot = args.need("slot");
    if (slot != "a" && slot != "b") throw CliError(2, "--slot is a or b");
    Bytes data = read_or_fail(path);
    try {
        release::ParsedBundle b = release::parse_bundle(data);
        const Bytes& image = b.images[slot == "a" ? 0 : 1];
        std::string out = args.need("out");
        write_file_atomic(out, image.data(), image.size(), 0644);
        std::printf("wrote %s: image %s of %s, %zu bytes\n", out.c_str(), slot == "a" ? "A" : "B",
                    b.version().str().c_str(), image.size());
    } catch (const release::BundleError& e) {
        throw CliError(3, path + ": " + e.what());
    }
    return 0;
}

int cmd_verify(const Args& args) {
    args.only({"pubkey"});
    std::string path = args.positional_at(0, "FILE (a bundle or an image)");
    Bytes data = read_or_fail(path);
    auto keys = read_public_keys(args);
    try {
        if (read_u32le(data) == proto::kManifestMagic) {
            size_t idx = 0;
            auto b = release::verify_bundle(data, keys, &idx);
            std::printf("OK: bundle %s %s, manifest and both images signed by %s\n", path.c_str(),
                        b.version().str().c_str(), keys[idx].name.c_str());
            return 0;
        }
        std::string last_error = "no key given";
        for (const auto& k : keys) {
            try {
                auto img = release::verify_image(data, k.public_key);
                std::printf("OK: image %s %s (slot %s) signed by %s\n", path.c_str(),
                            img.version().str().c_str(), img.header.ih_slot == 0 ? "A" : "B", k.name.c_str());
                return 0;
            } catch (const release::ImageError& e) {
                last_error = e.what();
            }
        }
        throw CliError(3, path + ": " + last_error);
    } catch (const release::BundleError& e) {
        throw CliError(3, path + ": " + e.code + ": " + e.what());
    }
}

}  // namespace ferry::ctl
