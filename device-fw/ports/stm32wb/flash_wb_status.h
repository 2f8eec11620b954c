// FLASH_SR of the STM32WB55 to an error code: one code per flag. Pure, for host tests.
#pragma once

#include <stdint.h>

#include "ferry/errors.h"

namespace ferry::wb {

inline int flash_status_error(uint32_t sr) {
    if (sr & (1u << 4)) return FERRY_ERR_FLASH_PROTECTED;   // WRPERR
    if (sr & (1u << 3)) return FERRY_ERR_FLASH_NOT_ERASED;  // PROGERR
    if (sr & (1u << 5)) return FERRY_ERR_FLASH_ALIGNMENT;   // PGAERR
    if (sr & (1u << 6)) return FERRY_ERR_FLASH_SIZE;        // SIZERR
    if (sr & (1u << 7)) return FERRY_ERR_FLASH_SEQUENCE;    // PGSERR
    if (sr & (3u << 8)) return FERRY_ERR_FLASH_DATA_MISS;   // MISSERR, FASTERR
    if (sr & (1u << 14)) return FERRY_ERR_FLASH_READ;       // RDERR
    if (sr & (1u << 15)) return FERRY_ERR_FLASH_OPTION;     // OPTVERR
    if (sr & (1u << 1)) return FERRY_ERR_FLASH_OPERATION;   // OPERR
    return FERRY_OK;
}

// The first page the application core may use: pages from SFSA up belong to the radio core's
// firmware (and read as zero). With FSD set there is no secure area.
inline uint32_t flash_usable_end(uint32_t sfr, uint32_t base, uint32_t size) {
    if (sfr & (1u << 8))
        return base + size;
    const uint32_t sfsa_end = base + (sfr & 0xFFu) * 4096u;
    return sfsa_end < base + size ? sfsa_end : base + size;
}

}  // namespace ferry::wb
