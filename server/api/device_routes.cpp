// /api/v1/devices and /api/v1/assignments: registry, provisioning, tags, pins, tag assignments.
#include "api/api_error.h"
#include "api/audit.h"
#include "api/ferry_app.h"
#include "api/json_io.h"
#include "api/query.h"
#include "api/validate.h"
#include "common/crypto.h"
#include "ferry/proto/device_api.h"
#include "rollout/rollout_engine.h"

namespace ferry::api {
namespace {

store::Device load(store::Tx& tx, const std::string& name) {
    require_name(name, "device");
    auto d = tx.device_by_name(name);
    if (!d) throw not_found("no device " + name);
    return *d;
}

store::Release release_or_404(store::Tx& tx, int64_t id) {
    auto r = tx.release_by_id(id);
    if (!r) throw not_found("no release " + std::to_string(id));
    return *r;
}

HttpResponse list(FerryApp& app, RouteContext& ctx) {
    Query q = Query::parse(ctx.request.query());
    store::DeviceFilter f;
    for (const auto& [k, v] : q.items()) {
        if (k == "tag") {
            require_name(v, "tag");
            f.tag = v;
        } else if (k == "version") {
            if (!parse_version(v)) throw bad_request("bad_parameter", "version filter is not a version");
            f.version = v;
        } else if (k == "state") {
            require_name(v, "state");
            f.state = v;
        } else if (k == "q") {
            if (v.size() > 64)
                throw bad_request("bad_parameter", "q has at most 64 characters");
            f.name_contains = v;
        } else if (k == "seen_within") {
            f.seen_since = app.now() - query_number(q, "seen_within", 0, 10 * 365 * 86400);
        } else if (k == "unseen_for") {
            f.unseen_since = app.now() - query_number(q, "unseen_for", 0, 10 * 365 * 86400);
        } else if (k != "limit" && k != "offset") {
            throw bad_request("bad_parameter", "unknown parameter " + k);
        }
    }
    f.limit = query_number(q, "limit", 100, 1000);
    f.offset = query_number(q, "offset", 0, INT32_MAX);
    nlohmann::json out = nlohmann::json::array();
    int64_t total = 0;
    app.store().transact([&](store::Tx& tx) {
        for (const auto& d : tx.list_devices(f)) out.push_back(device_json(d));
        total = tx.count_devices(f);
    });
    return json_ok({{"devices", out}, {"total", total}});
}

// The overview: how many devices, how many seen within their poll interval (plus its jitter and
// a minute of grace), which versions run, update states, and why devices failed.
HttpResponse fleet(FerryApp& app, RouteContext&) {
    const AppConfig& cfg = app.config();
    int64_t window = cfg.poll_interval_s + cfg.poll_jitter_s + 60;
    store::FleetSummary s;
    app.store().transact([&](store::Tx& tx) { s = tx.fleet_summary(app.now() - window); });
    nlohmann::json versions = nlohmann::json::array();
    for (const auto& [v, n] : s.versions)
        versions.push_back({{"version", v.empty() ? "unknown" : v}, {"devices", n}});
    nlohmann::json states = nlohmann::json::object();
    for (const auto& [st, n] : s.states)
        states[st] = n;
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& [reason, n] : s.failures)
        failures.push_back({{"reason", reason}, {"reason_name", reason_name(reason)}, {"devices", n}});
    return json_ok({{"devices", s.devices},
                    {"seen_recently", s.seen_recently},
                    {"never_seen", s.never_seen},
                    {"seen_window_s", window},
                    {"versions", versions},
                    {"states", states},
                    {"failures", failures}});
}

HttpResponse provision(FerryApp& app, RouteContext& ctx) {
    auto j = parse_json_object(ctx.request);
    allow_only(j, {"id", "hw_id", "tags"});
    store::Device d;
    d.name = string_field(j, "id");
    require_name(d.name, "device");
    std::string hw = string_field(j, "hw_id");
    auto hw_id = parse_hw_id(hw);
    if (!hw_id) throw bad_request("invalid_field", "hw_id must be a board name or a number");
    d.hw_id = *hw_id;
    d.tags = tags_field(j, "tags");
    d.secret = crypto::random_bytes(proto::kDeviceSecretBytes);
    d.created_at = app.now();
    try {
        app.store().transact([&](store::Tx& tx) {
            d.id = tx.insert_device(d);
            d = load(tx, d.name);
            audit(tx, ctx, d.created_at, "device.provisioned", "device " + d.name, hw_id_name(d.hw_id));
        });
    } catch (const store::ConflictError&) {
        throw ApiError(409, "duplicate_device", "device " + d.name + " already exists");
    }
    nlohmann::json out = device_json(d);
    out["secret"] = hex_encode(d.secret);  // the only time the secret leaves the server
    return json_ok(out, 201);
}

HttpResponse show(FerryApp& app, RouteContext& ctx) {
    nlohmann::json out;
    app.store().transact([&](store::Tx& tx) { out = device_json(load(tx, ctx.params[0])); });
    return json_ok(out);
}

HttpResponse remove(FerryApp& app, RouteContext& ctx) {
    app.store().transact([&](store::Tx& tx) {
        store::Device d = load(tx, ctx.params[0]);
        tx.delete_device(d.id);
        audit(tx, ctx, app.now(), "device.deleted", "device " + d.name);
    });
    return HttpResponse{204};
}

HttpResponse events(FerryApp& app, RouteContext& ctx) {
    Query q = Query::parse(ctx.request.query());
    for (const auto& [k, v] : q.items()) {
        if (k != "limit") throw bad_request("bad_parameter", "unknown parameter " + k);
    }
    int64_t limit = query_number(q, "limit", 100, 1000);
    nlohmann::json out = nlohmann::json::array();
    app.store().transact([&](store::Tx& tx) {
        for (const auto& e : tx.list_events(load(tx, ctx.params[0]).id, limit)) out.push_back(event_json(e));
    });
    return json_ok({{"events", out}});
}

HttpResponse set_tags(FerryApp& app, RouteContext& ctx) {
    auto j = parse_json_object(ctx.request);
    allow_only(j, {"tags"});
    if (!j.contains("tags")) throw bad_request("invalid_field", "field 'tags' is required");
    auto tags = tags_field(j, "tags");
    nlohmann::json out;
    app.store().transact([&](store::Tx& tx) {
        store::Device d = load(tx, ctx.params[0]);
        tx.set_device_tags(d.id, tags);
        std::string list;
        for (const auto& t : tags)
            list += (list.empty() ? "" : ", ") + t;
        audit(tx, ctx, app.now(), "device.tags_set", "device " + d.name, list);
        out = device_json(load(tx, d.name));
    });
    return json_ok(out);
}

HttpResponse pin(FerryApp& app, RouteContext& ctx) {
    auto j = parse_json_object(ctx.request);
    allow_only(j, {"release_id"});
    int64_t release_id = id_field(j, "release_id");
    nlohmann::json out;
    app.store().transact([&](store::Tx& tx) {
        store::Device d = load(tx, ctx.params[0]);
        store::Release r = release_or_404(tx, release_id);
        if (r.hw_id != d.hw_id) {
            throw ApiError(422, "hw_mismatch", "release is for " + hw_id_name(r.hw_id) +
                                                   ", device is " + hw_id_name(d.hw_id));
        }
        d.pinned_release_id = release_id;
        tx.update_device(d);
        rollout::device_pinned(tx, d.id, app.now());
        audit(tx, ctx, app.now(), "device.pinned", "device " + d.name,
              "release " + std::to_string(release_id) + " (" + r.version + ")");
        out = device_json(d);
    });
    return json_ok(out);
}

HttpResponse unpin(FerryApp& app, RouteContext& ctx) {
    nlohmann::json out;
    app.store().transact([&](store::Tx& tx) {
        store::Device d = load(tx, ctx.params[0]);
        d.pinned_release_id.reset();
        tx.update_device(d);
        audit(tx, ctx, app.now(), "device.unpinned", "device " + d.name);
        out = device_json(d);
    });
    return json_ok(out);
}

HttpResponse list_assignments(FerryApp& app, RouteContext&) {
    nlohmann::json out = nlohmann::json::array();
    app.store().transact([&](store::Tx& tx) {
        for (const auto& a : tx.list_tag_assignments()) {
            out.push_back({{"tag", a.tag}, {"release_id", a.release_id}, {"assigned_at", a.assigned_at}});
        }
    });
    return json_ok({{"assignments", out}});
}

HttpResponse assign_tag(FerryApp& app, RouteContext& ctx) {
    const std::string& tag = ctx.params[0];
    require_name(tag, "tag");
    auto j = parse_json_object(ctx.request);
    allow_only(j, {"release_id"});
    store::TagAssignment a{tag, id_field(j, "release_id"), app.now()};
    app.store().transact([&](store::Tx& tx) {
        release_or_404(tx, a.release_id);
        tx.put_tag_assignment(a);
        audit(tx, ctx, a.assigned_at, "assignment.set", "tag " + tag,
              "release " + std::to_string(a.release_id));
    });
    return json_ok({{"tag", a.tag}, {"release_id", a.release_id}, {"assigned_at", a.assigned_at}});
}

HttpResponse unassign_tag(FerryApp& app, RouteContext& ctx) {
    const std::string& tag = ctx.params[0];
    require_name(tag, "tag");
    bool removed = false;
    app.store().transact([&](store::Tx& tx) {
        removed = tx.delete_tag_assignment(tag);
        if (removed)
            audit(tx, ctx, app.now(), "assignment.removed", "tag " + tag);
    });
    if (!removed) throw not_found("no assignment for tag " + tag);
    return HttpResponse{204};
}

}  // namespace

