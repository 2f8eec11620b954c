#include "boot/boot_log.h"

#include <string.h>

#include "ferry/errors.h"
#include "flash/flash_ops.h"

namespace ferry {
namespace {

bool all_erased(const uint8_t* p, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) {
        if (p[i] != 0xFF) return false;
    }
    return true;
}

}  // namespace

void boot_state_apply(BootState& s, const BootRecord& r) {
    switch (r.type) {
        case kRecInstallBegin:
            s.installing = true;
            s.install_slot = r.slot;
            s.install_release = r.a;
            s.install_size = r.b;
            s.install_sha_prefix[0] = r.c;
            s.install_sha_prefix[1] = r.d;
            s.install_progress = 0;
            if (s.pending && s.pending_slot == r.slot) s.pending = false;  // overwritten
            break;
        case kRecInstallProgress:
            if (s.installing && s.install_slot == r.slot && r.a > s.install_progress) {
                s.install_progress = r.a;
            }
            break;
        case kRecPending:
            s.installing = false;
            s.pending = true;
            s.pending_slot = r.slot;
            s.pending_security_counter = r.a;
            s.pending_release = r.b;
            s.attempts = 0;
            break;
        case kRecTrial:
            if (s.pending && s.pending_slot == r.slot && s.attempts < 255) ++s.attempts;
            break;
        case kRecConfirmed:
            s.has_confirmed = true;
            s.confirmed_slot = r.slot;
            if (r.a > s.min_security_counter) s.min_security_counter = r.a;
            if (s.pending && s.pending_slot == r.slot) s.pending = false;
            s.confirm_unreported = true;
            s.confirm_seq = r.seq;
            s.confirm_release = r.b;
            break;
        case kRecRollback:
            if (s.pending && s.pending_slot == r.slot) s.pending = false;
            s.rollback_unreported = true;
            s.rollback_slot = r.slot;
            s.rollback_reason = r.a;
            s.rollback_seq = r.seq;
            s.rollback_release = r.b;
            break;
        case kRecInstallAbandon:
            if (s.installing && s.install_slot == r.slot) s.installing = false;
            break;
        case kRecCounter: {
            uint64_t v = (uint64_t(r.b) << 32) | r.a;
            if (v > s.poll_counter) s.poll_counter = v;
            break;
        }
        case kRecReported:
            if (s.rollback_unreported && s.rollback_seq == r.a) s.rollback_unreported = false;
            if (s.confirm_unreported && s.confirm_seq == r.a) s.confirm_unreported = false;
            break;
        default:
            break;  // unknown types from a newer agent are ignored, not fatal
    }
}

uint32_t BootLog::capacity() const { return layout_->state_area_size / kBootRecordSize; }

uint32_t BootLog::area_addr(int area, uint32_t index) const {
    return layout_->state_area[area] + index * kBootRecordSize;
}

int BootLog::open(const FlashPort& flash, const Layout& layout) {
    flash_ = flash;
    layout_ = &layout;
    state_ = BootState{};
    active_ = -1;
    generation_ = 0;
    next_index_ = 0;
    next_seq_ = 1;
    uint8_t raw[kBootRecordSize];
    for (int area = 0; area < 2; ++area) {
        int err = flash_read(flash_, area_addr(area, 0), raw, sizeof raw);
        if (err) return err;
        BootRecord h;
        if (boot_record_decode(raw, &h) && h.type == kRecAreaHeader && h.a > generation_) {
            generation_ = h.a;
            active_ = area;
            next_seq_ = h.seq + 1;
        }
    }
    if (active_ < 0) return FERRY_OK;  // fresh device
    next_index_ = 1;
    for (uint32_t i = 1; i < capacity(); ++i) {
        int err = flash_read(flash_, area_addr(active_, i), raw, sizeof raw);
        if (err) return err;
        if (all_erased(raw, sizeof raw)) continue;
        next_index_ = i + 1;  // never write before or onto anything that was written
        BootRecord r;
        if (!boot_record_decode(raw, &r)) continue;  // torn: as if it was never written
        boot_state_apply(state_, r);
        if (r.seq >= next_seq_) next_seq_ = r.seq + 1;
    }
    return FERRY_OK;
}

