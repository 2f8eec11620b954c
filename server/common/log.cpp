#include "common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace ferry::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_write_mutex;

const char* level_name(Level level) {
    switch (level) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warn: return "warn";
        case Level::error: return "error";
    }
    return "info";
}

std::string utc_timestamp() {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t secs = system_clock::to_time_t(now);
    auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(millis));
    return buf;
}
}  // namespace

void set_level(Level level) { g_level = static_cast<int>(level); }

bool set_level(std::string_view name) {
    for (Level l : {Level::debug, Level::info, Level::warn, Level::error}) {
        if (name == level_name(l)) {
            set_level(l);
            return true;
        }
    }
    return false;
}

bool enabled(Level level) { return static_cast<int>(level) >= g_level.load(); }

void write(Level level, std::string_view msg, const nlohmann::json& fields) {
    if (!enabled(level)) return;
    nlohmann::json line = {{"ts", utc_timestamp()}, {"level", level_name(level)}, {"msg", msg}};
    if (fields.is_object()) {
        for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
    }
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text.push_back('\n');
    std::lock_guard<std::mutex> lock(g_write_mutex);
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

}  // namespace ferry::log
