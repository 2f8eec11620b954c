// Where things live in flash on each supported chip (proto/image-format.md, "Layouts").
#pragma once

#include <stdint.h>

namespace ferry {

struct Layout {
    const char* name;
    uint32_t hw_id;
    uint32_t bootloader_base;
    uint32_t bootloader_size;
    // Boot state: two areas of whole sectors used in turn (a log that is compacted into the
    // other area when full, so no area is ever rewritten in place).
    uint32_t state_area[2];
    uint32_t state_area_size;
    uint32_t slot_base[2];
    uint32_t slot_size[2];  // flash reserved for each slot (whole sectors)
    uint32_t image_limit;   // largest image either slot can take (the smaller slot)
    uint32_t config_addr;   // the device configuration record (proto/device_config.h)
};

// F401xC (256 KB): slot A = sector 4 (64 KB), slot B = sector 5 (128 KB) -> 64 KB images.
extern const Layout kLayoutF401xC;
// F401xE (512 KB): slot A = sectors 4-5 (192 KB), slot B = sectors 6-7 (256 KB) -> 192 KB.
extern const Layout kLayoutF401xE;
// WB55 (1 MB, 4 KB pages): slots of 192 KB at the F401xE addresses, below the radio stack.
extern const Layout kLayoutWB55;
// QEMU netduinoplus2 (STM32F405, 1 MB): the F401xE addresses under its own hardware id, so the
// same slot images run there and on an F401xE only when signed for each.
extern const Layout kLayoutQemuNetduinoPlus2;

}  // namespace ferry
