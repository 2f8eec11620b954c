#include "api/api_error.h"

#include <nlohmann/json.hpp>

namespace ferry::api {

HttpResponse json_response(int status, const std::string& json_text) {
    HttpResponse r;
    r.status = status;
    r.set_header("Content-Type", "application/json");
    r.body = json_text;
    return r;
}

HttpResponse error_response(int status, const std::string& code, const std::string& message) {
    nlohmann::json j = {{"error", {{"code", code}, {"message", message}}}};
    return json_response(status, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace ferry::api