int BootLog::write_at(int area, uint32_t index, BootRecord& r) {
    uint8_t raw[kBootRecordSize];
    boot_record_encode(r, raw);
    int err = flash_program(flash_, area_addr(area, index), raw, sizeof raw);
    if (err) return err;
    uint8_t back[kBootRecordSize];
    err = flash_read(flash_, area_addr(area, index), back, sizeof back);
    if (err) return err;
    return memcmp(raw, back, sizeof raw) == 0 ? FERRY_OK : FERRY_ERR_CORRUPT;
}

int BootLog::start_area(int area, uint32_t generation) {
    int err = flash_erase_range(flash_, layout_->state_area[area], layout_->state_area_size);
    if (err) return err;
    // The state goes in first, the header last: until the header is there, this area does not
    // count, and the old one still describes the device.
    BootState& s = state_;
    BootRecord recs[6 + kMaxTrialAttempts];
    int n = 0;
    if (s.has_confirmed) {
        recs[n++] = {kRecConfirmed, s.confirmed_slot, s.confirm_seq, s.min_security_counter, s.confirm_release, 0, 0};
    }
    if (s.rollback_unreported) {
        recs[n++] = {kRecRollback, s.rollback_slot, s.rollback_seq, s.rollback_reason, s.rollback_release, 0, 0};
    }
    if (s.installing) {
        recs[n++] = {kRecInstallBegin, s.install_slot, next_seq_++, s.install_release, s.install_size,
                     s.install_sha_prefix[0], s.install_sha_prefix[1]};
        recs[n++] = {kRecInstallProgress, s.install_slot, next_seq_++, s.install_progress, 0, 0, 0};
    }
    if (s.pending) {
        recs[n++] = {kRecPending, s.pending_slot, next_seq_++, s.pending_security_counter, s.pending_release, 0, 0};
        for (uint8_t i = 0; i < s.attempts && i < kMaxTrialAttempts; ++i) {
            recs[n++] = {kRecTrial, s.pending_slot, next_seq_++, 0, 0, 0, 0};
        }
    }
    // A confirm the server already heard of stays reported after the move.
    if (s.poll_counter) {
        recs[n++] = {kRecCounter, 0, next_seq_++, static_cast<uint32_t>(s.poll_counter),
                     static_cast<uint32_t>(s.poll_counter >> 32), 0, 0};
    }
    bool confirm_reported = s.has_confirmed && !s.confirm_unreported;
    if (confirm_reported) recs[n++] = {kRecReported, 0, next_seq_++, s.confirm_seq, 0, 0, 0};
    for (int i = 0; i < n; ++i) {
        err = write_at(area, 1 + i, recs[i]);
        if (err) return err;
    }
    BootRecord header{kRecAreaHeader, 0, next_seq_++, generation, 0, 0, 0};
    err = write_at(area, 0, header);
    if (err) return err;
    active_ = area;
    generation_ = generation;
    next_index_ = 1 + n;
    return FERRY_OK;
}

int BootLog::compact() { return start_area(active_ < 0 ? 0 : 1 - active_, generation_ + 1); }

int BootLog::append(BootRecord r) {
    if (active_ < 0 || next_index_ >= capacity()) {
        int err = compact();
        if (err) return err;
    }
    r.seq = next_seq_++;
    // A place that fails to take the record (torn earlier, ECC) is left behind, never retried.
    for (int tries = 0; tries < 3 && next_index_ < capacity(); ++tries) {
        uint32_t index = next_index_++;
        int err = write_at(active_, index, r);
        if (err == FERRY_OK) {
            boot_state_apply(state_, r);
            return FERRY_OK;
        }
        if (err != FERRY_ERR_INVALID && err != FERRY_ERR_CORRUPT) return err;  // power: stop
    }
    return FERRY_ERR_NOSPC;
}

}  // namespace ferry
