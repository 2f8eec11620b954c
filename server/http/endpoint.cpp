#include "http/endpoint.h"

#include <charconv>
#include <stdexcept>

namespace ferry::http {
namespace {
[[noreturn]] void bad(std::string_view text, const char* why) {
    throw std::runtime_error("bad listen endpoint \"" + std::string(text) + "\": " + why);
}

uint16_t parse_port(std::string_view text, std::string_view port) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value > 65535) {
        bad(text, "port must be a number 0-65535");
    }
    return static_cast<uint16_t>(value);
}
}  // namespace

EndpointSpec parse_endpoint(std::string_view text) {
    EndpointSpec spec;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            bad(text, "expected \"[address]:port\"");
        }
        spec.host = std::string(text.substr(1, close - 1));
        port = text.substr(close + 2);
    } else {
        size_t colon = text.rfind(':');
        if (colon == std::string_view::npos)
            bad(text, "expected \"host:port\"");
        if (text.find(':') != colon)
            bad(text, "IPv6 addresses need brackets: \"[::1]:port\"");
        spec.host = std::string(text.substr(0, colon));
        port = text.substr(colon + 1);
    }
    if (spec.host.empty()) {
        if (!text.empty() && text.front() == '[')
            bad(text, "empty address in brackets");
        spec.host = "0.0.0.0";  // ":port" = every IPv4 interface
    }
    spec.port = parse_port(text, port);
    return spec;
}

}  // namespace ferry::http
