// Reads an application build (.bin, .hex or .elf) into one contiguous span of flash bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/bytes.h"

namespace ferry::release {

struct FirmwareError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Firmware {
    uint32_t base_addr = 0;  // flash address of data[0] (the application's vector table)
    Bytes data;              // gaps between segments/records filled with 0xFF
    std::string format;      // "bin" | "hex" | "elf"
};

// Format by content: ELF magic, Intel HEX (':' records), else raw binary. A raw binary has no
// address, so `bin_base` must be given for it (it is ignored for .hex and .elf).
// Throws FirmwareError with a message naming the file and the problem (bad checksum at line N,
// not a 32-bit little-endian ARM ELF, no loadable segment, overlapping records, ...).
Firmware load_firmware(const std::string& path, std::optional<uint32_t> bin_base);
Firmware parse_firmware(const Bytes& content, const std::string& name,
                        std::optional<uint32_t> bin_base);

}  // namespace ferry::release
