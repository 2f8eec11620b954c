// Reset entry shared by the bootloader and the applications: sets its own stack pointer (a
// debugger or a bootloader may have left another), copies .data (which also carries the code
// that must run from RAM), clears .bss, points VTOR at this program's table, then main().
// Nothing here assumes what ran before: an application starts the same with or without the
// bootloader in front of it.
#include <stdint.h>
#include <string.h>

#include "cm_regs.h"
#include "vectors.h"

extern "C" {
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
extern const uint32_t ferry_vector_table[];  // the linker script: start of .isr_vector
int main();
void ferry_reset_c();

__attribute__((naked, noreturn)) void ferry_reset_handler() {
    __asm__ volatile(
        "ldr r0, =_estack\n"
        "msr msp, r0\n"
        "b ferry_reset_c\n");
}

__attribute__((noreturn, used)) void ferry_reset_c() {
    memcpy(&_sdata, &_sidata,
           static_cast<size_t>(reinterpret_cast<char*>(&_edata) - reinterpret_cast<char*>(&_sdata)));
    memset(&_sbss, 0, static_cast<size_t>(reinterpret_cast<char*>(&_ebss) - reinterpret_cast<char*>(&_sbss)));
    ferry::cm::reg(ferry::cm::kScbVtor) = reinterpret_cast<uint32_t>(ferry_vector_table);
    ferry::cm::dsb();
    ferry::cm::isb();
    for (void (**ctor)() = __init_array_start; ctor < __init_array_end; ++ctor)
        (*ctor)();  // constructors of objects with static storage
    main();
    ferry::cm::system_reset();
}

// A fault or an interrupt nobody enabled: nothing sensible to continue with, so reset (an
// image on trial then counts one failed attempt). Boards may override it to report first.
__attribute__((weak)) void ferry_fault_handler() { ferry::cm::system_reset(); }
}

namespace ferry::cm {

void system_reset() {
    dsb();
    reg(kScbAircr) = kAircrSysResetReq;
    dsb();
    for (;;) {
    }
}

}  // namespace ferry::cm
