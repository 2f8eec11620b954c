#include "buffered_usart.h"

#include <string.h>

#include "cm_regs.h"
#include "ferry/errors.h"
#include "systick.h"
#include "vectors.h"

namespace ferry::stm32 {
namespace {

// Status and control bits, at the same positions in both register sets.
constexpr uint32_t kFe = 1u << 1, kNoise = 1u << 2, kOre = 1u << 3, kRxne = 1u << 5, kTc = 1u << 6, kTxe = 1u << 7;
constexpr uint32_t kCr1Re = 1u << 2, kCr1Te = 1u << 3, kCr1Rxneie = 1u << 5, kCr1Txeie = 1u << 7;
constexpr uint32_t kCr3Rtse = 1u << 8, kCr3Ctse = 1u << 9;

constexpr uint32_t kWaitMs = 1000;
constexpr uint32_t kWaitSpins = 20000000u;

int serial_read(void* ctx, uint8_t* buf, size_t max) { return static_cast<BufferedUsart*>(ctx)->read(buf, max); }
int serial_write(void* ctx, const uint8_t* data, size_t len) {
    return static_cast<BufferedUsart*>(ctx)->write(data, len);
}
void irq_entry(void* ctx) { static_cast<BufferedUsart*>(ctx)->on_interrupt(); }

}  // namespace

void BufferedUsart::init(const UsartLayout& layout, uint32_t base, unsigned irq, uint32_t pclk_hz, uint32_t baud,
                         bool flow_control) {
    layout_ = &layout;
    base_ = base;
    r(layout.cr1) = 0;
    r(layout.brr) = (pclk_hz + baud / 2) / baud;  // 16x oversampling
    r(layout.cr2) = 0;                            // 1 stop bit
    r(layout.cr3) = flow_control ? (kCr3Rtse | kCr3Ctse) : 0u;
    if (layout.icr != kNoIcr)
        r(layout.icr) = kFe | kNoise | kOre;
    cm::irq_attach(irq, irq_entry, this);
    cm::nvic_priority(irq, 0x40);
    cm::nvic_enable(irq);
    r(layout.cr1) = layout.cr1_enable | kCr1Te | kCr1Re | kCr1Rxneie;
}

SerialPort BufferedUsart::port() { return SerialPort{this, serial_read, serial_write}; }

void BufferedUsart::tx_irq(bool on) const {
    r(layout_->cr1) = on ? (r(layout_->cr1) | kCr1Txeie) : (r(layout_->cr1) & ~kCr1Txeie);
}

void BufferedUsart::on_interrupt() {
    const uint32_t s = r(layout_->status);
    if (s & (kRxne | kOre)) {
        if (s & kOre)
            ++stats_.overruns;
        if (s & (kFe | kNoise))
            ++stats_.line_errors;
        if (layout_->icr != kNoIcr && (s & (kOre | kFe | kNoise)))
            r(layout_->icr) = s & (kOre | kFe | kNoise);  // same bit positions in ICR
        if (s & kRxne) {
            if (!rx_.push(static_cast<uint8_t>(r(layout_->rdr))))
                ++stats_.rx_dropped;
        } else if (layout_->icr == kNoIcr) {
            cm::read_back(base_ + layout_->rdr);  // status then data clears ORE
        }
    }
    if ((r(layout_->cr1) & kCr1Txeie) && (s & kTxe)) {
        uint8_t b;
        if (tx_.pop(&b))
            r(layout_->tdr) = b;
        else
            tx_irq(false);
    }
}

// Feeds the transmitter while it takes bytes, then leaves the rest to the TXE interrupt.
// (QEMU's model sends at once and keeps TXE set, so there this empties the ring itself.)
void BufferedUsart::pump_tx() {
    cm::IrqGuard guard;
    uint8_t b;
    while ((r(layout_->status) & kTxe) && tx_.pop(&b))
        r(layout_->tdr) = b;
    if (!tx_.empty())
        tx_irq(true);
}

int BufferedUsart::read(uint8_t* buf, size_t max) {
    size_t n = 0;
    while (n < max && rx_.pop(&buf[n]))
        ++n;
    return static_cast<int>(n);
}

int BufferedUsart::write(const uint8_t* data, size_t len) {
    if (!layout_)
        return FERRY_ERR_IO;
    size_t n = 0;
    uint32_t spins = 0;
    const uint32_t start = cm::systick_millis();
    while (n < len) {
        while (n < len && tx_.push(data[n]))
            ++n;
        pump_tx();
        if (n < len && (cm::systick_millis() - start > kWaitMs || ++spins > kWaitSpins))
            return n ? static_cast<int>(n) : FERRY_ERR_TIMEOUT;
    }
    return static_cast<int>(n);
}

void BufferedUsart::write_text(const char* text) { write(reinterpret_cast<const uint8_t*>(text), strlen(text)); }

void BufferedUsart::flush() {
    if (!layout_)
        return;
    const uint32_t start = cm::systick_millis();
    for (uint32_t spins = 0; spins < kWaitSpins && cm::systick_millis() - start < kWaitMs; ++spins) {
        pump_tx();
        if (tx_.empty() && (r(layout_->status) & kTc))
            return;
    }
}

}  // namespace ferry::stm32
