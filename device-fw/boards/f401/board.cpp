// STM32F401xC (256 KB) and xE (512 KB), as on the Nucleo-F401RE: modem on USART1 (PA9 TX,
// PA10 RX, PA11 CTS, PA12 RTS, AF7) with hardware flow control, console on USART2 (PA2/PA3, the
// ST-Link virtual COM port), HSE 8 MHz in bypass from the ST-Link MCO (boards with a crystal:
// set kHseBypass false and kHseHz to the crystal). FERRY_F401_FLASH_KB picks the part.
#include "boards/board.h"

#include "clock_f4.h"
#include "cm_regs.h"
#include "f4_regs.h"
#include "ferry/errors.h"
#include "flash_f4.h"
#include "gpio.h"
#include "iwdg.h"
#include "port_callbacks.h"
#include "systick.h"
#include "usart_f4.h"

#if FERRY_F401_FLASH_KB == 256
#define FERRY_F401_LAYOUT kLayoutF401xC
#define FERRY_F401_GEOMETRY kGeometryF401xC
#define FERRY_F401_NAME "f401xc"
#elif FERRY_F401_FLASH_KB == 512
#define FERRY_F401_LAYOUT kLayoutF401xE
#define FERRY_F401_GEOMETRY kGeometryF401xE
#define FERRY_F401_NAME "f401xe"
#else
#error "FERRY_F401_FLASH_KB must be 256 or 512"
#endif

namespace ferry::board {
namespace {

constexpr uint32_t kHseHz = 8000000u;
constexpr bool kHseBypass = true;
constexpr uint32_t kModemBaud = 115200;
constexpr unsigned kModemPins[] = {9, 10, 11, 12};  // PA9 TX, PA10 RX, PA11 CTS, PA12 RTS
constexpr unsigned kConsolePins[] = {2, 3};          // PA2 TX, PA3 RX
constexpr uint32_t kConsoleBaud = 115200;
constexpr uint32_t kWatchdogMs = 4000;  // above the 2 s worst-case sector erase

stm32::BufferedUsart g_modem;
stm32::BufferedUsart g_console;
uint32_t g_random = 0x9E3779B9u;

void do_reset(void*) { reset(); }

const char* clock_note(const f4::ClockResult& c) {
    if (c.pll_failed)
        return c.hse_failed ? "HSE and PLL not ready: HSI 16 MHz" : "PLL not ready: HSI 16 MHz";
    return c.hse_failed ? "HSE not ready: 84 MHz from HSI" : "84 MHz from HSE";
}

}  // namespace

const char* name() { return FERRY_F401_NAME; }
const Layout& layout() { return FERRY_F401_LAYOUT; }

uint32_t boot_clocks_up() { return f4::clock_84mhz(kHseHz, kHseBypass).sysclk_hz; }

int boot_flash(FlashPort* out) {
    *out = f4::flash_port(&f4::FERRY_F401_GEOMETRY);
    return FERRY_OK;
}

void boot_prepare_handoff() {
    f4::clock_reset_state();
    f4::peripherals_reset_state();
}

void boot_report(const char*) {}  // no console in the bootloader: it must fit 16 KB

void boot_halt() {
    // Nothing bootable. Sleep; a power cycle or a debugger (ST-Link) takes it from here.
    for (;;)
        cm::wfi();
}

int app_init(AppServices* out) {
    static const char* cause_name = stm32::reset_cause_name(f4::reset_cause_take());
    const f4::ClockResult clock = f4::clock_84mhz(kHseHz, kHseBypass);
    cm::systick_start(clock.sysclk_hz);
    stm32::iwdg_start(kWatchdogMs);
    f4::reg(f4::kRccAhb1enr) |= f4::kAhb1GpioA;
    f4::reg(f4::kRccApb2enr) |= f4::kApb2Usart1;
    f4::reg(f4::kRccApb1enr) |= f4::kApb1Usart2;
    cm::read_back(f4::kRccApb1enr);
    for (unsigned pin : kModemPins)
        stm32::gpio_alternate(f4::kGpioA, pin, 7, pin == 10 ? stm32::Pull::kUp : stm32::Pull::kNone);
    for (unsigned pin : kConsolePins)
        stm32::gpio_alternate(f4::kGpioA, pin, 7, pin == 3 ? stm32::Pull::kUp : stm32::Pull::kNone);
    g_modem.init(f4::kUsartLayout, f4::kUsart1, f4::kIrqUsart1, clock.pclk2_hz, kModemBaud, true);
    g_console.init(f4::kUsartLayout, f4::kUsart2, f4::kIrqUsart2, clock.pclk1_hz, kConsoleBaud, false);
    cm::enable_irq();
    out->port.flash = f4::flash_port(&f4::FERRY_F401_GEOMETRY);
    out->port.serial = g_modem.port();
    out->port.clock = ClockPort{nullptr, stm32::millis_cb, stm32::idle_cb};
    out->port.system = SystemPort{&g_random, stm32::watchdog_kick_cb, do_reset, stm32::jitter_random_cb};
    out->clock_note = clock_note(clock);
    out->reset_cause = cause_name;
    return FERRY_OK;
}

void console_write(const char* text) { g_console.write_text(text); }
void announce(const char* text) { g_console.write_text(text); }

void reset() {
    g_console.flush();
    cm::system_reset();
}

}  // namespace ferry::board
