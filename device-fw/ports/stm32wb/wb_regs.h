// STM32WB55 register addresses and bits used by this port (RM0434). Written from the
// reference manual; only what the port touches.
#pragma once

#include <stdint.h>

#include "cm_regs.h"

namespace ferry::wb {

using cm::reg;

// RCC (RM0434 7.4)
inline constexpr uint32_t kRcc = 0x58000000u;
inline constexpr uint32_t kRccCr = kRcc + 0x00;
inline constexpr uint32_t kRccCfgr = kRcc + 0x08;
inline constexpr uint32_t kRccAhb2rstr = kRcc + 0x2C;
inline constexpr uint32_t kRccApb2rstr = kRcc + 0x40;
inline constexpr uint32_t kRccAhb2enr = kRcc + 0x4C;
inline constexpr uint32_t kRccAhb3enr = kRcc + 0x50;
inline constexpr uint32_t kRccApb2enr = kRcc + 0x60;
inline constexpr uint32_t kRccCsr = kRcc + 0x94;
inline constexpr uint32_t kCrMsiOn = 1u << 0, kCrMsiRdy = 1u << 1, kCrMsiRangeShift = 4,
                          kCrMsiRangeMask = 0xFu << 4;
inline constexpr uint32_t kMsiRange4MHz = 6, kMsiRange48MHz = 11;
inline constexpr uint32_t kCfgrSwsMask = 0xCu;
inline constexpr uint32_t kAhb2GpioA = 1u << 0, kAhb2GpioB = 1u << 1;
inline constexpr uint32_t kAhb3Hsem = 1u << 19;
inline constexpr uint32_t kApb2Usart1 = 1u << 14;
// RCC_CSR reset flags (RM0434 7.4.29)
inline constexpr uint32_t kCsrRmvf = 1u << 23;
inline constexpr uint32_t kCsrOblRstf = 1u << 25, kCsrPinRstf = 1u << 26, kCsrBorRstf = 1u << 27,
                          kCsrSftRstf = 1u << 28, kCsrIwdgRstf = 1u << 29, kCsrWwdgRstf = 1u << 30,
                          kCsrLpwrRstf = 1u << 31;

// Flash interface (RM0434 3.10)
inline constexpr uint32_t kFlash = 0x58004000u;
inline constexpr uint32_t kFlashAcr = kFlash + 0x00;
inline constexpr uint32_t kFlashKeyr = kFlash + 0x08;
inline constexpr uint32_t kFlashSr = kFlash + 0x10;
inline constexpr uint32_t kFlashCr = kFlash + 0x14;
inline constexpr uint32_t kFlashSfr = kFlash + 0x80;
inline constexpr uint32_t kFlashKey1 = 0x45670123u, kFlashKey2 = 0xCDEF89ABu;
inline constexpr uint32_t kAcrLatencyMask = 0x7u, kAcrPrften = 1u << 8, kAcrIcen = 1u << 9,
                          kAcrDcen = 1u << 10, kAcrIcrst = 1u << 11, kAcrDcrst = 1u << 12;
inline constexpr uint32_t kSrEop = 1u << 0, kSrOperr = 1u << 1, kSrProgerr = 1u << 3, kSrWrperr = 1u << 4,
                          kSrPgaerr = 1u << 5, kSrSizerr = 1u << 6, kSrPgserr = 1u << 7, kSrMisserr = 1u << 8,
                          kSrFasterr = 1u << 9, kSrRderr = 1u << 14, kSrOptverr = 1u << 15, kSrBsy = 1u << 16,
                          kSrCfgbsy = 1u << 18, kSrPesd = 1u << 19;
inline constexpr uint32_t kSrErrors = kSrOperr | kSrProgerr | kSrWrperr | kSrPgaerr | kSrSizerr | kSrPgserr |
                                      kSrMisserr | kSrFasterr | kSrRderr | kSrOptverr;
inline constexpr uint32_t kCrPg = 1u << 0, kCrPer = 1u << 1, kCrPnbShift = 3, kCrStrt = 1u << 16,
                          kCrLock = 1u << 31;
inline constexpr uint32_t kSfrSfsaMask = 0xFFu, kSfrFsd = 1u << 8;

// Hardware semaphores (RM0434 37): 1-step lock by reading RLRx; CPU1's core id is 4.
inline constexpr uint32_t kHsem = 0x58001400u;
inline constexpr uint32_t kHsemR = kHsem + 0x000, kHsemRlr = kHsem + 0x080;
inline constexpr uint32_t kHsemLock = 1u << 31, kHsemCoreIdCpu1 = 4u << 8;
// AN5289: semaphore 2 guards the flash between the cores; CPU2 holds 7 while it needs the
// flash left alone (its radio timing).
inline constexpr unsigned kSemFlash = 2, kSemBlockedByCpu2 = 7;

// GPIO (RM0434 9.4)
inline constexpr uint32_t kGpioA = 0x48000000u, kGpioB = 0x48000400u;

// USART1 (RM0434 36.8): base and interrupt line (register layout in usart_wb.h).
inline constexpr uint32_t kUsart1 = 0x40013800u;
inline constexpr unsigned kIrqUsart1 = 36;

}  // namespace ferry::wb
