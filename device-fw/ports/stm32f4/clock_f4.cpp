#include "clock_f4.h"

#include "f4_regs.h"

namespace ferry::f4 {
namespace {

// Bounds in poll iterations (each a few cycles at 16 MHz): HSE start-up is specified up to a
// few ms; 200,000 polls are >= 50 ms even at 84 MHz.
constexpr uint32_t kReadyPolls = 200000u;

bool wait_set(uint32_t addr, uint32_t mask, uint32_t want) { return cm::wait_bits(addr, mask, want, kReadyPolls); }

void set_flash_latency(uint32_t ws) {
    reg(kFlashAcr) = (reg(kFlashAcr) & ~kAcrLatencyMask) | ws | kAcrPrften | kAcrIcen | kAcrDcen;
    wait_set(kFlashAcr, kAcrLatencyMask, ws);  // must read back before the clock goes up
}

}  // namespace

ClockResult clock_84mhz(uint32_t hse_hz, bool hse_bypass) {
    ClockResult r{ClockSource::kHsi, 16000000u, 16000000u, 16000000u, false, false};
    reg(kRccCr) |= kCrHsiOn;
    wait_set(kRccCr, kCrHsiRdy, kCrHsiRdy);

    uint32_t pll_in_hz = 16000000u;
    bool from_hse = false;
    if (hse_hz != 0) {
        reg(kRccCr) |= kCrHseOn | (hse_bypass ? kCrHseByp : 0u);
        if (wait_set(kRccCr, kCrHseRdy, kCrHseRdy)) {
            pll_in_hz = hse_hz;
            from_hse = true;
        } else {
            reg(kRccCr) &= ~(kCrHseOn | kCrHseByp);
            r.hse_failed = true;
        }
    }

    // The PLL is configured only while off. VCO input 1 MHz (M = input in MHz), VCO 336 MHz,
    // /4 = 84 MHz system clock, /7 = 48 MHz for USB.
    reg(kRccCfgr) = (reg(kRccCfgr) & ~kCfgrSwMask) | kCfgrSwHsi;
    wait_set(kRccCfgr, kCfgrSwsMask, 0);
    reg(kRccCr) &= ~kCrPllOn;
    wait_set(kRccCr, kCrPllRdy, 0);
    const uint32_t m = pll_in_hz / 1000000u;
    reg(kRccPllcfgr) = m | (336u << 6) | (1u << 16) /* P = 4 */ | (from_hse ? 1u << 22 : 0u) | (7u << 24);

    set_flash_latency(2);              // 2 wait states at 84 MHz, 2.7-3.6 V
    reg(kRccCfgr) = kCfgrPpre1Div2;    // AHB /1, APB1 /2 (<= 42 MHz), APB2 /1, still HSI
    reg(kRccCr) |= kCrPllOn;
    if (!wait_set(kRccCr, kCrPllRdy, kCrPllRdy)) {
        reg(kRccCr) &= ~kCrPllOn;
        r.pll_failed = true;
        r.pclk1_hz = 8000000u;
        return r;
    }
    reg(kRccCfgr) = (reg(kRccCfgr) & ~kCfgrSwMask) | kCfgrSwPll;
    if (!wait_set(kRccCfgr, kCfgrSwsMask, kCfgrSwsPll)) {
        reg(kRccCfgr) &= ~kCfgrSwMask;
        r.pll_failed = true;
        r.pclk1_hz = 8000000u;
        return r;
    }
    r.source = from_hse ? ClockSource::kPllFromHse : ClockSource::kPllFromHsi;
    r.sysclk_hz = 84000000u;
    r.pclk1_hz = 42000000u;
    r.pclk2_hz = 84000000u;
    return r;
}

void clock_reset_state() {
    reg(kRccCr) |= kCrHsiOn;
    wait_set(kRccCr, kCrHsiRdy, kCrHsiRdy);
    reg(kRccCfgr) = 0;  // HSI, all prescalers /1
    wait_set(kRccCfgr, kCfgrSwsMask, 0);
    reg(kRccCr) &= ~(kCrPllOn | kCrCssOn | kCrHseOn);
    wait_set(kRccCr, kCrPllRdy | kCrHseRdy, 0);
    reg(kRccCr) &= ~kCrHseByp;
    reg(kRccPllcfgr) = kPllcfgrResetValue;
    reg(kRccCir) = 0x00BF0000u;  // clear every ready/CSS flag, interrupts off
    // Wait states down only now that the clock is low; caches reset while disabled.
    reg(kFlashAcr) = 0;
    reg(kFlashAcr) = kAcrIcrst | kAcrDcrst;
    reg(kFlashAcr) = 0;
}

void peripherals_reset_state() {
    constexpr uint32_t ahb1 = kAhb1GpioA | kAhb1GpioB;
    reg(kRccAhb1rstr) = ahb1;
    reg(kRccAhb1rstr) = 0;
    reg(kRccApb1rstr) = kApb1Usart2;
    reg(kRccApb1rstr) = 0;
    reg(kRccApb2rstr) = kApb2Usart1;
    reg(kRccApb2rstr) = 0;
    reg(kRccAhb1enr) = 0;
    reg(kRccApb1enr) = 0;
    reg(kRccApb2enr) = 0;
}

stm32::ResetCause reset_cause_take() {
    using stm32::ResetCause;
    static constexpr stm32::ResetFlag kFlags[] = {
        {kCsrIwdgRstf, ResetCause::kIndependentWatchdog}, {kCsrWwdgRstf, ResetCause::kWindowWatchdog},
        {kCsrLpwrRstf, ResetCause::kLowPower},           {kCsrSftRstf, ResetCause::kSoftware},
        {kCsrPorRstf, ResetCause::kPowerOn},             {kCsrBorRstf, ResetCause::kBrownOut},
        {kCsrPinRstf, ResetCause::kPin}};
    return stm32::reset_cause_take(kRccCsr, kCsrRmvf, kFlags);
}

}  // namespace ferry::f4
