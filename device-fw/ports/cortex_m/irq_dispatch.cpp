// One entry for every interrupt line: looks up the active line in IPSR and calls the handler
// attached to it. Unattached lines are disabled and the fault path is taken.
#include <stdint.h>

#include "cm_regs.h"
#include "vectors.h"

namespace ferry::cm {
namespace {

struct Slot {
    void (*fn)(void*);
    void* ctx;
};
Slot g_handlers[kMaxIrq];

}  // namespace

void irq_attach(unsigned irq, void (*fn)(void*), void* ctx) {
    if (irq >= kMaxIrq)
        return;
    IrqGuard guard;
    g_handlers[irq] = {fn, ctx};
}

}  // namespace ferry::cm

extern "C" void ferry_irq_dispatch() {
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    const unsigned irq = (ipsr & 0x1FFu) - 16u;
    if (irq < ferry::cm::kMaxIrq && ferry::cm::g_handlers[irq].fn) {
        ferry::cm::g_handlers[irq].fn(ferry::cm::g_handlers[irq].ctx);
        return;
    }
    ferry::cm::nvic_disable(irq);
    ferry_fault_handler();
}
