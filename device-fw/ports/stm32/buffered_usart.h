// Interrupt-driven USART with receive and transmit rings, shared by the F4 and WB55 ports; each
// supplies a small register adapter (the two chips lay out the same functions differently).
// Interrupts only move bytes; the main loop reads and writes the rings through a SerialPort.
#pragma once

#include <stdint.h>
#include <string.h>

#include "cm_regs.h"
#include "ferry/errors.h"
#include "ferry/port.h"
#include "ring_buffer.h"
#include "systick.h"
#include "vectors.h"

namespace ferry::stm32 {

struct UsartStats {
    uint32_t rx_dropped;   // ring full (the main loop did not read in time)
    uint32_t overruns;     // a byte lost in hardware before the interrupt ran
    uint32_t line_errors;  // framing or noise
};

// Regs needs: void setup(uint32_t pclk_hz, uint32_t baud, bool flow); uint32_t status();
// bool rx_ready(s), overrun(s), line_error(s), tx_empty(s), tx_complete(s); uint8_t take();
// void put(uint8_t); void clear_errors(s); void tx_irq(bool on); bool tx_irq_on(); unsigned irq.
template <typename Regs>
class BufferedUsart {
public:
    explicit BufferedUsart(Regs regs) : regs_(regs) {}

    // The board has enabled the bus clock and set the pins.
    void init(uint32_t pclk_hz, uint32_t baud, bool flow_control) {
        regs_.setup(pclk_hz, baud, flow_control);
        cm::irq_attach(regs_.irq, irq_entry, this);
        cm::nvic_priority(regs_.irq, 0x40);
        cm::nvic_enable(regs_.irq);
    }

    SerialPort port() { return SerialPort{this, serial_read, serial_write}; }

    int read(uint8_t* buf, size_t max) {
        size_t n = 0;
        while (n < max && rx_.pop(&buf[n]))
            ++n;
        return static_cast<int>(n);
    }

    // Queues bytes; waits (bounded by the tick and by a count) while the ring is full.
    int write(const uint8_t* data, size_t len) {
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

    void write_text(const char* text) { write(reinterpret_cast<const uint8_t*>(text), strlen(text)); }

    // Waits (bounded) until every queued byte has left the shift register.
    void flush() {
        const uint32_t start = cm::systick_millis();
        for (uint32_t spins = 0; spins < kWaitSpins && cm::systick_millis() - start < kWaitMs; ++spins) {
            pump_tx();
            if (tx_.empty() && regs_.tx_complete(regs_.status()))
                return;
        }
    }

    const UsartStats& stats() const { return stats_; }

    void on_interrupt() {
        const uint32_t s = regs_.status();
        if (regs_.rx_ready(s) || regs_.overrun(s)) {
            if (regs_.overrun(s))
                ++stats_.overruns;
            if (regs_.line_error(s))
                ++stats_.line_errors;
            regs_.clear_errors(s);
            if (regs_.rx_ready(s)) {
                const uint8_t b = regs_.take();
                if (!rx_.push(b))
                    ++stats_.rx_dropped;
            }
        }
        if (regs_.tx_irq_on() && regs_.tx_empty(s)) {
            uint8_t b;
            if (tx_.pop(&b))
                regs_.put(b);
            else
                regs_.tx_irq(false);
        }
    }

private:
    static constexpr uint32_t kWaitMs = 1000;
    static constexpr uint32_t kWaitSpins = 20000000u;

    static int serial_read(void* ctx, uint8_t* buf, size_t max) {
        return static_cast<BufferedUsart*>(ctx)->read(buf, max);
    }
    static int serial_write(void* ctx, const uint8_t* data, size_t len) {
        return static_cast<BufferedUsart*>(ctx)->write(data, len);
    }
    static void irq_entry(void* ctx) { static_cast<BufferedUsart*>(ctx)->on_interrupt(); }

    // Feeds the transmitter while it takes bytes, then leaves the rest to the TXE interrupt.
    // (QEMU's model sends at once and keeps TXE set, so there this empties the ring itself.)
    void pump_tx() {
        cm::IrqGuard guard;
        uint8_t b;
        while (regs_.tx_empty(regs_.status()) && tx_.pop(&b))
            regs_.put(b);
        if (!tx_.empty())
            regs_.tx_irq(true);
    }

    Regs regs_;
    cm::RingBuffer<2048> rx_;
    cm::RingBuffer<512> tx_;
    UsartStats stats_{};
};

}  // namespace ferry::stm32
