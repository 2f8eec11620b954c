// Power cuts at every flash operation of a whole update and of every boot-state change, before,
// after and in the middle, on the F401xC, F401xE and WB55 layouts. After every cut the device
// must start a valid signed image and then finish the update. Zero bricks.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "device_fixture.h"
#include "release/image.h"

using namespace ferry;
using namespace ferry::test;

namespace {

struct SweepResult {
    uint64_t ops_without_cut = 0;
    uint64_t cuts = 0;
    uint64_t bricks = 0;
    uint64_t unfinished = 0;
};

uint64_t g_total_cuts = 0;

bool finished(DeviceSim& dev, const UpdateScript& script) {
    BootLog log = dev.open_log();
    const BootState& s = log.state();
    if (script.app_confirms) {
        return dev.running_slot == script.new_slot && s.has_confirmed && s.confirmed_slot == script.new_slot &&
               !s.confirm_unreported && !s.pending;
    }
    return dev.running_slot == 0 && !s.pending && !s.rollback_unreported && dev.reported;
}

// Runs power-ons until the update is done (or 40 boots); checks every started image.
bool run_to_end(DeviceSim& dev, const UpdateScript& script, uint64_t* bricks) {
    for (int boot = 0; boot < 40; ++boot) {
        RunOutcome r = dev.power_on(script);
        if (r == RunOutcome::bricked) {
            ++*bricks;
            return false;
        }
        if (r == RunOutcome::power_lost) dev.flash.power_on();
        if (r == RunOutcome::idle && finished(dev, script)) return true;
    }
    return false;
}

// Independent check, with the host's OpenSSL code, that the slot the bootloader started holds
// an image signed by the release key for that slot.
bool started_image_valid(DeviceSim& dev) {
    if (dev.running_slot < 0) return false;
    auto& mem = dev.flash.memory();
    uint32_t off = dev.layout.slot_base[dev.running_slot] - 0x08000000u;
    try {
        proto::ImageHeader h;
        std::memcpy(&h, mem.data() + off, sizeof h);
        if (h.ih_magic != proto::kImageMagic || h.ih_app_size > dev.layout.image_limit) return false;
        // The exact length comes from the trailer info.
        uint32_t tr = h.ih_header_size + h.ih_app_size;
        uint16_t tr_total = static_cast<uint16_t>(mem[off + tr + 2] | mem[off + tr + 3] << 8);
        Bytes image(mem.begin() + off, mem.begin() + off + tr + tr_total);
        release::verify_image(image, dev.images.key.public_key);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

enum class Scenario { update, rollback, second_update };

struct ScenarioSetup {
    std::vector<uint8_t> image_a;
    UpdateScript first;   // run without cuts before the swept part (second_update only)
    UpdateScript script;  // the swept part
};

ScenarioSetup setup_for(const DeviceSim& probe, Scenario sc) {
    const Layout& layout = probe.layout;
    size_t app_size = std::min<size_t>(24 * 1024, layout.image_limit - 1024);
    ScenarioSetup out;
    out.image_a = probe.images.build(layout, 0, "1.0.0", 1, app_size, 11);
    auto image_b = probe.images.build(layout, 1, "2.0.0", 2, app_size, 12);
    // 128-byte chunks: many small writes, so many places for a cut to land.
    out.first = UpdateScript{&layout, image_b, 1, 7, true, 128};
    out.script = out.first;
    if (sc == Scenario::rollback) out.script.app_confirms = false;
    if (sc == Scenario::second_update) {
        out.script = UpdateScript{&layout, probe.images.build(layout, 0, "3.0.0", 3, app_size, 13), 0, 8,
                                  true, 128};
    }
    return out;
}

// A device in the scenario's starting state; returns the op count at that point.
uint64_t prepare(DeviceSim& dev, const DeviceSim& probe, Scenario sc, const ScenarioSetup& setup) {
    dev.images = probe.images;
    dev.cfg.keys = &dev.images.trusted;
    dev.factory(setup.image_a);
    if (sc == Scenario::second_update) {
        uint64_t bricks = 0;
        REQUIRE(run_to_end(dev, setup.first, &bricks));
        dev.reported = false;  // the server moves on to the next release
    }
    return dev.flash.ops();
}

SweepResult sweep(host::Chip chip, Scenario sc, uint32_t seed) {
    SweepResult res;
    DeviceSim probe(chip, seed);
    ScenarioSetup setup = setup_for(probe, sc);
    const UpdateScript& script = setup.script;

    // A run without cuts counts the operations to cut at.
    uint64_t base = 0;
    {
        DeviceSim dev(chip, seed);
        base = prepare(dev, probe, sc, setup);
        uint64_t bricks = 0;
        REQUIRE(run_to_end(dev, script, &bricks));
        res.ops_without_cut = dev.flash.ops() - base;
    }
    const host::CutMode modes[] = {host::CutMode::before, host::CutMode::middle, host::CutMode::after};
    for (uint64_t op = 0; op < res.ops_without_cut; ++op) {
        for (int m = 0; m < 3; ++m) {
            DeviceSim dev(chip, seed + static_cast<uint32_t>(op * 3 + m));
            prepare(dev, probe, sc, setup);
            dev.flash.arm_cut(base + op, modes[m]);
            ++res.cuts;
            bool ok = true;
            for (int boot = 0; boot < 40 && ok; ++boot) {
                RunOutcome r = dev.power_on(script);
                if (r == RunOutcome::bricked || !started_image_valid(dev)) {
                    ++res.bricks;
                    ok = false;
                    break;
                }
                if (r == RunOutcome::power_lost) dev.flash.power_on();
                if (r == RunOutcome::idle && finished(dev, script)) break;
            }
            if (ok && !finished(dev, script)) {
                ++res.unfinished;
                UNSCOPED_INFO(host::chip_name(chip) << ": op " << op << " mode " << m << " did not finish");
            }
            CHECK(dev.flash.program_violations() == 0);
        }
    }
    g_total_cuts += res.cuts;
    return res;
}

void report(const char* what, host::Chip chip, const SweepResult& r) {
    std::printf("powercut %-13s %-7s: %5llu ops, %6llu cuts, %llu bricks, %llu unfinished\n", what,
                host::chip_name(chip), static_cast<unsigned long long>(r.ops_without_cut),
                static_cast<unsigned long long>(r.cuts), static_cast<unsigned long long>(r.bricks),
                static_cast<unsigned long long>(r.unfinished));
}

}  // namespace

TEST_CASE("power cut at every flash operation of an update, three layouts", "[powercut]") {
    for (host::Chip chip : {host::Chip::f401xc, host::Chip::f401xe, host::Chip::wb55}) {
        INFO(host::chip_name(chip));
        SweepResult r = sweep(chip, Scenario::update, 1);
        report("update", chip, r);
        CHECK(r.bricks == 0);
        CHECK(r.unfinished == 0);
    }
}

TEST_CASE("power cut at every flash operation of a rollback, three layouts", "[powercut]") {
    for (host::Chip chip : {host::Chip::f401xc, host::Chip::f401xe, host::Chip::wb55}) {
        INFO(host::chip_name(chip));
        SweepResult r = sweep(chip, Scenario::rollback, 2);
        report("rollback", chip, r);
        CHECK(r.bricks == 0);
        CHECK(r.unfinished == 0);
    }
}

TEST_CASE("power cut at every flash operation of a second update back to slot A", "[powercut]") {
    for (host::Chip chip : {host::Chip::f401xc, host::Chip::f401xe, host::Chip::wb55}) {
        INFO(host::chip_name(chip));
        SweepResult r = sweep(chip, Scenario::second_update, 3);
        report("second update", chip, r);
        CHECK(r.bricks == 0);
        CHECK(r.unfinished == 0);
    }
    std::printf("powercut total: %llu cuts, %s\n", static_cast<unsigned long long>(g_total_cuts),
                g_total_cuts >= 10000 ? "at least 10,000" : "FEWER THAN 10,000");
    CHECK(g_total_cuts >= 10000);
}

// Two cuts in one update: the second lands during the recovery from the first. Hidden from the
// default run (it takes minutes); `make powercut-deep` runs it.
TEST_CASE("two power cuts in one update, three layouts", "[.][powercut][powercut-deep]") {
    uint64_t cuts = 0, bricks = 0, unfinished = 0;
    const host::CutMode modes[] = {host::CutMode::before, host::CutMode::middle, host::CutMode::after};
    for (host::Chip chip : {host::Chip::f401xc, host::Chip::f401xe, host::Chip::wb55}) {
        DeviceSim probe(chip, 77);
        const Layout& layout = probe.layout;
        size_t app_size = std::min<size_t>(24 * 1024, layout.image_limit - 1024);
        auto image_a = probe.images.build(layout, 0, "1.0.0", 1, app_size, 11);
        auto image_b = probe.images.build(layout, 1, "2.0.0", 2, app_size, 12);
        UpdateScript script{&layout, image_b, 1, 7, true, 1024};
        uint64_t total = 0;
        {
            DeviceSim dev(chip, 77);
            dev.images = probe.images;
            dev.cfg.keys = &dev.images.trusted;
            dev.factory(image_a);
            REQUIRE(run_to_end(dev, script, &bricks));
            total = dev.flash.ops();
        }
        for (uint64_t first = 0; first < total; ++first) {
            for (uint64_t gap : {0, 1, 2, 3, 5, 8, 13, 30}) {
                for (int m = 0; m < 3; ++m) {
                    DeviceSim dev(chip, static_cast<uint32_t>(first * 31 + gap * 3 + m));
                    dev.images = probe.images;
                    dev.cfg.keys = &dev.images.trusted;
                    dev.factory(image_a);
                    dev.flash.arm_cut(first, host::CutMode::middle);
                    bool second_armed = false;
                    cuts += 2;
                    bool ok = true;
                    for (int boot = 0; boot < 60 && ok; ++boot) {
                        RunOutcome r = dev.power_on(script);
                        if (r == RunOutcome::bricked || !started_image_valid(dev)) {
                            ++bricks;
                            ok = false;
                            break;
                        }
                        if (r == RunOutcome::power_lost) {
                            dev.flash.power_on();
                            if (!second_armed) {
                                dev.flash.arm_cut(dev.flash.ops() + gap, modes[m]);
                                second_armed = true;
                            }
                        }
                        if (r == RunOutcome::idle && finished(dev, script)) break;
                    }
                    if (ok && !finished(dev, script)) ++unfinished;
                }
            }
        }
    }
    std::printf("powercut deep: %llu cuts, %llu bricks, %llu unfinished\n",
                static_cast<unsigned long long>(cuts), static_cast<unsigned long long>(bricks),
                static_cast<unsigned long long>(unfinished));
    CHECK(bricks == 0);
    CHECK(unfinished == 0);
}
