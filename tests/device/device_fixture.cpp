#include "device_fixture.h"

#include <cstring>

#include "ferry/errors.h"
#include "release/image.h"
#include "test_support.h"

namespace ferry::test {

SignedImages::SignedImages() : key(crypto::ed25519_generate()) {
    auto id = crypto::key_id(key.public_key);
    std::memcpy(trusted.key_id, id.data(), id.size());
    std::memcpy(trusted.public_key, key.public_key.data(), 32);
}

std::vector<uint8_t> SignedImages::build(const Layout& layout, int slot, const std::string& version,
                                         uint32_t security_counter, size_t app_size, uint32_t seed,
                                         uint32_t hw_id) const {
    uint32_t base = layout.slot_base[slot];
    Bytes app = fake_app(base, app_size, seed);
    release::ImageParams p;
    p.hw_id = hw_id ? hw_id : layout.hw_id;
    p.slot = static_cast<proto::Slot>(slot);
    p.load_addr = base;
    p.security_counter = security_counter;
    p.version = parse_version(version).value();
    return release::build_image(p, app, key);
}

DeviceSim::DeviceSim(host::Chip chip, uint32_t seed)
    : flash(chip, seed), layout(host::layout_of(chip)), cfg{&layout, &images.trusted, 1} {}

void DeviceSim::factory(const std::vector<uint8_t>& image_a) {
    flash.factory_write(layout.slot_base[0], image_a);
}

BootLog DeviceSim::open_log() {
    BootLog log;
    log.open(flash.port(), layout);
    return log;
}

RunOutcome DeviceSim::power_on(const UpdateScript& script) {
    ++boots;
    FlashPort port = flash.port();
    BootLog log;
    if (log.open(port, layout) != FERRY_OK) return RunOutcome::power_lost;
    BootDecision d;
    if (boot_select(port, log, cfg, &d) != FERRY_OK) return RunOutcome::power_lost;
    if (d.slot < 0) return RunOutcome::bricked;
    running_slot = d.slot;
    running_trial = d.trial;

    // --- the application from here on ---
    if (d.trial) {
        if (!script.app_confirms) return RunOutcome::rebooted;  // self-test fails: watchdog reset
        // Checked in with the server (simulated), so it confirms.
        if (log.append({kRecConfirmed, static_cast<uint8_t>(d.slot), 0,
                        d.image.header.ih_security_counter, 0, 0, 0}) != FERRY_OK) {
            return RunOutcome::power_lost;
        }
    }
    const BootState& s = log.state();
    if (s.confirm_unreported || s.rollback_unreported) {
        uint32_t seq = s.rollback_unreported ? s.rollback_seq : s.confirm_seq;
        if (log.append({kRecReported, 0, 0, seq, 0, 0, 0}) != FERRY_OK) return RunOutcome::power_lost;
        reported = true;
        return RunOutcome::idle;
    }
    if (reported || d.slot == script.new_slot) return RunOutcome::idle;  // nothing left to do

    // The server offers the new image for the inactive slot: download it, resumably.
    Installer installer(port, log, cfg);
    InstallTarget t{static_cast<uint8_t>(script.new_slot), script.release_id,
                    static_cast<uint32_t>(script.new_image.size()), {}};
    auto sha = crypto::sha256(Bytes(script.new_image));
    std::memcpy(t.sha_prefix, sha.data(), 8);
    int32_t at = installer.prepare(t);
    if (at < 0) return RunOutcome::power_lost;
    for (size_t off = static_cast<size_t>(at); off < script.new_image.size(); off += script.chunk) {
        size_t n = std::min(script.chunk, script.new_image.size() - off);
        if (installer.write(static_cast<uint32_t>(off), script.new_image.data() + off, n) != FERRY_OK) {
            return RunOutcome::power_lost;
        }
    }
    uint16_t reason = 0;
    ImageInfo info;
    if (installer.finish(&reason, &info) != FERRY_OK) return RunOutcome::power_lost;
    return RunOutcome::rebooted;
}

}  // namespace ferry::test
