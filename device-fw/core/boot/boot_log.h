// The boot state as a log of write-once records in two flash areas used in turn.
//  - Records are appended after the last used place; a torn record is skipped, never reused.
//  - When an area is full, the current state is written as a few records into the other area
//    (erased first), and only then that area's header with the next generation: a power cut
//    anywhere leaves either the old area or the new one complete and in charge.
// Linked by both the bootloader and the application (the agent's view of boot state).
#pragma once

#include <stdint.h>

#include "boot/boot_record.h"
#include "boot/layout.h"
#include "ferry/port.h"

namespace ferry {

inline constexpr uint8_t kMaxTrialAttempts = 3;

struct BootState {
    bool has_confirmed = false;  // false on a factory-fresh device: slot A is taken as confirmed
    uint8_t confirmed_slot = 0;
    uint32_t min_security_counter = 0;  // anti-rollback floor: the confirmed image's counter

    bool installing = false;  // a download into install_slot is under way
    uint8_t install_slot = 0;
    uint32_t install_release = 0;
    uint32_t install_size = 0;
    uint32_t install_sha_prefix[2] = {0, 0};
    uint32_t install_progress = 0;  // bytes written and read back

    bool pending = false;  // a complete, verified image waits for its trial boots
    uint8_t pending_slot = 0;
    uint32_t pending_security_counter = 0;
    uint32_t pending_release = 0;
    uint8_t attempts = 0;

    // Outcomes the server has not heard of yet (the agent reports, then records kRecReported).
    bool rollback_unreported = false;
    uint8_t rollback_slot = 0;
    uint32_t rollback_reason = 0;
    uint32_t rollback_seq = 0;
    uint32_t rollback_release = 0;
    bool confirm_unreported = false;
    uint32_t confirm_seq = 0;
    uint32_t confirm_release = 0;

    // Poll counters below this were (or may have been) used: the replay guard's memory.
    uint64_t poll_counter = 0;
};

class BootLog {
public:
    // Scans both areas and rebuilds the state. Never writes. FERRY_ERR_IO if flash fails.
    int open(const FlashPort& flash, const Layout& layout);
    const BootState& state() const { return state_; }

    // Appends one record (its seq is assigned here) and applies it to the state. Compacts into
    // the other area first when this one is full. Returns 0 or a negative error; after an
    // error the state in memory may be behind the flash: open() again to be exact.
    int append(BootRecord record);

    uint32_t generation() const { return generation_; }
    uint32_t records_in_area() const { return next_index_; }

private:
    int start_area(int area, uint32_t generation);
    int write_at(int area, uint32_t index, BootRecord& r);
    int compact();
    uint32_t capacity() const;
    uint32_t area_addr(int area, uint32_t index) const;

    FlashPort flash_{};
    const Layout* layout_ = nullptr;
    BootState state_;
    int active_ = -1;  // -1: no valid area yet (fresh device)
    uint32_t generation_ = 0;
    uint32_t next_index_ = 0;  // next record place in the active area
    uint32_t next_seq_ = 1;
};

// Applies one record to a state (the rules of the log, in one place).
void boot_state_apply(BootState& s, const BootRecord& r);

}  // namespace ferry
