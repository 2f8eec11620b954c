// Listen endpoint strings ("host:port", "[v6]:port", ":port") as host and port. No Asio here, so
// the parsing rules are testable on their own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::http {

struct EndpointSpec {
    std::string host;  // "0.0.0.0" for ":port"; brackets removed from "[v6]"
    uint16_t port = 0;
};

// Throws std::runtime_error naming the string when it is not one of the three forms.
EndpointSpec parse_endpoint(std::string_view text);

}  // namespace ferry::http
