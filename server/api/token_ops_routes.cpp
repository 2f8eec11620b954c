// /api/v1/tokens (admin) and the operational endpoints /healthz and /metrics.
#include "api/api_error.h"
#include "api/audit.h"
#include "api/ferry_app.h"
#include "api/json_io.h"
#include "api/operator_auth.h"
#include "api/validate.h"

namespace ferry::api {
namespace {

nlohmann::json token_json(const store::ApiToken& t) {
    return {{"id", t.id},
            {"public_id", t.public_id},  // the fy_<public_id>_ part of the token text
            {"name", t.name},
            {"role", store::role_name(t.role)},
            {"created_at", t.created_at},
            {"last_used_at", t.last_used_at ? nlohmann::json(*t.last_used_at) : nlohmann::json(nullptr)}};
}

HttpResponse list_tokens(FerryApp& app, RouteContext&) {
    nlohmann::json out = nlohmann::json::array();
    app.store().transact([&](store::Tx& tx) {
        for (const auto& t : tx.list_tokens()) out.push_back(token_json(t));
    });
    return json_ok({{"tokens", out}});
}

HttpResponse create_token(FerryApp& app, RouteContext& ctx) {
    auto j = parse_json_object(ctx.request);
    allow_only(j, {"name", "role"});
    std::string name = string_field(j, "name");
    require_name(name, "name");
    auto role = store::parse_role(string_field(j, "role"));
    if (!role) throw bad_request("invalid_field", "role must be admin, operator or viewer");
    NewToken t = generate_token(name, *role, app.now());
    app.store().transact([&](store::Tx& tx) {
        t.row.id = tx.insert_token(t.row);
        audit(tx, ctx, app.now(), "token.created", "token " + t.row.name,
              std::string("role ") + store::role_name(t.row.role));
    });
    nlohmann::json out = token_json(t.row);
    out["token"] = t.text;  // shown once; only its hash is kept
    return json_ok(out, 201);
}

HttpResponse delete_token(FerryApp& app, RouteContext& ctx) {
    int64_t id = require_id(ctx.params[0]);
    if (ctx.caller && ctx.caller->id == id) {
        throw ApiError(409, "own_token", "a token cannot revoke itself; use another admin token");
    }
    bool removed = false;
    app.store().transact([&](store::Tx& tx) {
        removed = tx.delete_token(id);
        if (removed)
            audit(tx, ctx, app.now(), "token.revoked", "token " + std::to_string(id));
    });
    if (!removed) throw not_found("no token " + std::to_string(id));
    return HttpResponse{204};
}

HttpResponse healthz(FerryApp& app, RouteContext&) {
    // Healthy means the store answers, not only that the process runs.
    int64_t devices = 0;
    app.store().transact([&](store::Tx& tx) { devices = tx.count_devices(); });
    return json_ok({{"status", "ok"}, {"devices", devices}});
}

HttpResponse metrics(FerryApp& app, RouteContext&) {
    int64_t devices = 0;
    int64_t releases = 0;
    app.store().transact([&](store::Tx& tx) {
        devices = tx.count_devices();
        releases = static_cast<int64_t>(tx.list_releases().size());
    });
    HttpResponse r;
    r.set_header("Content-Type", "text/plain; version=0.0.4");
    r.body = app.metrics().render(devices, releases);
    return r;
}

}  // namespace

void add_token_routes(Router& router, FerryApp& app) {
    router.add("GET", "/api/v1/tokens", Access::admin, bind(app, list_tokens));
    router.add("POST", "/api/v1/tokens", Access::admin, bind(app, create_token));
    router.add("DELETE", "/api/v1/tokens/{id}", Access::admin,
               bind(app, delete_token));
}

void add_ops_routes(Router& router, FerryApp& app) {
    router.add("GET", "/healthz", Access::open, bind(app, healthz));
    router.add("GET", "/metrics", Access::open, bind(app, metrics));
}

}  // namespace ferry::api
