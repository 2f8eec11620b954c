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
};

}  // namespace ferry
