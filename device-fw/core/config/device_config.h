// Reads the device configuration record (proto/device_config.h) from flash through the port
// and checks it before anything uses it: a blank or torn record means "not provisioned", which
// the application reports instead of polling with a garbage identity.
#pragma once

#include <stdint.h>

#include "agent/device_api.h"
#include "ferry/port.h"
#include "ferry/proto/device_config.h"

namespace ferry {

struct DeviceConfig {
    DeviceIdentity identity;
    char server_host[65];
    uint16_t server_port;
    proto::ModemTransport transport;
    proto::RangeMode range_mode;
    char apn[41];
    uint32_t default_interval_s;
};

// 0 with *out filled, FERRY_ERR_CORRUPT when the record is blank, torn or inconsistent (wrong
// magic, version, size or CRC, an empty device id or host, port 0, unknown transport), or
// FERRY_ERR_IO when flash cannot be read.
int device_config_read(const FlashPort& flash, uint32_t addr, DeviceConfig* out);

// Fills a record (CRC included) from its fields: the factory tool and the tests use it.
void device_config_seal(proto::DeviceConfigRecord* record);

}  // namespace ferry
