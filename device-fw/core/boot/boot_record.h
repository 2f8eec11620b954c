// Boot-state records: 32 bytes each, written once, never rewritten (ECC flash forbids it and a
// torn rewrite could lose the state). A record counts only if its magic and CRC check out, so
// a record torn by a power cut is simply not there.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ferry {

inline constexpr uint16_t kBootRecordMagic = 0xB007;
inline constexpr uint32_t kBootRecordSize = 32;

enum BootRecordType : uint8_t {
    kRecAreaHeader = 1,     // first record of a state area: a = generation
    kRecInstallBegin = 2,   // slot erased, download starts: a = release id, b = image size,
                            // c..d = first 8 bytes of the image SHA-256 (which image)
    kRecInstallProgress = 3,  // a = bytes of the image written and read back so far
    kRecPending = 4,        // image complete and verified: a = security counter, b = release id
    kRecTrial = 5,          // the bootloader is about to start the pending slot (one attempt)
    kRecConfirmed = 6,      // the application checked in from this slot: a = counter, b = release
    kRecRollback = 7,       // the pending slot was given up: a = proto::Reason, b = release id
    kRecReported = 8,       // the agent told the server about record sequence a
    kRecInstallAbandon = 9, // the written image failed its check: a = proto::Reason
    kRecCounter = 10,       // poll counter high-water mark: a = low word, b = high word
};

struct BootRecord {
    uint8_t type;
    uint8_t slot;
    uint32_t seq;  // increases with every record, across areas
    uint32_t a, b, c, d;
};

// 32 bytes: magic u16, type u8, slot u8, seq u32, a..d u32, reserved u32 x2 (0), crc32 u32 of
// the first 28 bytes. Little-endian.
void boot_record_encode(const BootRecord& r, uint8_t out[kBootRecordSize]);
// False when magic or CRC do not check out (torn, erased or foreign bytes).
bool boot_record_decode(const uint8_t in[kBootRecordSize], BootRecord* r);

uint32_t crc32(const uint8_t* data, size_t len);

}  // namespace ferry
