// Error codes of the device side: negative ints, so a return value can also carry a length.
// Values follow errno where one fits (littlefs does the same), so logs read naturally.
#pragma once

namespace ferry {

enum : int {
    FERRY_OK = 0,
    FERRY_ERR_IO = -5,           // the port failed an operation (flash, serial)
    FERRY_ERR_BUSY = -16,        // try again later
    FERRY_ERR_INVALID = -22,     // bad argument or bad input from outside
    FERRY_ERR_NOSPC = -28,       // does not fit (slot, buffer, log)
    FERRY_ERR_TIMEOUT = -110,    // a bounded wait ran out
    FERRY_ERR_CORRUPT = -84,     // stored data fails its check (CRC, magic)
    FERRY_ERR_SIGNATURE = -129,  // signature missing or wrong
    FERRY_ERR_HASH = -130,       // hash missing or wrong

    // Flash controller errors, one per status flag, so a log names the cause (ports/stm32*).
    FERRY_ERR_FLASH_PROTECTED = -201,  // write protection (WRPERR)
    FERRY_ERR_FLASH_ALIGNMENT = -202,  // crossed a row / misaligned (PGAERR)
    FERRY_ERR_FLASH_SIZE = -203,       // access width does not match (F4 PGPERR, WB SIZERR)
    FERRY_ERR_FLASH_SEQUENCE = -204,   // bad programming sequence (PGSERR)
    FERRY_ERR_FLASH_OPERATION = -205,  // operation error (OPERR)
    FERRY_ERR_FLASH_READ = -206,       // read protection (RDERR)
    FERRY_ERR_FLASH_NOT_ERASED = -207, // WB PROGERR: target double word not erased
    FERRY_ERR_FLASH_DATA_MISS = -208,  // WB MISSERR / FASTERR: data not supplied in time
    FERRY_ERR_FLASH_OPTION = -209,     // WB OPTVERR: option bytes invalid
    FERRY_ERR_FLASH_VERIFY = -210,     // read back differs from what was programmed
    FERRY_ERR_FLASH_LOCKED = -211,     // the unlock sequence did not unlock the controller
};

}  // namespace ferry
