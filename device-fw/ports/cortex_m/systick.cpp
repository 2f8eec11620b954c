#include "systick.h"

#include "cm_regs.h"

namespace ferry::cm {
namespace {

volatile uint32_t g_millis;

uint32_t clock_millis(void*) { return g_millis; }
void clock_idle(void*) { wfi(); }

}  // namespace

void systick_start(uint32_t core_hz) {
    reg(kSysTickCtrl) = 0;
    reg(kSysTickLoad) = core_hz / 1000u - 1u;
    reg(kSysTickVal) = 0;
    reg(kSysTickCtrl) = 0x7u;  // processor clock, interrupt, enable
}

void systick_stop() {
    reg(kSysTickCtrl) = 0;
    reg(kSysTickLoad) = 0;
    reg(kSysTickVal) = 0;
    reg(kScbIcsr) = kIcsrPendStClr;
}

uint32_t systick_millis() { return g_millis; }

ClockPort systick_clock() { return ClockPort{nullptr, clock_millis, clock_idle}; }

}  // namespace ferry::cm

extern "C" void SysTick_Handler() { ferry::cm::g_millis = ferry::cm::g_millis + 1; }
