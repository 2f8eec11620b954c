#include "api/rollout_json.h"

#include <cmath>

#include "api/api_error.h"
#include "api/json_io.h"
#include "api/validate.h"

namespace ferry::api {
namespace {

using nlohmann::json;
namespace ms = store::member_state;

ApiError invalid(const std::string& message) {
    return bad_request("invalid_field", message);
}

uint32_t uint_field(const json& j, const char* name, uint32_t fallback, uint32_t max) {
    auto it = j.find(name);
    if (it == j.end())
        return fallback;
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > max) {
        throw invalid(std::string("field '") + name + "' must be an integer 0.." +
                      std::to_string(max));
    }
    return it->get<uint32_t>();
}

std::vector<std::string> names_field(const json& j, const char* name, const char* what) {
    std::vector<std::string> out;
    auto it = j.find(name);
    if (it == j.end())
        return out;
    if (!it->is_array() || it->size() > 10000)
        throw invalid(std::string("target.") + name + " must be an array");
    for (const json& v : *it) {
        if (!v.is_string())
            throw invalid(std::string("target.") + name + " must hold strings");
        if (what)
            require_name(v.get<std::string>(), what);  // versions are checked by the engine
        out.push_back(v.get<std::string>());
    }
    return out;
}

store::RolloutTarget target_field(const json& body) {
    store::RolloutTarget t;
    auto it = body.find("target");
    if (it == body.end())
        return t;
    if (!it->is_object())
        throw invalid("field 'target' must be an object");
    allow_only(*it, {"tags", "devices", "versions"});
    t.tags = names_field(*it, "tags", "tag");
    t.devices = names_field(*it, "devices", "device");
    t.versions = names_field(*it, "versions", nullptr);
    return t;
}

std::vector<store::WaveSpec> waves_field(const json& body) {
    std::vector<store::WaveSpec> waves;
    auto it = body.find("waves");
    if (it == body.end())
        return waves;
    if (!it->is_array())
        throw invalid("field 'waves' must be an array of {\"percent\": p} or {\"count\": n}");
    for (const json& w : *it) {
        if (!w.is_object() || w.size() != 1 || !(w.contains("percent") || w.contains("count")))
            throw invalid("each wave is {\"percent\": p} or {\"count\": n}");
        bool count = w.contains("count");
        waves.push_back({count ? store::WaveSpec::Kind::count : store::WaveSpec::Kind::percent,
                         uint_field(w, count ? "count" : "percent", 0, 100'000'000)});
    }
    return waves;
}

json wave_spec_json(const store::WaveSpec& w) {
    return {{w.kind == store::WaveSpec::Kind::count ? "count" : "percent", w.value}};
}

json empty_counts() {
    json c = json::object();
    for (const char* s : ms::kAll)
        c[s] = 0;
    return c;
}

json opt(const std::optional<int64_t>& v) {
    return v ? json(*v) : json(nullptr);
}

}  // namespace

store::Rollout rollout_from_json(const json& body) {
    allow_only(body,
               {"release_id", "name", "target", "waves", "success_percent", "failure_threshold",
                "device_deadline_s", "max_concurrent_downloads", "start_at"});
    store::Rollout r;
    r.release_id = id_field(body, "release_id");
    r.name = string_field(body, "name", false);
    r.target = target_field(body);
    r.waves = waves_field(body);
    r.success_percent = uint_field(body, "success_percent", 95, 100);
    if (auto it = body.find("failure_threshold"); it != body.end()) {
        if (!it->is_object())
            throw invalid("field 'failure_threshold' must be {\"count\": n, \"percent\": p}");
        allow_only(*it, {"count", "percent"});
        r.failure_count = uint_field(*it, "count", 0, 1'000'000);
        r.failure_percent = uint_field(*it, "percent", 0, 100);
    } else {
        r.failure_percent = 10;  // pause when a tenth of the devices started fail
    }
    r.device_deadline = uint_field(body, "device_deadline_s", 86400, 90 * 86400);
    r.max_downloads = uint_field(body, "max_concurrent_downloads", 0, 1'000'000);
    if (auto it = body.find("start_at"); it != body.end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<int64_t>() < 0)
            throw invalid("field 'start_at' must be Unix seconds");
        r.start_at = it->get<int64_t>();
    }
    return r;
}

json rollout_json(const store::Rollout& r, const std::vector<store::MemberCount>& counts,
                  double price_per_mb) {
    json waves = json::array();
    for (size_t i = 0; i < r.waves.size(); ++i) {
        waves.push_back({{"index", i},
                         {"reach", wave_spec_json(r.waves[i])},
                         {"open", static_cast<int>(i) <= r.current_wave},
                         {"total", 0},
                         {"counts", empty_counts()}});
    }
    json totals = empty_counts();
    int64_t total = 0;
    uint64_t bytes = 0;
    for (const store::MemberCount& c : counts) {
        if (c.wave >= 0 && static_cast<size_t>(c.wave) < waves.size()) {
            waves[c.wave]["counts"][c.state] = c.count;
            waves[c.wave]["total"] = waves[c.wave]["total"].get<int64_t>() + c.count;
        }
        totals[c.state] = totals.value(c.state, int64_t{0}) + c.count;
        total += c.count;
        bytes += c.bytes;
    }
    int64_t confirmed = totals[ms::kConfirmed].get<int64_t>();
    int64_t forgiven = 0;  // failed members whose failure a resume answered
    for (const store::MemberCount& c : counts)
        forgiven += c.forgiven;
    double mb = static_cast<double>(bytes) / 1e6;
    json target = {
        {"tags", r.target.tags}, {"devices", r.target.devices}, {"versions", r.target.versions}};
    return {{"id", r.id},
            {"name", r.name},
            {"release_id", r.release_id},
            {"release_version", r.release_version},
            {"hw_id", hw_id_name(r.hw_id)},
            {"state", r.state},
            {"pause_reason", r.pause_reason},
            {"target", target},
            {"waves", waves},
            {"current_wave", r.current_wave},
            {"success_percent", r.success_percent},
            {"failure_threshold", {{"count", r.failure_count}, {"percent", r.failure_percent}}},
            {"failures_forgiven", forgiven},
            {"device_deadline_s", r.device_deadline},
            {"max_concurrent_downloads", r.max_downloads},
            {"start_at", opt(r.start_at)},
            {"created_at", r.created_at},
            {"created_by", r.created_by},
            {"updated_at", r.updated_at},
            {"total", total},
            {"counts", totals},
            {"progress_percent", total == 0 ? 0.0 : std::round(1000.0 * confirmed / total) / 10},
            {"bytes_served", bytes},
            {"price_per_mb", price_per_mb},
            {"cost", std::round(mb * price_per_mb * 100) / 100}};
}

json member_json(const store::RolloutMember& m) {
    return {{"device", m.device_name},
            {"wave", m.wave},
            {"state", m.state},
            {"joined_at", m.joined_at},
            {"offered_at", opt(m.offered_at)},
            {"finished_at", opt(m.finished_at)},
            {"reason", m.reason},
            {"reason_name", reason_name(m.reason)},
            {"bytes_served", m.bytes_served}};
}

json audit_json(const store::AuditEntry& e) {
    return {{"id", e.id},
            {"at", e.at},
            {"actor", e.actor},
            {"action", e.action},
            {"rollout_id", opt(e.rollout_id)},
            {"subject", e.subject},
            {"detail", e.detail}};
}

}  // namespace ferry::api
