// STM32F401/F405 register addresses and bits used by this port (RM0368 for the F401; the F405
// that QEMU models shares these blocks, RM0090). Written from the reference manuals; only what
// the port touches.
#pragma once

#include <stdint.h>

#include "cm_regs.h"

namespace ferry::f4 {

using cm::reg;

// RCC (RM0368 6.3)
inline constexpr uint32_t kRcc = 0x40023800u;
inline constexpr uint32_t kRccCr = kRcc + 0x00;
inline constexpr uint32_t kRccPllcfgr = kRcc + 0x04;
inline constexpr uint32_t kRccCfgr = kRcc + 0x08;
inline constexpr uint32_t kRccCir = kRcc + 0x0C;
inline constexpr uint32_t kRccAhb1rstr = kRcc + 0x10;
inline constexpr uint32_t kRccApb1rstr = kRcc + 0x20;
inline constexpr uint32_t kRccApb2rstr = kRcc + 0x24;
inline constexpr uint32_t kRccAhb1enr = kRcc + 0x30;
inline constexpr uint32_t kRccApb1enr = kRcc + 0x40;
inline constexpr uint32_t kRccApb2enr = kRcc + 0x44;
inline constexpr uint32_t kRccCsr = kRcc + 0x74;

inline constexpr uint32_t kCrHsiOn = 1u << 0, kCrHsiRdy = 1u << 1;
inline constexpr uint32_t kCrHseOn = 1u << 16, kCrHseRdy = 1u << 17, kCrHseByp = 1u << 18;
inline constexpr uint32_t kCrCssOn = 1u << 19;
inline constexpr uint32_t kCrPllOn = 1u << 24, kCrPllRdy = 1u << 25;
inline constexpr uint32_t kCrResetValue = 0x00000083u;       // HSI on, trim 16
inline constexpr uint32_t kPllcfgrResetValue = 0x24003010u;  // RM0368 6.3.2
inline constexpr uint32_t kCfgrSwMask = 0x3u, kCfgrSwsMask = 0xCu;
inline constexpr uint32_t kCfgrSwHsi = 0x0u, kCfgrSwPll = 0x2u;
inline constexpr uint32_t kCfgrSwsPll = 0x8u;
inline constexpr uint32_t kCfgrPpre1Div2 = 0x4u << 10;

inline constexpr uint32_t kAhb1GpioA = 1u << 0, kAhb1GpioB = 1u << 1;
inline constexpr uint32_t kApb1Usart2 = 1u << 17;
inline constexpr uint32_t kApb2Usart1 = 1u << 4;

// RCC_CSR reset flags (RM0368 6.3.21)
inline constexpr uint32_t kCsrRmvf = 1u << 24;
inline constexpr uint32_t kCsrBorRstf = 1u << 25, kCsrPinRstf = 1u << 26, kCsrPorRstf = 1u << 27;
inline constexpr uint32_t kCsrSftRstf = 1u << 28, kCsrIwdgRstf = 1u << 29, kCsrWwdgRstf = 1u << 30;
inline constexpr uint32_t kCsrLpwrRstf = 1u << 31;

// Flash interface (RM0368 3.8)
inline constexpr uint32_t kFlash = 0x40023C00u;
inline constexpr uint32_t kFlashAcr = kFlash + 0x00;
inline constexpr uint32_t kFlashKeyr = kFlash + 0x04;
inline constexpr uint32_t kFlashSr = kFlash + 0x0C;
inline constexpr uint32_t kFlashCr = kFlash + 0x10;
inline constexpr uint32_t kFlashKey1 = 0x45670123u, kFlashKey2 = 0xCDEF89ABu;
inline constexpr uint32_t kAcrLatencyMask = 0xFu, kAcrPrften = 1u << 8, kAcrIcen = 1u << 9,
                          kAcrDcen = 1u << 10, kAcrIcrst = 1u << 11, kAcrDcrst = 1u << 12;
inline constexpr uint32_t kSrEop = 1u << 0, kSrOperr = 1u << 1, kSrWrperr = 1u << 4, kSrPgaerr = 1u << 5,
                          kSrPgperr = 1u << 6, kSrPgserr = 1u << 7, kSrRderr = 1u << 8, kSrBsy = 1u << 16;
inline constexpr uint32_t kSrErrors = kSrOperr | kSrWrperr | kSrPgaerr | kSrPgperr | kSrPgserr | kSrRderr;
inline constexpr uint32_t kCrPg = 1u << 0, kCrSer = 1u << 1, kCrSnbShift = 3, kCrSnbMask = 0xFu << 3;
inline constexpr uint32_t kCrPsizeX32 = 2u << 8, kCrPsizeMask = 3u << 8, kCrStrt = 1u << 16,
                          kCrLock = 1u << 31;

// GPIO (RM0368 8.4)
inline constexpr uint32_t kGpioA = 0x40020000u, kGpioB = 0x40020400u;
inline constexpr uint32_t kGpioModer = 0x00, kGpioOspeedr = 0x08, kGpioPupdr = 0x0C, kGpioAfrl = 0x20,
                          kGpioAfrh = 0x24;

// USART (RM0368 19.6): bases and interrupt lines (register layout in usart_f4.h).
inline constexpr uint32_t kUsart1 = 0x40011000u, kUsart2 = 0x40004400u;
inline constexpr unsigned kIrqUsart1 = 37, kIrqUsart2 = 38;

// Independent watchdog (RM0368 17.4), same block on the WB55
inline constexpr uint32_t kIwdg = 0x40003000u;

}  // namespace ferry::f4
