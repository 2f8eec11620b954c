// Writes a downloaded image into the inactive slot, resumably: progress is recorded in the boot
// log as it is read back from flash, so after a reset the download continues where the flash
// says it can, instead of starting again.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "boot/boot_log.h"
#include "boot/boot_select.h"

namespace ferry {

struct InstallTarget {
    uint8_t slot;
    uint32_t release_id;
    uint32_t size;
    uint8_t sha_prefix[8];  // first 8 bytes of the image SHA-256 from the offer
};

class Installer {
public:
    Installer(const FlashPort& flash, BootLog& log, const BootConfig& cfg)
        : flash_(flash), log_(log), cfg_(cfg) {}

    // Where to continue for this target: 0 after erasing the slot when nothing usable is there,
    // or the recorded progress when the same image was being written. A sector that a cut left
    // partly programmed past the progress point is erased and its bytes downloaded again.
    // Returns the offset (>= 0) or a negative error.
    int32_t prepare(const InstallTarget& target);

    // Writes bytes at `offset` (== the current progress; a multiple of the program unit except
    // for the image's last piece), reads them back, and records the new progress.
    int write(uint32_t offset, const uint8_t* data, size_t len);

    // All bytes written: checks the whole image as the bootloader will and, if it may boot,
    // records it as pending. If it may not, the installation is abandoned in the log (the next
    // offer starts from an erase) and *reason says why (proto::Reason).
    int finish(uint16_t* reason, ImageInfo* info);

    uint32_t progress() const { return log_.state().install_progress; }

private:
    int erase_from(uint32_t offset);
    int sector_start(uint32_t offset, uint32_t* start_offset) const;
    int record_begin(const InstallTarget& t);
    uint32_t slot_addr() const { return cfg_.layout->slot_base[target_.slot]; }

    FlashPort flash_;
    BootLog& log_;
    BootConfig cfg_;
    InstallTarget target_{};
};

}  // namespace ferry
