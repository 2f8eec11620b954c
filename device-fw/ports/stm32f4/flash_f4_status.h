// FLASH_SR of the STM32F4 to an error code: one code per flag, the most specific first. Pure,
// so the host tests check the mapping without a chip.
#pragma once

#include <stdint.h>

#include "ferry/errors.h"

namespace ferry::f4 {

inline int flash_status_error(uint32_t sr) {
    if (sr & (1u << 4)) return FERRY_ERR_FLASH_PROTECTED;  // WRPERR
    if (sr & (1u << 5)) return FERRY_ERR_FLASH_ALIGNMENT;  // PGAERR
    if (sr & (1u << 6)) return FERRY_ERR_FLASH_SIZE;       // PGPERR
    if (sr & (1u << 7)) return FERRY_ERR_FLASH_SEQUENCE;   // PGSERR
    if (sr & (1u << 8)) return FERRY_ERR_FLASH_READ;       // RDERR
    if (sr & (1u << 1)) return FERRY_ERR_FLASH_OPERATION;  // OPERR
    return FERRY_OK;
}

}  // namespace ferry::f4
