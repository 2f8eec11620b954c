#include "handoff.h"

#include "cm_regs.h"
#include "systick.h"

namespace ferry::cm {

void start_image(uint32_t vector_table) {
    disable_irq();
    systick_stop();
    for (unsigned i = 0; i < kNvicWords; ++i) {
        reg(kNvicIcer + 4 * i) = 0xFFFFFFFFu;
        reg(kNvicIcpr + 4 * i) = 0xFFFFFFFFu;
    }
    reg(kScbIcsr) = kIcsrPendSvClr | kIcsrPendStClr;
    reg(kScbShcsr) = 0;  // fault handlers disabled, as after reset
    reg(kScbVtor) = vector_table;
    dsb();
    isb();
    const uint32_t sp = *reinterpret_cast<const volatile uint32_t*>(vector_table);
    const uint32_t entry = *reinterpret_cast<const volatile uint32_t*>(vector_table + 4);
    __asm__ volatile(
        "msr msp, %0\n"
        "cpsie i\n"
        "bx %1\n"
        :
        : "r"(sp), "r"(entry)
        : "memory");
    __builtin_unreachable();
}

}  // namespace ferry::cm
