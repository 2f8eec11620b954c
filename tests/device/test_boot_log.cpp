// The boot log: records survive reopening, torn records are skipped and never reused, a full
// area is compacted into the other, and the state rules hold.
#include <catch2/catch.hpp>
#include <cstring>

#include "boot/boot_log.h"
#include "ferry/errors.h"
#include "flash_sim.h"

using namespace ferry;
using namespace ferry::host;

TEST_CASE("records encode, decode and refuse any flipped bit", "[bootlog]") {
    BootRecord r{kRecConfirmed, 1, 42, 7, 8, 9, 10};
    uint8_t raw[kBootRecordSize];
    boot_record_encode(r, raw);
    BootRecord back;
    REQUIRE(boot_record_decode(raw, &back));
    CHECK(back.type == kRecConfirmed);
    CHECK(back.seq == 42);
    CHECK(back.d == 10);
    for (size_t bit = 0; bit < kBootRecordSize * 8; ++bit) {
        uint8_t bad[kBootRecordSize];
        std::memcpy(bad, raw, sizeof bad);
        bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        if (bit / 8 >= 24 && bit / 8 < 28) continue;  // reserved bytes are under the CRC too
        CHECK_FALSE(boot_record_decode(bad, &back));
    }
    CHECK(crc32(reinterpret_cast<const uint8_t*>("123456789"), 9) == 0xCBF43926u);
}

TEST_CASE("state survives reopening and follows the rules", "[bootlog]") {
    FlashSim sim(Chip::f401xe);
    BootLog log;
    REQUIRE(log.open(sim.port(), kLayoutF401xE) == FERRY_OK);
    CHECK_FALSE(log.state().has_confirmed);
    REQUIRE(log.append({kRecInstallBegin, 1, 0, 9, 1000, 1, 2}) == FERRY_OK);
    REQUIRE(log.append({kRecInstallProgress, 1, 0, 512, 0, 0, 0}) == FERRY_OK);
    REQUIRE(log.append({kRecPending, 1, 0, 5, 0, 0, 0}) == FERRY_OK);
    REQUIRE(log.append({kRecTrial, 1, 0, 0, 0, 0, 0}) == FERRY_OK);
    BootLog again;
    REQUIRE(again.open(sim.port(), kLayoutF401xE) == FERRY_OK);
    CHECK(again.state().pending);
    CHECK(again.state().attempts == 1);
    CHECK_FALSE(again.state().installing);
    REQUIRE(again.append({kRecConfirmed, 1, 0, 5, 0, 0, 0}) == FERRY_OK);
    CHECK(again.state().min_security_counter == 5);
    CHECK(again.state().confirmed_slot == 1);
    CHECK_FALSE(again.state().pending);
    CHECK(again.state().confirm_unreported);
    REQUIRE(again.append({kRecReported, 0, 0, again.state().confirm_seq, 0, 0, 0}) == FERRY_OK);
    CHECK_FALSE(again.state().confirm_unreported);
}

TEST_CASE("a torn record is skipped and its place is not reused", "[bootlog]") {
    FlashSim sim(Chip::wb55, 9);
    BootLog log;
    REQUIRE(log.open(sim.port(), kLayoutWB55) == FERRY_OK);
    REQUIRE(log.append({kRecConfirmed, 0, 0, 1, 0, 0, 0}) == FERRY_OK);
    uint64_t next_op = sim.ops();
    sim.arm_cut(next_op, CutMode::middle);
    CHECK(log.append({kRecPending, 1, 0, 2, 0, 0, 0}) == FERRY_ERR_IO);
    sim.power_on();
    BootLog again;
    REQUIRE(again.open(sim.port(), kLayoutWB55) == FERRY_OK);
    CHECK_FALSE(again.state().pending);  // the torn record does not count
    REQUIRE(again.append({kRecPending, 1, 0, 2, 0, 0, 0}) == FERRY_OK);
    CHECK(again.state().pending);
    CHECK(sim.program_violations() == 0);
}

TEST_CASE("a full area is compacted into the other with the state intact", "[bootlog]") {
    FlashSim sim(Chip::wb55);
    BootLog log;
    REQUIRE(log.open(sim.port(), kLayoutWB55) == FERRY_OK);
    REQUIRE(log.append({kRecConfirmed, 0, 0, 3, 0, 0, 0}) == FERRY_OK);
    REQUIRE(log.append({kRecRollback, 1, 0, 7, 0, 0, 0}) == FERRY_OK);
    const uint32_t capacity = kLayoutWB55.state_area_size / kBootRecordSize;
    for (uint32_t i = 0; i < 3 * capacity; ++i) {
        REQUIRE(log.append({kRecInstallBegin, 1, 0, i, 4096, 0, 0}) == FERRY_OK);
    }
    CHECK(log.generation() >= 4);
    BootLog again;
    REQUIRE(again.open(sim.port(), kLayoutWB55) == FERRY_OK);
    CHECK(again.state().has_confirmed);
    CHECK(again.state().min_security_counter == 3);
    CHECK(again.state().rollback_unreported);
    CHECK(again.state().rollback_reason == 7);
    CHECK(again.state().installing);
    CHECK(again.state().install_release == 3 * capacity - 1);
    CHECK(sim.program_violations() == 0);
}
