// The device's identity and connection settings, written once at the factory (ST-Link) into
// the configuration area of the layout, read by the application at start. Kept outside the
// slots so one signed image serves every device of a fleet. Spec: proto/image-format.md,
// "Device configuration record". Freestanding: <stdint.h> and <stddef.h> only.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ferry/proto/device_api.h"
#include "ferry/proto/image.h"

namespace ferry::proto {

// "FRYC" read as a little-endian u32.
inline constexpr uint32_t kDeviceConfigMagic = 0x43595246u;
inline constexpr uint16_t kDeviceConfigVersion = 1;

enum class ModemTransport : uint8_t { kHttpClient = 0, kSockets = 1 };
enum class RangeMode : uint8_t { kHeader = 0, kQuery = 1 };

struct __attribute__((packed)) DeviceConfigRecord {
    uint32_t dc_magic;           // kDeviceConfigMagic
    uint16_t dc_version;         // kDeviceConfigVersion
    uint16_t dc_size;            // sizeof(DeviceConfigRecord)
    char device_id[kMaxDeviceIdLength];  // NUL-padded; not NUL-terminated at full length
    uint8_t secret[kDeviceSecretBytes];  // the device's poll key (ferryctl provision)
    char server_host[64];        // NUL-padded host name or address of ferryd
    uint16_t server_port;        // e.g. 80
    uint8_t transport;           // ModemTransport
    uint8_t range_mode;          // RangeMode
    char apn[40];                // NUL-padded access point name
    uint32_t default_interval_s; // poll interval until the server gives one
    uint8_t reserved[36];        // zero
    uint32_t dc_crc32;           // CRC-32 (IEEE) of every byte before it
};
static_assert(sizeof(DeviceConfigRecord) == 256, "DeviceConfigRecord is 256 bytes in flash");

// Where the record lives on each reference layout (first byte of the configuration area).
inline constexpr uint32_t kDeviceConfigAddrF401 = 0x0800C000u;  // sector 3
inline constexpr uint32_t kDeviceConfigAddrWB55 = 0x08008000u;  // page 8

inline constexpr uint32_t device_config_addr(uint32_t hw_id) {
    return hw_id == kHwWB55 ? kDeviceConfigAddrWB55 : kDeviceConfigAddrF401;
}

}  // namespace ferry::proto
