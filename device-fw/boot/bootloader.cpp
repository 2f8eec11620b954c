// The Ferry bootloader: picks the slot to start with the core's rules (trial attempts, confirm,
// rollback, anti-rollback floor), checks that slot's SHA-256 and Ed25519 signature against the
// release keys built in, records the decision in the boot log, then hands over with the chip as
// after reset. It enables no interrupt and uses no heap; everything it reads goes through the
// board's flash port.
#include "boards/board.h"
#include "boot/boot_select.h"
#include "ferry/errors.h"
#include "ferry/proto/image.h"
#include "handoff.h"
#include "boot/trusted_keys.h"
#include "util/text_out.h"
#include "vectors.h"

__attribute__((section(".isr_vector"), used)) const ferry::cm::CoreVectorTable g_boot_vectors =
    ferry::cm::make_core_vector_table();

namespace {

using namespace ferry;

constexpr int kLogAttempts = 3;  // a boot-log write that fails is retried from a fresh scan

void report(const BootDecision& d, uint32_t core_hz) {
    char line[96];
    TextOut out(line, sizeof line);
    const proto::ImageVersion& v = d.image.header.ih_version;
    out.put("ferry-boot: ").put(board::name()).put(" slot ").put_char(d.slot ? 'B' : 'A');
    out.put(" version ").num(v.major).put_char('.').num(v.minor).put_char('.').num(v.patch);
    out.put(d.trial ? " trial" : " confirmed").put(", checked at ").num(core_hz / 1000000u).put(" MHz");
    board::boot_report(line);
}

}  // namespace

int main() {
    const uint32_t core_hz = board::boot_clocks_up();
    const Layout& layout = board::layout();
    FlashPort flash;
    if (board::boot_flash(&flash) != FERRY_OK) {
        board::boot_report("ferry-boot: flash unavailable");
        board::boot_halt();
    }
    TrustedKey keys[kReleaseKeyCount];
    load_trusted_keys(keys);
    const BootConfig cfg{&layout, keys, kReleaseKeyCount};

    BootDecision decision;
    int err = FERRY_ERR_IO;
    for (int attempt = 0; attempt < kLogAttempts && err != FERRY_OK; ++attempt) {
        BootLog log;
        err = log.open(flash, layout);
        if (err == FERRY_OK)
            err = boot_select(flash, log, cfg, &decision);
    }
    if (err != FERRY_OK || decision.slot < 0)
        board::boot_halt();
    report(decision, core_hz);
    board::boot_prepare_handoff();
    cm::start_image(decision.image.header.ih_load_addr + decision.image.header.ih_header_size);
}
