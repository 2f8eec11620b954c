#include "config/device_config.h"

#include <stddef.h>
#include <string.h>

#include "boot/boot_record.h"
#include "ferry/errors.h"

namespace ferry {
namespace {

// Copies a NUL-padded field into a terminated string; false when it is empty.
bool copy_text(char* out, size_t out_len, const char* field, size_t field_len) {
    size_t n = 0;
    while (n < field_len && field[n] != '\0')
        ++n;
    if (n == 0 || n >= out_len)
        return false;
    memcpy(out, field, n);
    out[n] = '\0';
    return true;
}

uint32_t record_crc(const proto::DeviceConfigRecord& r) {
    return crc32(reinterpret_cast<const uint8_t*>(&r), offsetof(proto::DeviceConfigRecord, dc_crc32));
}

}  // namespace

void device_config_seal(proto::DeviceConfigRecord* record) {
    record->dc_magic = proto::kDeviceConfigMagic;
    record->dc_version = proto::kDeviceConfigVersion;
    record->dc_size = sizeof(proto::DeviceConfigRecord);
    record->dc_crc32 = record_crc(*record);
}

int device_config_read(const FlashPort& flash, uint32_t addr, DeviceConfig* out) {
    proto::DeviceConfigRecord r;
    if (flash.read(flash.ctx, addr, &r, sizeof r) != FERRY_OK)
        return FERRY_ERR_IO;
    if (r.dc_magic != proto::kDeviceConfigMagic || r.dc_version != proto::kDeviceConfigVersion ||
        r.dc_size != sizeof r || r.dc_crc32 != record_crc(r))
        return FERRY_ERR_CORRUPT;
    memset(out, 0, sizeof *out);
    if (!copy_text(out->identity.device_id, sizeof out->identity.device_id, r.device_id, sizeof r.device_id) ||
        !copy_text(out->server_host, sizeof out->server_host, r.server_host, sizeof r.server_host) ||
        r.server_port == 0 || r.transport > static_cast<uint8_t>(proto::ModemTransport::kSockets) ||
        r.range_mode > static_cast<uint8_t>(proto::RangeMode::kQuery))
        return FERRY_ERR_CORRUPT;
    copy_text(out->apn, sizeof out->apn, r.apn, sizeof r.apn);  // an empty APN is allowed
    memcpy(out->identity.secret, r.secret, sizeof r.secret);
    out->server_port = r.server_port;
    out->transport = static_cast<proto::ModemTransport>(r.transport);
    out->range_mode = static_cast<proto::RangeMode>(r.range_mode);
    out->default_interval_s = r.default_interval_s ? r.default_interval_s : 3600;
    return FERRY_OK;
}

}  // namespace ferry
