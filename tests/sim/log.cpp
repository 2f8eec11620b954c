#include "log.h"

#include <cstdio>

namespace telit_sim {
namespace {
int g_level = 1;
double (*g_sim)(void*) = nullptr;
double (*g_wall)(void*) = nullptr;
void* g_ctx = nullptr;
}  // namespace

void set_log_level(int level) {
    g_level = level;
}
int log_level() {
    return g_level;
}

void set_log_clock(double (*sim_now)(void*), double (*wall_now)(void*), void* ctx) {
    g_sim = sim_now;
    g_wall = wall_now;
    g_ctx = ctx;
}

void log(int level, const char* fmt, ...) {
    if (level > g_level)
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (g_sim && g_wall) {
        std::fprintf(stderr, "telit-sim [sim %9.3f s | wall %7.3f s] %s\n", g_sim(g_ctx),
                     g_wall(g_ctx), msg);
    } else {
        std::fprintf(stderr, "telit-sim %s\n", msg);
    }
}

}  // namespace telit_sim
