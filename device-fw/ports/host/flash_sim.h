// Host port: NOR flash simulated with the exact semantics the chips have, and power cuts.
//  - geometry of STM32F401xC, STM32F401xE or STM32WB55 (sector/page map, program unit)
//  - program: aligned, inside one sector, target erased, bits only go 1 -> 0; on ECC flash
//    (WB55) a programmed unit can never be programmed again
//  - erase: whole sectors, with an erase counter per sector (wear)
//  - power cut at any operation: before it, after it, or in the middle (a torn program leaves
//    random bits in the unit being written; a torn erase leaves the sector partly erased).
//    After a cut every operation fails until power_on().
//  - optionally backed by a file, written through, so a device survives process restarts.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "boot/layout.h"
#include "ferry/port.h"

namespace ferry::host {

enum class Chip { f401xc, f401xe, wb55 };
const FlashGeometry& geometry_of(Chip chip);
const char* chip_name(Chip chip);
const Layout& layout_of(Chip chip);  // the flash layout Ferry uses on that chip

enum class CutMode { before, middle, after };

class FlashSim {
public:
    FlashSim(Chip chip, uint32_t seed = 1, std::string backing_file = {});
    FlashPort port();

    // The operation with this index (0 = the next program/erase from now on counted from the
    // start of the simulation) is cut in the given way.
    void arm_cut(uint64_t op_index, CutMode mode);
    void disarm() { cut_armed_ = false; }
    bool powered() const { return powered_; }
    void power_on() { powered_ = true; }
    uint64_t ops() const { return ops_; }  // program + erase operations attempted while powered
    uint32_t erase_count(uint16_t sector) const { return erase_counts_[sector]; }
    uint64_t program_violations() const { return violations_; }  // refused re-programs

    std::vector<uint8_t>& memory() { return mem_; }
    const FlashGeometry& geometry() const { return *geom_; }
    // Writes bytes directly (factory programming), bypassing the rules and the counters.
    void factory_write(uint32_t addr, const std::vector<uint8_t>& bytes);

private:
    static int do_read(void* ctx, uint32_t addr, void* buf, size_t len);
    static int do_program(void* ctx, uint32_t addr, const void* data, size_t len);
    static int do_erase(void* ctx, uint16_t sector);
    int program(uint32_t addr, const uint8_t* data, size_t len);
    int erase(uint16_t sector);
    bool cut_now(CutMode* mode);  // counts the op; true when this op is the one to cut
    void persist(uint32_t offset, size_t len);

    const FlashGeometry* geom_;
    std::vector<uint8_t> mem_;
    std::vector<uint8_t> programmed_;  // per program unit, for program-once flash
    std::vector<uint32_t> erase_counts_;
    std::mt19937 rng_;
    std::string file_;
    uint64_t ops_ = 0;
    uint64_t violations_ = 0;
    bool powered_ = true;
    bool cut_armed_ = false;
    uint64_t cut_at_ = 0;
    CutMode cut_mode_ = CutMode::before;
};

}  // namespace ferry::host
