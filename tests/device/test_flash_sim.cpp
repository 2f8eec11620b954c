// The host flash behaves like the chips: geometry, erase before program, program units,
// ECC program-once, and the three kinds of power cut.
#include <catch2/catch.hpp>
#include <cstring>

#include "ferry/errors.h"
#include "flash/flash_ops.h"
#include "flash_sim.h"

using namespace ferry;
using namespace ferry::host;

TEST_CASE("geometries match the reference manuals", "[flash]") {
    CHECK(flash_end(geometry_of(Chip::f401xc)) == 0x08040000u);
    CHECK(flash_end(geometry_of(Chip::f401xe)) == 0x08080000u);
    CHECK(flash_end(geometry_of(Chip::wb55)) == 0x08100000u);
    uint16_t s;
    uint32_t start, size;
    REQUIRE(flash_sector_at(geometry_of(Chip::f401xe), 0x08040000u, &s, &start, &size) == FERRY_OK);
    CHECK(s == 6);
    CHECK(size == 131072u);
    REQUIRE(flash_sector_at(geometry_of(Chip::f401xe), 0x0800C000u, &s, &start, &size) == FERRY_OK);
    CHECK(s == 3);
    CHECK(flash_sector_at(geometry_of(Chip::f401xc), 0x08040000u, &s, &start, &size) == FERRY_ERR_INVALID);
}

TEST_CASE("program needs alignment, an erased target, and stays in one sector", "[flash]") {
    FlashSim sim(Chip::f401xe);
    FlashPort f = sim.port();
    uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(f.program(f.ctx, 0x08004002u, data, 4) == FERRY_ERR_INVALID);  // unaligned
    CHECK(f.program(f.ctx, 0x08004000u, data, 3) == FERRY_ERR_INVALID);  // partial unit
    CHECK(f.program(f.ctx, 0x08007FFCu, data, 8) == FERRY_ERR_INVALID);  // crosses a sector
    REQUIRE(f.program(f.ctx, 0x08004000u, data, 8) == FERRY_OK);
    CHECK(f.program(f.ctx, 0x08004000u, data, 4) == FERRY_ERR_INVALID);  // not erased
    CHECK(sim.program_violations() == 1);
    uint8_t back[8];
    REQUIRE(f.read(f.ctx, 0x08004000u, back, 8) == FERRY_OK);
    CHECK(std::memcmp(back, data, 8) == 0);
    REQUIRE(f.erase(f.ctx, 1) == FERRY_OK);
    CHECK(sim.erase_count(1) == 1);
    CHECK(flash_is_erased(f, 0x08004000u, 16384));
}

TEST_CASE("WB55: 8-byte units, and a programmed unit is never programmed again", "[flash]") {
    FlashSim sim(Chip::wb55);
    FlashPort f = sim.port();
    uint8_t ff[8];
    std::memset(ff, 0xFF, 8);
    CHECK(f.program(f.ctx, 0x08004000u, ff, 4) == FERRY_ERR_INVALID);
    REQUIRE(f.program(f.ctx, 0x08004000u, ff, 8) == FERRY_OK);  // programmed as all 0xFF...
    CHECK(f.program(f.ctx, 0x08004000u, ff, 8) == FERRY_ERR_INVALID);  // ...is still programmed
}

TEST_CASE("power cuts: before leaves nothing, after leaves all, middle tears", "[flash]") {
    uint8_t data[64];
    for (int i = 0; i < 64; ++i) data[i] = static_cast<uint8_t>(i);
    for (CutMode mode : {CutMode::before, CutMode::middle, CutMode::after}) {
        FlashSim sim(Chip::f401xe, 3);
        FlashPort f = sim.port();
        sim.arm_cut(0, mode);
        CHECK(f.program(f.ctx, 0x08004000u, data, 64) == FERRY_ERR_IO);
        CHECK_FALSE(sim.powered());
        uint8_t back[64];
        CHECK(f.read(f.ctx, 0x08004000u, back, 64) == FERRY_ERR_IO);  // no power, no flash
        sim.power_on();
        REQUIRE(f.read(f.ctx, 0x08004000u, back, 64) == FERRY_OK);
        if (mode == CutMode::before) CHECK(flash_is_erased(f, 0x08004000u, 64));
        if (mode == CutMode::after) CHECK(std::memcmp(back, data, 64) == 0);
        if (mode == CutMode::middle) {
            CHECK(std::memcmp(back, data, 64) != 0);
            CHECK_FALSE(flash_is_erased(f, 0x08004000u, 64));
        }
    }
    FlashSim sim(Chip::f401xe, 5);
    FlashPort f = sim.port();
    std::vector<uint8_t> zeros(16384, 0);
    sim.factory_write(0x08004000u, zeros);
    sim.arm_cut(0, CutMode::middle);
    CHECK(f.erase(f.ctx, 1) == FERRY_ERR_IO);
    sim.power_on();
    CHECK_FALSE(flash_is_erased(f, 0x08004000u, 16384));  // partly erased
    size_t erased = 0;
    for (size_t i = 0; i < 16384; ++i) erased += sim.memory()[0x4000 + i] == 0xFF;
    CHECK(erased > 0);
    CHECK(erased < 16384);
}