void add_device_routes(Router& router, FerryApp& app) {
    router.add("GET", "/api/v1/devices", Access::viewer, bind(app, list));
    router.add("GET", "/api/v1/fleet", Access::viewer, bind(app, fleet));
    router.add("POST", "/api/v1/devices", Access::operator_, bind(app, provision));
    router.add("GET", "/api/v1/devices/{id}", Access::viewer, bind(app, show));
    router.add("DELETE", "/api/v1/devices/{id}", Access::admin, bind(app, remove));
    router.add("GET", "/api/v1/devices/{id}/events", Access::viewer, bind(app, events));
    router.add("PUT", "/api/v1/devices/{id}/tags", Access::operator_, bind(app, set_tags));
    router.add("PUT", "/api/v1/devices/{id}/pin", Access::operator_, bind(app, pin));
    router.add("DELETE", "/api/v1/devices/{id}/pin", Access::operator_, bind(app, unpin));
    router.add("GET", "/api/v1/assignments", Access::viewer, bind(app, list_assignments));
    router.add("PUT", "/api/v1/assignments/{tag}", Access::operator_, bind(app, assign_tag));
    router.add("DELETE", "/api/v1/assignments/{tag}", Access::operator_, bind(app, unassign_tag));
}

}  // namespace ferry::api
