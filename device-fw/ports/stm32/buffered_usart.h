// Interrupt-driven USART with receive and transmit rings, for the F4 (and QEMU's model of it)
// and the WB55. The two register sets put the same bits at the same positions and differ only in
// register offsets, the UE bit and how errors are cleared, so one driver takes a UsartLayout.
// Interrupts only move bytes; the main loop reads and writes the rings through a SerialPort.
// A driver object needs no constructor (all zero until init), so a program that links a board
// file without using its USARTs (the bootloader) pays nothing for them, neither RAM nor start-up.
#pragma once

#include <stdint.h>

#include "ferry/port.h"
#include "ring_buffer.h"

namespace ferry::stm32 {

struct UsartLayout {
    uint8_t status;  // SR (F4) / ISR (WB)
    uint8_t rdr;     // receive data (DR on the F4)
    uint8_t tdr;     // transmit data (DR on the F4)
    uint8_t brr, cr1, cr2, cr3;
    uint8_t icr;          // interrupt-flag clear register; kNoIcr: errors clear by reading data
    uint32_t cr1_enable;  // UE
};
inline constexpr uint8_t kNoIcr = 0xFF;

struct UsartStats {
    uint32_t rx_dropped;   // ring full (the main loop did not read in time)
    uint32_t overruns;     // a byte lost in hardware before the interrupt ran
    uint32_t line_errors;  // framing or noise
};

class BufferedUsart {
public:
    // The board has enabled the bus clock and set the pins. Attaches and enables the interrupt.
    void init(const UsartLayout& layout, uint32_t base, unsigned irq, uint32_t pclk_hz, uint32_t baud,
              bool flow_control);
    SerialPort port();
    int read(uint8_t* buf, size_t max);
    // Queues bytes; waits (bounded by the tick and by a count) while the ring is full.
    int write(const uint8_t* data, size_t len);
    void write_text(const char* text);
    void flush();  // waits (bounded) until every queued byte has left the shift register
    const UsartStats& stats() const { return stats_; }
    void on_interrupt();

private:
    volatile uint32_t& r(uint8_t off) const { return *reinterpret_cast<volatile uint32_t*>(base_ + off); }
    void tx_irq(bool on) const;
    void pump_tx();

    const UsartLayout* layout_ = nullptr;
    uint32_t base_ = 0;
    cm::RingBuffer<2048> rx_;
    cm::RingBuffer<512> tx_;
    UsartStats stats_{};
};

}  // namespace ferry::stm32
