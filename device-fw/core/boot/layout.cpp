#include "boot/layout.h"

#include "ferry/proto/device_config.h"
#include "ferry/proto/image.h"

namespace ferry {

// Sector 1 and 2 hold the boot state; sector 3 the device identity and configuration.
const Layout kLayoutF401xC = {"f401xc", proto::kHwF401xC, 0x08000000u, 16384u,
                              {0x08004000u, 0x08008000u}, 16384u,
                              {0x08010000u, 0x08020000u}, {65536u, 131072u}, 65536u,
                              proto::kDeviceConfigAddrF401};

const Layout kLayoutF401xE = {"f401xe", proto::kHwF401xE, 0x08000000u, 16384u,
                              {0x08004000u, 0x08008000u}, 16384u,
                              {0x08010000u, 0x08040000u}, {196608u, 262144u}, 196608u,
                              proto::kDeviceConfigAddrF401};

// Two pages (8 KB) per boot-state area; identity at 0x08008000.
const Layout kLayoutWB55 = {"wb55", proto::kHwWB55, 0x08000000u, 16384u,
                            {0x08004000u, 0x08006000u}, 8192u,
                            {0x08010000u, 0x08040000u}, {196608u, 196608u}, 196608u,
                            proto::kDeviceConfigAddrWB55};

const Layout kLayoutQemuNetduinoPlus2 = {"qemu-netduinoplus2", proto::kHwQemuNetduinoPlus2,
                                         0x08000000u, 16384u, {0x08004000u, 0x08008000u}, 16384u,
                                         {0x08010000u, 0x08040000u}, {196608u, 262144u}, 196608u,
                                         proto::kDeviceConfigAddrF401};

}  // namespace ferry
