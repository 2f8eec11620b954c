#include "boot/boot_select.h"

#include "ferry/errors.h"
#include "ferry/proto/device_api.h"

namespace ferry {

int boot_check_slot(const FlashPort& flash, const BootLog& log, const BootConfig& cfg, int slot,
                    ImageInfo* info, uint16_t* reason) {
    ImageExpect expect{cfg.layout->hw_id, static_cast<uint8_t>(slot), cfg.layout->slot_base[slot],
                       cfg.layout->image_limit, log.state().min_security_counter};
    return image_check(flash, expect, cfg.keys, cfg.key_count, info, reason);
}

int boot_select(const FlashPort& flash, BootLog& log, const BootConfig& cfg, BootDecision* out) {
    *out = BootDecision{};
    const BootState& s = log.state();
    if (s.pending) {
        const int p = s.pending_slot;
        uint16_t reason = proto::kReasonTrialLimitReached;
        bool ok = false;
        if (s.attempts < kMaxTrialAttempts) {
            ok = boot_check_slot(flash, log, cfg, p, &out->image, &reason) == FERRY_OK;
        }
        if (ok) {
            int err = log.append({kRecTrial, static_cast<uint8_t>(p), 0, 0, 0, 0, 0});
            if (err) return err;
            out->slot = p;
            out->trial = true;
            return FERRY_OK;
        }
        int err = log.append({kRecRollback, static_cast<uint8_t>(p), 0, reason, s.pending_release, 0, 0});
        if (err) return err;
    }
    const int confirmed = s.has_confirmed ? s.confirmed_slot : 0;
    uint16_t reason;
    const int order[2] = {confirmed, 1 - confirmed};
    for (int slot : order) {
        if (boot_check_slot(flash, log, cfg, slot, &out->image, &reason) == FERRY_OK) {
            out->slot = slot;
            return FERRY_OK;
        }
    }
    return FERRY_OK;  // nothing bootable: the caller stays in the bootloader
}

}  // namespace ferry
