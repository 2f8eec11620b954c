// STM32WB55 (Nucleo-WB55): modem on USART1 (PA9 TX, PA10 RX, PA11 CTS, PA12 RTS, AF7) with
// hardware flow control; the board has one USART, so the console shares the modem line only
// before the modem is up (the version banner; a modem ignores lines that do not start with AT).
// The application runs on MSI 48 MHz here; a BLE application sets HSE/LSE itself, which is why
// the bootloader hands over on the reset clock (MSI 4 MHz).
#include "boards/board.h"

#include "clock_wb.h"
#include "cm_regs.h"
#include "ferry/errors.h"
#include "flash_wb.h"
#include "gpio.h"
#include "iwdg.h"
#include "port_callbacks.h"
#include "systick.h"
#include "usart_wb.h"
#include "wb_regs.h"

namespace ferry::board {
namespace {

constexpr uint32_t kModemBaud = 115200;
constexpr unsigned kModemPins[] = {9, 10, 11, 12};  // PA9 TX, PA10 RX, PA11 CTS, PA12 RTS
constexpr uint32_t kWatchdogMs = 4000;

stm32::BufferedUsart g_modem;
uint32_t g_random = 0x7F4A7C15u;

void do_reset(void*) { reset(); }

}  // namespace

const char* name() { return "wb55"; }
const Layout& layout() { return kLayoutWB55; }

uint32_t boot_clocks_up() { return wb::clock_msi_48mhz(); }

int boot_flash(FlashPort* out) {
    wb::flash_init();
    *out = wb::flash_port();
    return FERRY_OK;
}

void boot_prepare_handoff() {
    wb::clock_reset_state();
    wb::peripherals_reset_state();
}

void boot_report(const char*) {}

void boot_halt() {
    for (;;)
        cm::wfi();
}

int app_init(AppServices* out) {
    static const char* cause_name = stm32::reset_cause_name(wb::reset_cause_take());
    const uint32_t hz = wb::clock_msi_48mhz();
    const uint32_t core_hz = hz ? hz : 4000000u;
    cm::systick_start(core_hz);
    stm32::iwdg_start(kWatchdogMs);
    wb::flash_init();
    wb::reg(wb::kRccAhb2enr) |= wb::kAhb2GpioA;
    wb::reg(wb::kRccApb2enr) |= wb::kApb2Usart1;
    cm::read_back(wb::kRccApb2enr);
    for (unsigned pin : kModemPins)
        stm32::gpio_alternate(wb::kGpioA, pin, 7, pin == 10 ? stm32::Pull::kUp : stm32::Pull::kNone);
    g_modem.init(wb::kUsartLayout, wb::kUsart1, wb::kIrqUsart1, core_hz, kModemBaud, true);
    cm::enable_irq();
    out->port.flash = wb::flash_port();
    out->port.serial = g_modem.port();
    out->port.clock = ClockPort{nullptr, stm32::millis_cb, stm32::idle_cb};
    out->port.system = SystemPort{&g_random, stm32::watchdog_kick_cb, do_reset, stm32::jitter_random_cb};
    out->clock_note = core_hz == 48000000u ? "MSI 48 MHz" : "MSI did not settle: 4 MHz";
    out->reset_cause = cause_name;
    return FERRY_OK;
}

void console_write(const char*) {}  // the only USART is the modem's once it is up
void announce(const char* text) {
    g_modem.write_text(text);  // a no-op until app_init has set the USART up
    g_modem.flush();
}

void reset() { cm::system_reset(); }

}  // namespace ferry::board
