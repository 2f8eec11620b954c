// Vector tables. The application's table has an entry per interrupt line of its chip, all
// routed through one dispatcher to handlers attached at run time (drivers stay chip-neutral).
// The bootloader enables no interrupt, so its table holds the 16 core entries only.
#pragma once

#include <stdint.h>

extern "C" {
extern uint32_t _estack;
void ferry_reset_handler();
void ferry_fault_handler();
void ferry_irq_dispatch();
void SysTick_Handler();
}

namespace ferry::cm {

using Handler = void (*)();

template <unsigned IrqCount>
struct VectorTable {
    uint32_t* initial_sp;
    Handler core[15];  // Reset .. SysTick
    Handler irq[IrqCount];
};

// Every interrupt line goes to the dispatcher; faults (and NMI, SVC, PendSV, which nothing
// uses) to the fault handler.
template <unsigned IrqCount>
constexpr VectorTable<IrqCount> make_vector_table();

// The bootloader's table: the 16 core entries only.
struct CoreVectorTable {
    uint32_t* initial_sp;
    Handler core[15];
};

constexpr CoreVectorTable make_core_vector_table() {
    CoreVectorTable t{};
    t.initial_sp = &_estack;
    t.core[0] = ferry_reset_handler;
    for (unsigned i = 1; i < 15; ++i)
        t.core[i] = ferry_fault_handler;
    t.core[14] = SysTick_Handler;
    return t;
}

// Attaches a handler to an interrupt line (the dispatcher's table is in RAM).
void irq_attach(unsigned irq, void (*fn)(void*), void* ctx);

inline constexpr unsigned kMaxIrq = 96;  // covers the F401 (85 lines) and WB55 (63)

template <unsigned IrqCount>
constexpr VectorTable<IrqCount> make_vector_table() {
    const CoreVectorTable core = make_core_vector_table();
    VectorTable<IrqCount> t{};
    t.initial_sp = core.initial_sp;
    for (unsigned i = 0; i < 15; ++i)
        t.core[i] = core.core[i];
    for (unsigned i = 0; i < IrqCount; ++i)
        t.irq[i] = ferry_irq_dispatch;
    return t;
}

}  // namespace ferry::cm
