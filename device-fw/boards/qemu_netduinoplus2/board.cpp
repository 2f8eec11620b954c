// QEMU's netduinoplus2 (STM32F405): the F401xE layout, flash writes through semihosting into the
// host file QEMU loaded (ports/qemu), USART1 to a chardev (the modem, telit-sim), the host
// console through semihosting, and a reset that ends QEMU with status 3 so the test starts it
// again on the written file (QEMU would reload the original file on an internal reset).
#include "boards/board.h"

#include "clock_f4.h"
#include "cm_regs.h"
#include "f4_regs.h"
#include "ferry/errors.h"
#include "flash_f4.h"
#include "flash_semihost.h"
#include "iwdg.h"
#include "port_callbacks.h"
#include "semihosting.h"
#include "systick.h"
#include "usart_f4.h"
#include "util/text_out.h"

namespace ferry::board {
namespace {

// QEMU clocks the netduinoplus2's core at 168 MHz whatever RCC says (it models no RCC).
constexpr uint32_t kQemuCoreHz = 168000000u;
constexpr uint32_t kModemBaud = 115200;
constexpr uint32_t kTim2Cnt = 0x40000024u;
constexpr uint32_t kExitReset = 3, kExitFault = 4, kExitHalt = 5;

stm32::BufferedUsart g_modem;
uint32_t g_random = 0x2545F491u;

void do_reset(void*) { reset(); }

}  // namespace

const char* name() { return "qemu-netduinoplus2"; }
const Layout& layout() { return kLayoutQemuNetduinoPlus2; }

uint32_t boot_clocks_up() { return kQemuCoreHz; }

int boot_flash(FlashPort* out) {
    int err = qemu::flash_open(&f4::kGeometryF405);
    *out = qemu::flash_port();
    return err;
}

// QEMU models no RCC, so there is nothing to restore. What this reports instead is the boot
// time: TIM2's counter follows QEMU's virtual clock (1 GHz), and under -icount shift=0 that
// clock advances exactly 1 ns per executed instruction, so the count since reset is the number
// of instructions from reset to here (the hand-off).
void boot_prepare_handoff() {
    const uint32_t instructions = cm::reg(kTim2Cnt);
    char line[64];
    TextOut out(line, sizeof line);
    out.put("ferry-boot: hand-off after ").num(instructions).put(" virtual ns");
    boot_report(line);
}

void boot_report(const char* line) {
    semihost::write0(line);
    semihost::write0("\n");
}

void boot_halt() {
    boot_report("ferry-boot: no bootable image, halted");
    semihost::exit(kExitHalt);
}

int app_init(AppServices* out) {
    const f4::ClockResult clock = f4::clock_84mhz(0, false);
    cm::systick_start(kQemuCoreHz);
    stm32::iwdg_start(4000);
    g_modem.init(f4::kUsartLayout, f4::kUsart1, f4::kIrqUsart1, kQemuCoreHz / 2, kModemBaud, true);
    cm::enable_irq();
    int err = qemu::flash_open(&f4::kGeometryF405);
    out->port.flash = qemu::flash_port();
    out->port.serial = g_modem.port();
    out->port.clock = ClockPort{nullptr, stm32::millis_cb, stm32::idle_cb};
    out->port.system = SystemPort{&g_random, stm32::watchdog_kick_cb, do_reset, stm32::jitter_random_cb};
    // QEMU has no RCC: every ready bit stays 0, so this shows the bounded fallback at work.
    out->clock_note = clock.pll_failed ? "PLL never ready: stayed on HSI 16 MHz" : "84 MHz from the PLL";
    out->reset_cause = "power-on (QEMU)";
    return err;
}

void console_write(const char* text) { semihost::write0(text); }

void announce(const char* text) {
    g_modem.write_text(text);
    g_modem.flush();
    semihost::write0(text);
}

void reset() {
    semihost::write0("ferry-app: reset requested\n");
    semihost::exit(kExitReset);
}

}  // namespace ferry::board

extern "C" void ferry_fault_handler() {
    char line[48];
    ferry::TextOut out(line, sizeof line);
    out.put("fault: CFSR=").num(ferry::cm::reg(ferry::cm::kScbCfsr)).put("\n");
    ferry::semihost::write0(line);
    ferry::semihost::exit(4);
}
