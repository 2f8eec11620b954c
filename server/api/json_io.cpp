#include "api/json_io.h"

#include <cstdio>

#include "api/api_error.h"
#include "api/validate.h"
#include "ferry/proto/device_api.h"

namespace ferry::api {

nlohmann::json parse_json_object(const HttpRequest& request) {
    nlohmann::json j = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw bad_request("malformed_json", "request body is not valid JSON");
    if (!j.is_object()) throw bad_request("expected_object", "request body must be a JSON object");
    return j;
}

std::string string_field(const nlohmann::json& j, const char* name, bool required) {
    auto it = j.find(name);
    if (it == j.end()) {
        if (!required) return {};
        throw bad_request("invalid_field", std::string("field '") + name + "' is required");
    }
    if (!it->is_string()) {
        throw bad_request("invalid_field", std::string("field '") + name + "' must be a string");
    }
    return it->get<std::string>();
}

int64_t id_field(const nlohmann::json& j, const char* name) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_number_integer() || it->get<int64_t>() <= 0) {
        throw bad_request("invalid_field", std::string("field '") + name +
                                               "' must be a positive integer");
    }
    return it->get<int64_t>();
}

std::vector<std::string> tags_field(const nlohmann::json& j, const char* name) {
    std::vector<std::string> tags;
    auto it = j.find(name);
    if (it == j.end()) return tags;
    if (!it->is_array() || it->size() > 32) {
        throw bad_request("invalid_field", std::string("field '") + name +
                                               "' must be an array of at most 32 tags");
    }
    for (const auto& t : *it) {
        if (!t.is_string()) throw bad_request("invalid_field", "tags must be strings");
        require_name(t.get<std::string>(), "tag");
        tags.push_back(t.get<std::string>());
    }
    return tags;
}

void allow_only(const nlohmann::json& j, std::initializer_list<const char*> names) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        bool known = false;
        for (const char* n : names) known = known || it.key() == n;
        if (!known) {
            throw bad_request("unknown_field", "unknown field '" + it.key() + "'");
        }
    }
}

HttpResponse json_ok(const nlohmann::json& j, int status) {
    return json_response(status, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

namespace {
std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}
nlohmann::json opt(const std::optional<int64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
}  // namespace

const char* reason_name(int reason) {
    static const char* const names[] = {
        "none",           "signature_invalid",      "hash_mismatch",      "hardware_mismatch",
        "security_counter_lower", "flash_error",    "download_failed",    "trial_limit_reached",
        "self_test_failed", "image_too_large",      "manifest_invalid",   "aborted_by_server",
        "key_unknown"};
    static_assert(sizeof names / sizeof names[0] == proto::kReasonReasonMax + 1);
    return reason >= 0 && reason <= proto::kReasonReasonMax ? names[reason] : "unknown";
}

nlohmann::json release_json(const store::Release& r) {
    nlohmann::json images = nlohmann::json::array();
    for (const auto& img : r.images) {
        images.push_back({{"slot", img.slot},
                          {"load_addr", hex32(img.load_addr)},
                          {"size", img.size},
                          {"sha256", img.sha256}});
    }
    return {{"id", r.id},
            {"hw_id", hw_id_name(r.hw_id)},
            {"version", r.version},
            {"security_counter", r.security_counter},
            {"key_id", r.key_id},
            {"key_name", r.key_name},
            {"notes", r.notes},
            {"created_at", r.created_at},
            {"created_by", r.created_by},
            {"bytes_served", r.bytes_served},
            {"images", images}};
}

nlohmann::json device_json(const store::Device& d) {
    return {{"id", d.name},
            {"hw_id", hw_id_name(d.hw_id)},
            {"version", d.version},
            {"slot", d.slot},
            {"security_counter", d.security_counter},
            {"boot_state", d.boot_state},
            {"last_seen", opt(d.last_seen)},
            {"state", d.state},
            {"last_result", d.last_result},
            {"last_reason", d.last_reason},
            {"last_reason_name", reason_name(d.last_reason)},
            {"target_release_id", opt(d.target_release_id)},
            {"target_slot", d.target_slot},
            {"pinned_release_id", opt(d.pinned_release_id)},
            {"bytes_served", d.bytes_served},
            {"counter", d.counter},
            {"created_at", d.created_at},
            {"tags", d.tags}};
}

nlohmann::json event_json(const store::DeviceEvent& e) {
    return {{"id", e.id},
            {"at", e.at},
            {"kind", e.kind},
            {"release_id", opt(e.release_id)},
            {"version", e.version},
            {"slot", e.slot ? nlohmann::json(*e.slot) : nlohmann::json(nullptr)},
            {"progress", e.progress ? nlohmann::json(*e.progress) : nlohmann::json(nullptr)},
            {"reason", e.reason},
            {"reason_name", reason_name(e.reason)},
            {"detail", e.detail}};
}

}  // namespace ferry::api
