// Images that must never run, even when they reach the slot and are marked pending (a
// compromised server, a flipped bit, an old release): bad signature, foreign key, wrong
// hardware id, lower security counter. The bootloader rolls back with the reason and starts
// the confirmed image.
#include <catch2/catch.hpp>
#include <cstring>

#include "device_fixture.h"
#include "ferry/errors.h"
#include "ferry/proto/device_api.h"

using namespace ferry;
using namespace ferry::test;

namespace {

// Writes `image` into slot B as if downloaded, marks it pending, then boots.
BootDecision boot_with_pending(DeviceSim& dev, const std::vector<uint8_t>& image, BootLog& log) {
    dev.flash.factory_write(dev.layout.slot_base[1], image);
    REQUIRE(log.open(dev.flash.port(), dev.layout) == FERRY_OK);
    REQUIRE(log.append({kRecPending, 1, 0, 0, 9, 0, 0}) == FERRY_OK);
    BootDecision d;
    REQUIRE(boot_select(dev.flash.port(), log, dev.cfg, &d) == FERRY_OK);
    return d;
}

}  // namespace

TEST_CASE("bad signature, foreign key, wrong hardware, lower counter: never booted", "[boot]") {
    for (int variant = 0; variant < 4; ++variant) {
        DeviceSim dev(host::Chip::f401xe, 5);
        auto good_a = dev.images.build(dev.layout, 0, "1.0.0", 5, 8192, 1);
        dev.factory(good_a);
        // Slot A is confirmed with security counter 5.
        BootLog log;
        REQUIRE(log.open(dev.flash.port(), dev.layout) == FERRY_OK);
        REQUIRE(log.append({kRecConfirmed, 0, 0, 5, 0, 0, 0}) == FERRY_OK);
        REQUIRE(log.append({kRecReported, 0, 0, log.state().confirm_seq, 0, 0, 0}) == FERRY_OK);

        std::vector<uint8_t> bad;
        uint16_t expected = 0;
        if (variant == 0) {  // one flipped bit in the signature
            bad = dev.images.build(dev.layout, 1, "2.0.0", 6, 8192, 2);
            bad[bad.size() - 1] ^= 0x01;
            expected = proto::kReasonSignatureInvalid;
        } else if (variant == 1) {  // signed by a key the device does not trust
            SignedImages other;
            bad = other.build(dev.layout, 1, "2.0.0", 6, 8192, 2);
            expected = proto::kReasonKeyUnknown;
        } else if (variant == 2) {  // built for another board
            bad = dev.images.build(dev.layout, 1, "2.0.0", 6, 8192, 2, proto::kHwWB55);
            expected = proto::kReasonHardwareMismatch;
        } else {  // validly signed, but older than the confirmed image's counter
            bad = dev.images.build(dev.layout, 1, "0.9.0", 4, 8192, 2);
            expected = proto::kReasonSecurityCounterLower;
        }
        INFO("variant " << variant);
        BootDecision d = boot_with_pending(dev, bad, log);
        CHECK(d.slot == 0);
        CHECK_FALSE(d.trial);
        CHECK(log.state().rollback_unreported);
        CHECK(log.state().rollback_reason == expected);
        CHECK(log.state().rollback_release == 9);
        // And it stays that way on the next boots.
        BootLog again;
        REQUIRE(again.open(dev.flash.port(), dev.layout) == FERRY_OK);
        BootDecision d2;
        REQUIRE(boot_select(dev.flash.port(), again, dev.cfg, &d2) == FERRY_OK);
        CHECK(d2.slot == 0);
    }
}
