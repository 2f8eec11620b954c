// The image parser over hostile flash content: header, sizes and trailer records come from the
// fuzzer; the check must refuse cleanly and never read outside the slot.
#include "fake_ports.h"
#include "image/image_check.h"

using namespace ferry;

namespace {
fuzz::MemFlash g_flash;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const uint32_t slot = 0x08040000u;
    const uint32_t limit = 192 * 1024;
    memset(g_flash.mem + (slot - fuzz::MemFlash::kBase), 0xFF, limit);
    memcpy(g_flash.mem + (slot - fuzz::MemFlash::kBase), data, size < limit ? size : limit);
    static const uint32_t sectors[] = {16384, 16384, 16384, 16384, 65536, 131072, 131072, 131072};
    static const FlashGeometry geom{fuzz::MemFlash::kBase, 8, sectors, 4, false};
    FlashPort port{&g_flash, &geom, fuzz::MemFlash::read, fuzz::MemFlash::program, fuzz::MemFlash::erase};
    TrustedKey key{};
    ImageExpect expect{proto::kHwF401xE, 1, slot, limit, 0};
    ImageInfo info;
    uint16_t reason;
    image_check(port, expect, &key, 1, &info, &reason);
    proto::ImageHeader h;
    image_read_header(port, slot, &h);
    return 0;
}
