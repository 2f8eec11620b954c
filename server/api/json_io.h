// JSON in and out of handlers: strict body parsing with clear 400s, and record views.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/http_message.h"
#include "store/types.h"

namespace ferry::api {

// The body as a JSON object; 400 "malformed_json" / "expected_object" otherwise.
nlohmann::json parse_json_object(const HttpRequest& request);
// Field accessors: 400 "invalid_field" naming the field when the type is wrong or it is missing.
std::string string_field(const nlohmann::json& j, const char* name, bool required = true);
int64_t id_field(const nlohmann::json& j, const char* name);
std::vector<std::string> tags_field(const nlohmann::json& j, const char* name);
// Rejects fields the route does not know (typos must not pass silently).
void allow_only(const nlohmann::json& j, std::initializer_list<const char*> names);

HttpResponse json_ok(const nlohmann::json& j, int status = 200);

// proto::Reason as a word ("signature_invalid", ...); "none" for 0, "unknown" out of range.
const char* reason_name(int reason);

nlohmann::json release_json(const store::Release& r);
nlohmann::json device_json(const store::Device& d);
nlohmann::json event_json(const store::DeviceEvent& e);

}  // namespace ferry::api
