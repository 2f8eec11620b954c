// The device configuration record (proto/device_config.h) and the STM32 flash status mappings:
// pure code of the firmware, checked on the host.
#include <catch2/catch.hpp>
#include <cstring>

#include "config/device_config.h"
#include "ferry/errors.h"
#include "flash_sim.h"
#include "../../device-fw/ports/stm32f4/flash_f4_status.h"
#include "../../device-fw/ports/stm32wb/flash_wb_status.h"

using namespace ferry;

namespace {

proto::DeviceConfigRecord valid_record() {
    proto::DeviceConfigRecord r{};
    std::strncpy(r.device_id, "logger-17", sizeof r.device_id);
    for (unsigned i = 0; i < sizeof r.secret; ++i) r.secret[i] = static_cast<uint8_t>(i);
    std::strncpy(r.server_host, "ferry.example.com", sizeof r.server_host);
    r.server_port = 8080;
    r.transport = 1;
    r.range_mode = 1;
    std::strncpy(r.apn, "iot.example", sizeof r.apn);
    r.default_interval_s = 900;
    device_config_seal(&r);
    return r;
}

int read_back(const proto::DeviceConfigRecord& r, DeviceConfig* out) {
    host::FlashSim sim(host::Chip::f401xe);
    const auto* p = reinterpret_cast<const uint8_t*>(&r);
    sim.factory_write(proto::kDeviceConfigAddrF401, std::vector<uint8_t>(p, p + sizeof r));
    return device_config_read(sim.port(), proto::kDeviceConfigAddrF401, out);
}

}  // namespace

TEST_CASE("device configuration record: a sealed record reads back field by field", "[config]") {
    DeviceConfig c;
    REQUIRE(read_back(valid_record(), &c) == FERRY_OK);
    CHECK(std::string(c.identity.device_id) == "logger-17");
    CHECK(c.identity.secret[31] == 31);
    CHECK(std::string(c.server_host) == "ferry.example.com");
    CHECK(c.server_port == 8080);
    CHECK(c.transport == proto::ModemTransport::kSockets);
    CHECK(c.range_mode == proto::RangeMode::kQuery);
    CHECK(std::string(c.apn) == "iot.example");
    CHECK(c.default_interval_s == 900);
}

TEST_CASE("device configuration record: blank, torn or inconsistent records are refused", "[config]") {
    DeviceConfig c;
    host::FlashSim blank(host::Chip::f401xe);
    CHECK(device_config_read(blank.port(), proto::kDeviceConfigAddrF401, &c) == FERRY_ERR_CORRUPT);

    auto torn = valid_record();
    torn.server_port ^= 1;  // a bit changed after sealing
    CHECK(read_back(torn, &c) == FERRY_ERR_CORRUPT);

    auto no_id = valid_record();
    no_id.device_id[0] = '\0';
    device_config_seal(&no_id);
    CHECK(read_back(no_id, &c) == FERRY_ERR_CORRUPT);

    auto bad_transport = valid_record();
    bad_transport.transport = 7;
    device_config_seal(&bad_transport);
    CHECK(read_back(bad_transport, &c) == FERRY_ERR_CORRUPT);
}

TEST_CASE("device configuration record: an id of the full 64 characters needs no terminator", "[config]") {
    auto full_id = valid_record();
    std::memset(full_id.device_id, 'x', sizeof full_id.device_id);
    device_config_seal(&full_id);
    DeviceConfig c;
    REQUIRE(read_back(full_id, &c) == FERRY_OK);
    CHECK(std::string(c.identity.device_id) == std::string(64, 'x'));
}

TEST_CASE("STM32 flash status flags map to one error code each", "[ports]") {
    CHECK(f4::flash_status_error(0) == FERRY_OK);
    CHECK(f4::flash_status_error(1u << 0) == FERRY_OK);  // EOP alone is success
    CHECK(f4::flash_status_error(1u << 4) == FERRY_ERR_FLASH_PROTECTED);
    CHECK(f4::flash_status_error(1u << 5) == FERRY_ERR_FLASH_ALIGNMENT);
    CHECK(f4::flash_status_error(1u << 6) == FERRY_ERR_FLASH_SIZE);
    CHECK(f4::flash_status_error(1u << 7) == FERRY_ERR_FLASH_SEQUENCE);
    CHECK(f4::flash_status_error(1u << 8) == FERRY_ERR_FLASH_READ);
    CHECK(f4::flash_status_error(1u << 1) == FERRY_ERR_FLASH_OPERATION);
    CHECK(wb::flash_status_error(1u << 3) == FERRY_ERR_FLASH_NOT_ERASED);
    CHECK(wb::flash_status_error(1u << 6) == FERRY_ERR_FLASH_SIZE);
    CHECK(wb::flash_status_error(1u << 8) == FERRY_ERR_FLASH_DATA_MISS);
    CHECK(wb::flash_status_error(1u << 9) == FERRY_ERR_FLASH_DATA_MISS);
    CHECK(wb::flash_status_error(1u << 15) == FERRY_ERR_FLASH_OPTION);
    CHECK(wb::flash_status_error(1u << 16) == FERRY_OK);  // BSY is not an error
}

TEST_CASE("STM32WB55: the usable top of flash comes from SFSA unless FSD is set", "[ports]") {
    const uint32_t base = 0x08000000u, size = 1024u * 1024u;
    CHECK(wb::flash_usable_end(0xCBu, base, size) == base + 0xCBu * 4096u);  // a BLE stack from 0x080CB000
    CHECK(wb::flash_usable_end(0x100u | 0xCBu, base, size) == base + size);  // no secure area
    CHECK(wb::flash_usable_end(0xFFu, base, size) == base + 0xFFu * 4096u);
}
