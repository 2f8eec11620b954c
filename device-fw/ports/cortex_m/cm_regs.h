// Cortex-M4 core registers (ARMv7-M architecture reference manual, B3.2 and B3.4) and the few
// instructions the ports need. Shared by every STM32 port; nothing chip-specific here.
#pragma once

#include <stdint.h>

namespace ferry::cm {

inline volatile uint32_t& reg(uint32_t addr) { return *reinterpret_cast<volatile uint32_t*>(addr); }
// Polls a register until (value & mask) == want, at most `polls` reads: every wait on hardware
// is bounded, and the caller decides what a timeout means (fall back, report, give up).
inline bool wait_bits(uint32_t addr, uint32_t mask, uint32_t want, uint32_t polls) {
    for (uint32_t i = 0; i < polls; ++i) {
        if ((reg(addr) & mask) == want)
            return true;
    }
    return false;
}

// A read for its side effect (clearing a flag, letting an enable bit settle).
inline void read_back(uint32_t addr) {
    const uint32_t v = reg(addr);
    (void)v;
}

inline constexpr uint32_t kScbIcsr = 0xE000ED04u;
inline constexpr uint32_t kScbVtor = 0xE000ED08u;
inline constexpr uint32_t kScbAircr = 0xE000ED0Cu;
inline constexpr uint32_t kScbShcsr = 0xE000ED24u;
inline constexpr uint32_t kScbCfsr = 0xE000ED28u;
inline constexpr uint32_t kIcsrPendSvClr = 1u << 27;
inline constexpr uint32_t kIcsrPendStClr = 1u << 25;
inline constexpr uint32_t kAircrSysResetReq = 0x05FA0004u;  // VECTKEY | SYSRESETREQ

inline constexpr uint32_t kSysTickCtrl = 0xE000E010u;
inline constexpr uint32_t kSysTickLoad = 0xE000E014u;
inline constexpr uint32_t kSysTickVal = 0xE000E018u;

inline constexpr uint32_t kNvicIser = 0xE000E100u;
inline constexpr uint32_t kNvicIcer = 0xE000E180u;
inline constexpr uint32_t kNvicIcpr = 0xE000E280u;
inline constexpr uint32_t kNvicIpr = 0xE000E400u;
inline constexpr unsigned kNvicWords = 8;  // 240 interrupt lines at most on ARMv7-M

inline void dsb() { __asm__ volatile("dsb" ::: "memory"); }
inline void isb() { __asm__ volatile("isb" ::: "memory"); }
inline void disable_irq() { __asm__ volatile("cpsid i" ::: "memory"); }
inline void enable_irq() { __asm__ volatile("cpsie i" ::: "memory"); }
inline void wfi() { __asm__ volatile("wfi"); }

inline uint32_t primask() {
    uint32_t v;
    __asm__ volatile("mrs %0, primask" : "=r"(v));
    return v;
}

// Interrupts off for a short critical section, restored to what they were.
class IrqGuard {
public:
    IrqGuard() : was_(primask()) { disable_irq(); }
    ~IrqGuard() {
        if (!was_)
            enable_irq();
    }
    IrqGuard(const IrqGuard&) = delete;
    IrqGuard& operator=(const IrqGuard&) = delete;

private:
    uint32_t was_;
};

inline void nvic_enable(unsigned irq) { reg(kNvicIser + 4 * (irq / 32)) = 1u << (irq % 32); }
inline void nvic_disable(unsigned irq) { reg(kNvicIcer + 4 * (irq / 32)) = 1u << (irq % 32); }
inline void nvic_priority(unsigned irq, uint8_t prio) {
    *reinterpret_cast<volatile uint8_t*>(kNvicIpr + irq) = prio;
}

// Requests a system reset and waits for it.
[[noreturn]] void system_reset();

}  // namespace ferry::cm
