#include "test_support.h"

#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "api/device_auth.h"
#include "ferry/proto/image.h"
#include "release/bundle.h"

namespace ferry::test {

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ferry-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    if (std::getenv("FERRY_KEEP_TEST_DIRS")) return;  // for looking at logs after a failure
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

Bytes fake_app(uint32_t load_addr, size_t size, uint32_t seed) {
    std::mt19937 rng(seed);
    Bytes app(size);
    for (auto& b : app) b = static_cast<uint8_t>(rng());
    auto put = [&](size_t off, uint32_t v) {
        for (int i = 0; i < 4; ++i) app[off + i] = static_cast<uint8_t>(v >> (8 * i));
    };
    put(0, 0x20010000u);
    put(4, (load_addr + proto::kImageHeaderSize + 0x101u) | 1u);
    return app;
}

Bytes make_bundle(const crypto::Ed25519KeyPair& key, const std::string& version,
                  uint32_t security_counter, uint32_t hw_id, size_t app_size, uint32_t seed) {
    release::BundleInput in;
    in.hw_id = hw_id;
    in.security_counter = security_counter;
    in.version = parse_version(version).value();
    const proto::SlotLayout* layout = proto::find_layout(hw_id);
    if (!layout) layout = proto::find_layout(proto::kHwF401xE);  // custom ids: the F401xE map
    for (int s = 0; s < 2; ++s) {
        in.load_addr[s] = layout->slot_base[s];
        in.app[s] = fake_app(in.load_addr[s], app_size, seed * 2 + s);
    }
    return release::build_bundle(in, key);
}

std::string poll_target(const PollParams& p, const Bytes& secret) {
    std::string t = "/p?d=" + p.device + "&n=" + std::to_string(p.counter) + "&v=" + p.version +
                    "&s=" + std::to_string(p.slot) + "&k=" + std::to_string(p.security_counter) +
                    "&b=" + std::to_string(p.boot_state);
    if (p.event) t += "&e=" + std::to_string(p.event);
    if (p.release) t += "&r=" + std::to_string(*p.release);
    if (p.progress) t += "&p=" + std::to_string(*p.progress);
    if (p.reason) t += "&c=" + std::to_string(p.reason);
    return t + "&m=" + api::device_mac_hex(secret, t);
}

std::map<std::string, std::string> parse_poll_answer(const std::string& body, const Bytes& secret,
                                                     uint64_t counter) {
    size_t m = body.rfind("m=");
    if (m == std::string::npos || (m > 0 && body[m - 1] != '\n') || body.back() != '\n') {
        throw std::runtime_error("answer has no trailing m= line: " + body);
    }
    std::string mac = body.substr(m + 2, body.size() - m - 3);
    if (mac != api::response_mac_hex(secret, counter, body.substr(0, m))) {
        throw std::runtime_error("answer MAC does not verify");
    }
    std::map<std::string, std::string> out;
    size_t pos = 0;
    while (pos < m) {
        size_t nl = body.find('\n', pos);
        std::string line = body.substr(pos, nl - pos);
        size_t eq = line.find('=');
        if (eq == std::string::npos) throw std::runtime_error("bad line: " + line);
        out[line.substr(0, eq)] = line.substr(eq + 1);
        pos = nl + 1;
    }
    return out;
}

}  // namespace ferry::test
