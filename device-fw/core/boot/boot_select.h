// The bootloader's decision: which slot to start, recorded in the boot log before the jump so
// a power cut or a crash in the started image counts as an attempt.
//  1. A pending image gets up to kMaxTrialAttempts trial boots, each checked in full first; a
//     failed check or the last attempt used up writes a rollback record with the reason.
//  2. Otherwise the confirmed slot (slot A on a factory-fresh device), checked in full.
//  3. If that fails too, the other slot when it holds a valid image at or above the
//     anti-rollback floor. If nothing is valid, nothing is started.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "boot/boot_log.h"
#include "image/image_check.h"

namespace ferry {

struct BootConfig {
    const Layout* layout;
    const TrustedKey* keys;
    size_t key_count;
};

struct BootDecision {
    int slot = -1;       // slot to start, -1 when no slot holds a bootable image
    bool trial = false;  // starting a pending image on trial
    ImageInfo image{};   // what was checked (vector table at load_addr + header size)
};

// Returns 0 with a decision (slot may be -1), or a negative error when the boot log could not
// be written (the caller retries after a reset).
int boot_select(const FlashPort& flash, BootLog& log, const BootConfig& cfg, BootDecision* out);

// The image check for one slot with the layout's expectations and the log's floor.
int boot_check_slot(const FlashPort& flash, const BootLog& log, const BootConfig& cfg, int slot,
                    ImageInfo* info, uint16_t* reason);

}  // namespace ferry
