// The application's vector table, one entry per interrupt line of the chip it is built for
// (FERRY_IRQ_COUNT from the board: F401 85, F405 82, WB55 63).
#include "vectors.h"

#ifndef FERRY_IRQ_COUNT
#error "FERRY_IRQ_COUNT must be set by the board"
#endif

__attribute__((section(".isr_vector"), used)) const ferry::cm::VectorTable<FERRY_IRQ_COUNT> g_app_vectors =
    ferry::cm::make_vector_table<FERRY_IRQ_COUNT>();
