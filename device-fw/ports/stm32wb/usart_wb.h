// The STM32WB55 USART register set (ISR/ICR/RDR/TDR, RM0434 36.8) as the adapter of the shared
// interrupt-driven driver.
#pragma once

#include <stdint.h>

#include "buffered_usart.h"
#include "wb_regs.h"

namespace ferry::wb {

struct UsartRegs {
    uint32_t base;
    unsigned irq;

    volatile uint32_t& r(uint32_t off) const { return reg(base + off); }
    void setup(uint32_t pclk_hz, uint32_t baud, bool flow) const {
        r(kUsartCr1) = 0;
        r(kUsartBrr) = (pclk_hz + baud / 2) / baud;  // 16x oversampling, no prescaler
        r(kUsartCr2) = 0;
        r(kUsartCr3) = flow ? (kUsartCr3Rtse | kUsartCr3Ctse) : 0u;
        r(kUsartIcr) = kUsartIcrAll;
        r(kUsartCr1) = kUsartCr1Ue | kUsartCr1Te | kUsartCr1Re | kUsartCr1Rxneie;
    }
    uint32_t status() const { return r(kUsartIsr); }
    static bool rx_ready(uint32_t s) { return s & kUsartIsrRxne; }
    static bool overrun(uint32_t s) { return s & kUsartIsrOre; }
    static bool line_error(uint32_t s) { return s & (kUsartIsrFe | kUsartIsrNe); }
    static bool tx_empty(uint32_t s) { return s & kUsartIsrTxe; }
    static bool tx_complete(uint32_t s) { return s & kUsartIsrTc; }
    void clear_errors(uint32_t s) const {
        if (s & (kUsartIsrOre | kUsartIsrFe | kUsartIsrNe))
            r(kUsartIcr) = kUsartIsrOre | kUsartIsrFe | kUsartIsrNe;  // same bit positions in ICR
    }
    uint8_t take() const { return static_cast<uint8_t>(r(kUsartRdr)); }
    void put(uint8_t b) const { r(kUsartTdr) = b; }
    void tx_irq(bool on) const {
        r(kUsartCr1) = on ? (r(kUsartCr1) | kUsartCr1Txeie) : (r(kUsartCr1) & ~kUsartCr1Txeie);
    }
    bool tx_irq_on() const { return r(kUsartCr1) & kUsartCr1Txeie; }
};

using Usart = stm32::BufferedUsart<UsartRegs>;

}  // namespace ferry::wb
