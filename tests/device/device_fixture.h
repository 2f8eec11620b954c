// A simulated device for tests: flash with power cuts, signed images built by the host tools,
// and the bootloader and installer from device-fw/core running on that flash.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/installer.h"
#include "boot/boot_log.h"
#include "boot/boot_select.h"
#include "common/crypto.h"
#include "flash_sim.h"

namespace ferry::test {

struct SignedImages {
    crypto::Ed25519KeyPair key;
    TrustedKey trusted;
    // Image files (header + app + trailer) by version name, per slot.
    std::vector<uint8_t> build(const Layout& layout, int slot, const std::string& version,
                               uint32_t security_counter, size_t app_size, uint32_t seed,
                               uint32_t hw_id = 0) const;
    SignedImages();
};

// Result of one power-on: what the bootloader chose and what the application did.
enum class RunOutcome { power_lost, rebooted, idle, bricked };

// The device side of one update, written to be re-entered after any power cut: every step
// looks at the boot log to know where it is.
struct UpdateScript {
    const Layout* layout;
    std::vector<uint8_t> new_image;  // for the inactive slot (slot B from a factory slot A)
    int new_slot = 1;
    uint32_t release_id = 7;
    bool app_confirms = true;  // false: the new application fails its self-test
    size_t chunk = 1024;
};

struct DeviceSim {
    host::FlashSim flash;
    const Layout& layout;
    SignedImages images;
    BootConfig cfg;
    int running_slot = -1;
    bool running_trial = false;
    bool reported = false;
    uint32_t boots = 0;

    DeviceSim(host::Chip chip, uint32_t seed);
    // Factory: a valid image in slot A, nothing else.
    void factory(const std::vector<uint8_t>& image_a);
    // One power-on: bootloader, then the application's part of the script.
    RunOutcome power_on(const UpdateScript& script);
    BootLog open_log();
};

}  // namespace ferry::test
