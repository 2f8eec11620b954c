#include "clock_wb.h"

#include "wb_regs.h"

namespace ferry::wb {
namespace {

constexpr uint32_t kReadyPolls = 200000u;

bool wait_bits(uint32_t addr, uint32_t mask, uint32_t want) { return cm::wait_bits(addr, mask, want, kReadyPolls); }

bool set_msi_range(uint32_t range) {
    // The range may change only while MSI is off or ready.
    if (!wait_bits(kRccCr, kCrMsiRdy, kCrMsiRdy))
        return false;
    reg(kRccCr) = (reg(kRccCr) & ~kCrMsiRangeMask) | (range << kCrMsiRangeShift);
    return wait_bits(kRccCr, kCrMsiRdy, kCrMsiRdy);
}

}  // namespace

uint32_t clock_msi_48mhz() {
    if ((reg(kRccCfgr) & kCfgrSwsMask) != 0)
        return 0;  // not on MSI: someone else set the clocks; leave them
    // 2 wait states up to 54 MHz at range 1 (the reset voltage range), set before speeding up.
    reg(kFlashAcr) = (reg(kFlashAcr) & ~kAcrLatencyMask) | 2u | kAcrPrften | kAcrIcen | kAcrDcen;
    if (!wait_bits(kFlashAcr, kAcrLatencyMask, 2u))
        return 4000000u;
    if (!set_msi_range(kMsiRange48MHz)) {
        set_msi_range(kMsiRange4MHz);
        return 4000000u;
    }
    return 48000000u;
}

void clock_reset_state() {
    set_msi_range(kMsiRange4MHz);
    reg(kFlashAcr) = 0x600u;  // reset value: 0 WS, instruction cache and prefetch as after reset
    reg(kFlashAcr) = 0x600u | kAcrIcrst | kAcrDcrst;
    reg(kFlashAcr) = 0x600u;
}

void peripherals_reset_state() {
    reg(kRccAhb2rstr) = kAhb2GpioA | kAhb2GpioB;
    reg(kRccAhb2rstr) = 0;
    reg(kRccApb2rstr) = kApb2Usart1;
    reg(kRccApb2rstr) = 0;
    reg(kRccAhb2enr) = 0;
    reg(kRccApb2enr) = 0;
}

stm32::ResetCause reset_cause_take() {
    using stm32::ResetCause;
    static constexpr stm32::ResetFlag kFlags[] = {
        {kCsrIwdgRstf, ResetCause::kIndependentWatchdog}, {kCsrWwdgRstf, ResetCause::kWindowWatchdog},
        {kCsrLpwrRstf, ResetCause::kLowPower},           {kCsrSftRstf, ResetCause::kSoftware},
        {kCsrOblRstf, ResetCause::kOptionBytes},         {kCsrBorRstf, ResetCause::kBrownOut},
        {kCsrPinRstf, ResetCause::kPin}};
    return stm32::reset_cause_take(kRccCsr, kCsrRmvf, kFlags);
}

}  // namespace ferry::wb
