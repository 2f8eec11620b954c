#include "agent/installer.h"

#include <string.h>

#include "ferry/errors.h"
#include "ferry/proto/device_api.h"
#include "flash/flash_ops.h"
#include "util/bytes_le.h"

namespace ferry {
// The start (relative to the slot) of the sector holding `offset`.
int Installer::sector_start(uint32_t offset, uint32_t* start_offset) const {
    uint16_t sector;
    uint32_t start, size;
    int err = flash_sector_at(*flash_.geometry, slot_addr() + offset, &sector, &start, &size);
    if (err)
        return err;
    *start_offset = start - slot_addr();
    return FERRY_OK;
}

// Erases the image's sectors from the one holding `offset` to the end of the image.
int Installer::erase_from(uint32_t offset) {
    const FlashGeometry& g = *flash_.geometry;
    uint16_t sector;
    uint32_t start, size;
    const uint32_t end = slot_addr() + target_.size;
    for (uint32_t a = slot_addr() + offset; a < end; a = start + size) {
        int err = flash_sector_at(g, a, &sector, &start, &size);
        if (err)
            return err;
        err = flash_.erase(flash_.ctx, sector);
        if (err)
            return err;
    }
    return FERRY_OK;
}

int Installer::record_begin(const InstallTarget& t) {
    return log_.append({kRecInstallBegin, t.slot, 0, t.release_id, t.size, load32_le(t.sha_prefix),
                        load32_le(t.sha_prefix + 4)});
}

int32_t Installer::prepare(const InstallTarget& target) {
    if (target.slot > 1 || target.size == 0 || target.size > cfg_.layout->image_limit) {
        return FERRY_ERR_INVALID;
    }
    target_ = target;
    const BootState& s = log_.state();
    bool same = s.installing && s.install_slot == target.slot &&
                s.install_release == target.release_id && s.install_size == target.size &&
                s.install_sha_prefix[0] == load32_le(target.sha_prefix) &&
                s.install_sha_prefix[1] == load32_le(target.sha_prefix + 4);
    if (!same) {
        // Erase first, record after: a cut in between leaves no claim on the slot's content.
        int err = erase_from(0);
        if (err)
            return err;
        err = record_begin(target);
        return err ? err : 0;
    }
    const uint32_t at = s.install_progress;
    if (flash_is_erased(flash_, slot_addr() + at, target.size - at))
        return static_cast<int32_t>(at);
    // A cut tore the write after the recorded progress: those bytes cannot be programmed
    // again, so their whole sector starts over. The lower progress is recorded before the
    // erase, so the log never claims bytes the erase took.
    uint32_t resumed_at = 0;
    int err = sector_start(at, &resumed_at);
    if (err)
        return err;
    if (resumed_at < at) {
        err = record_begin(target);  // progress only grows in the log; a restart is a begin
        if (!err && resumed_at > 0) {
            err = log_.append({kRecInstallProgress, target.slot, 0, resumed_at, 0, 0, 0});
        }
        if (err)
            return err;
    }
    err = erase_from(resumed_at);
    return err ? err : static_cast<int32_t>(resumed_at);
}

int Installer::write(uint32_t offset, const uint8_t* data, size_t len) {
    if (!log_.state().installing || offset != log_.state().install_progress ||
        len > target_.size - offset) {
        return FERRY_ERR_INVALID;
    }
    const uint32_t unit = flash_.geometry->program_unit;
    if (offset + len < target_.size && len % unit != 0)
        return FERRY_ERR_INVALID;
    int err = flash_program_skip_erased(flash_, slot_addr() + offset, data, len);
    if (err)
        return err;
    uint8_t back[128];
    for (size_t done = 0; done < len;) {
        size_t n = len - done < sizeof back ? len - done : sizeof back;
        err = flash_read(flash_, slot_addr() + offset + done, back, n);
        if (err)
            return err;
        if (memcmp(back, data + done, n) != 0)
            return FERRY_ERR_IO;
        done += n;
    }
    return log_.append(
        {kRecInstallProgress, target_.slot, 0, static_cast<uint32_t>(offset + len), 0, 0, 0});
}

int Installer::finish(uint16_t* reason, ImageInfo* info) {
    const BootState& s = log_.state();
    if (!s.installing || s.install_progress != target_.size) {
        *reason = proto::kReasonDownloadFailed;
        return FERRY_ERR_INVALID;
    }
    int err = boot_check_slot(flash_, log_, cfg_, target_.slot, info, reason);
    if (err == FERRY_ERR_IO)
        return err;
    if (err) {
        // Not an image that may boot: forget it, so the next offer starts from an erase.
        int rec = log_.append({kRecInstallAbandon, target_.slot, 0, *reason, 0, 0, 0});
        return rec ? rec : err;
    }
    return log_.append(
        {kRecPending, target_.slot, 0, info->header.ih_security_counter, target_.release_id, 0, 0});
}

}  // namespace ferry
