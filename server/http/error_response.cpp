#include "http/error_response.h"

#include <nlohmann/json.hpp>

namespace ferry::http {

api::HttpResponse error_response(int status, std::string_view code, std::string_view message) {
    api::HttpResponse response;
    response.status = status;
    response.set_header("Content-Type", "application/json");
    nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
    response.body = body.dump();
    return response;
}

}  // namespace ferry::http
