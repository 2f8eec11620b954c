// Errors a handler reports to the client: a status, a stable code and a message, sent as
// {"error":{"code":..., "message":...}}. Anything else a handler throws is a 500 (our bug).
#pragma once

#include <stdexcept>
#include <string>

#include "api/http_message.h"

namespace ferry::api {

struct ApiError : std::runtime_error {
    ApiError(int status, std::string code, const std::string& message)
        : std::runtime_error(message), status(status), code(std::move(code)) {}
    int status;
    std::string code;
};

inline ApiError bad_request(const std::string& code, const std::string& msg) {
    return ApiError(400, code, msg);
}
inline ApiError not_found(const std::string& msg) { return ApiError(404, "not_found", msg); }

HttpResponse json_response(int status, const std::string& json_text);
HttpResponse error_response(int status, const std::string& code, const std::string& message);

}  // namespace ferry::api
