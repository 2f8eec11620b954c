// Logging to stderr: level 0 errors only, 1 connections, mappings and faults (default),
// 2 every AT command and result, 3 bytes in and out.
#pragma once

#include <cstdarg>

namespace telit_sim {

void set_log_level(int level);
int log_level();
// Prefixes simulated and wall time when a clock is set.
void set_log_clock(double (*sim_now)(void*), double (*wall_now)(void*), void* ctx);
void log(int level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

}  // namespace telit_sim
