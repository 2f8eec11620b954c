// The STM32F4 USART register set (SR/DR, RM0368 19.6), which QEMU's stm32f2xx model also
// implements, as the adapter of the shared interrupt-driven driver.
#pragma once

#include <stdint.h>

#include "buffered_usart.h"
#include "f4_regs.h"

namespace ferry::f4 {

struct UsartRegs {
    uint32_t base;
    unsigned irq;

    volatile uint32_t& r(uint32_t off) const { return reg(base + off); }
    void setup(uint32_t pclk_hz, uint32_t baud, bool flow) const {
        r(kUsartCr1) = 0;
        r(kUsartBrr) = (pclk_hz + baud / 2) / baud;  // 16x oversampling
        r(kUsartCr2) = 0;                            // 1 stop bit
        r(kUsartCr3) = flow ? (kUsartCr3Rtse | kUsartCr3Ctse) : 0u;
        r(kUsartCr1) = kUsartCr1Ue | kUsartCr1Te | kUsartCr1Re | kUsartCr1Rxneie;
    }
    uint32_t status() const { return r(kUsartSr); }
    static bool rx_ready(uint32_t s) { return s & kUsartSrRxne; }
    static bool overrun(uint32_t s) { return s & kUsartSrOre; }
    static bool line_error(uint32_t s) { return s & (kUsartSrFe | kUsartSrNf); }
    static bool tx_empty(uint32_t s) { return s & kUsartSrTxe; }
    static bool tx_complete(uint32_t s) { return s & kUsartSrTc; }
    void clear_errors(uint32_t s) const {
        if ((s & kUsartSrOre) && !(s & kUsartSrRxne))
            cm::read_back(base + kUsartDr);  // SR then DR clears ORE
    }
    uint8_t take() const { return static_cast<uint8_t>(r(kUsartDr)); }
    void put(uint8_t b) const { r(kUsartDr) = b; }
    void tx_irq(bool on) const {
        r(kUsartCr1) = on ? (r(kUsartCr1) | kUsartCr1Txeie) : (r(kUsartCr1) & ~kUsartCr1Txeie);
    }
    bool tx_irq_on() const { return r(kUsartCr1) & kUsartCr1Txeie; }
};

using Usart = stm32::BufferedUsart<UsartRegs>;

}  // namespace ferry::f4
