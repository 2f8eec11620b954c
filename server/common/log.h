// One logger for the host side: structured JSON lines on stderr, one object per event.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace ferry::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

void set_level(Level level);
// "debug" | "info" | "warn" | "error"; false when the name is unknown.
bool set_level(std::string_view name);
bool enabled(Level level);

// Writes {"ts":..., "level":..., "msg":..., ...fields} as one line; thread-safe.
void write(Level level, std::string_view msg, const nlohmann::json& fields = nlohmann::json::object());

inline void debug(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
    if (enabled(Level::debug)) write(Level::debug, m, f);
}
inline void info(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
    write(Level::info, m, f);
}
inline void warn(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
    write(Level::warn, m, f);
}
inline void error(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) {
    write(Level::error, m, f);
}

}  // namespace ferry::log
