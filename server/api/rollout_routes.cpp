// /api/v1/rollouts and /api/v1/audit: staged rollouts through the engine (server/rollout/).
#include "api/api_error.h"
#include "api/ferry_app.h"
#include "api/json_io.h"
#include "api/query.h"
#include "api/rollout_json.h"
#include "api/validate.h"
#include "rollout/rollout_engine.h"

namespace ferry::api {
namespace {

// The engine's refusals as HTTP answers.
template <class Fn>
void engine_call(Fn fn) {
    try {
        fn();
    } catch (const rollout::RolloutError& e) {
        switch (e.kind) {
            case rollout::RolloutError::Kind::not_found:
                throw not_found(e.what());
            case rollout::RolloutError::Kind::conflict:
                throw ApiError(409, "invalid_state", e.what());
            case rollout::RolloutError::Kind::invalid:
                throw ApiError(422, "invalid_rollout", e.what());
        }
    }
}

store::Rollout load(store::Tx& tx, int64_t id) {
    auto r = tx.rollout_by_id(id);
    if (!r)
        throw not_found("no rollout " + std::to_string(id));
    return *r;
}

nlohmann::json view(FerryApp& app, store::Tx& tx, const store::Rollout& r) {
    return rollout_json(r, tx.member_counts(r.id), app.config().price_per_mb);
}

HttpResponse list(FerryApp& app, RouteContext&) {
    nlohmann::json out = nlohmann::json::array();
    app.store().transact([&](store::Tx& tx) {
        for (const store::Rollout& r : tx.list_rollouts())
            out.push_back(view(app, tx, r));
    });
    return json_ok({{"rollouts", out}});
}

HttpResponse create(FerryApp& app, RouteContext& ctx) {
    store::Rollout spec = rollout_from_json(parse_json_object(ctx.request));
    nlohmann::json out;
    engine_call([&] {
        app.store().transact([&](store::Tx& tx) {
            int64_t id = rollout::create_rollout(tx, spec, ctx.actor, app.now());
            out = view(app, tx, load(tx, id));
        });
    });
    return json_ok(out, 201);
}

HttpResponse show(FerryApp& app, RouteContext& ctx) {
    int64_t id = require_id(ctx.params[0]);
    nlohmann::json out;
    app.store().transact([&](store::Tx& tx) { out = view(app, tx, load(tx, id)); });
    return json_ok(out);
}

HttpResponse command(FerryApp& app, RouteContext& ctx, rollout::Command c) {
    int64_t id = require_id(ctx.params[0]);
    if (!ctx.request.body.empty())
        parse_json_object(ctx.request);  // no fields, but a body must still be JSON
    nlohmann::json out;
    engine_call([&] {
        app.store().transact([&](store::Tx& tx) {
            store::Rollout r = rollout::apply_command(tx, id, c, ctx.actor, app.now());
            out = view(app, tx, r);
        });
    });
    return json_ok(out);
}

HttpResponse remove(FerryApp& app, RouteContext& ctx) {
    int64_t id = require_id(ctx.params[0]);
    engine_call([&] {
        app.store().transact(
            [&](store::Tx& tx) { rollout::delete_rollout(tx, id, ctx.actor, app.now()); });
    });
    return HttpResponse{204};
}

HttpResponse members(FerryApp& app, RouteContext& ctx) {
    int64_t id = require_id(ctx.params[0]);
    Query q = Query::parse(ctx.request.query());
    store::MemberFilter f;
    for (const auto& [k, v] : q.items()) {
        if (k == "state") {
            require_name(v, "state");
            f.state = v;
        } else if (k == "wave") {
            f.wave = static_cast<int>(query_number(q, "wave", 0, 100));
        } else if (k != "limit" && k != "offset") {
            throw bad_request("bad_parameter", "unknown parameter " + k);
        }
    }
    f.limit = query_number(q, "limit", 100, 1000);
    f.offset = query_number(q, "offset", 0, INT32_MAX);
    nlohmann::json out = nlohmann::json::array();
    app.store().transact([&](store::Tx& tx) {
        load(tx, id);
        for (const store::RolloutMember& m : tx.list_members(id, f))
            out.push_back(member_json(m));
    });
    return json_ok({{"devices", out}});
}

nlohmann::json audit_entries(FerryApp& app, const HttpRequest& request,
                             std::optional<int64_t> rollout_id) {
    Query q = Query::parse(request.query());
    for (const auto& [k, v] : q.items()) {
        if (k != "limit")
            throw bad_request("bad_parameter", "unknown parameter " + k);
    }
    int64_t limit = query_number(q, "limit", 100, 1000);
    nlohmann::json out = nlohmann::json::array();
    app.store().transact([&](store::Tx& tx) {
        if (rollout_id)
            load(tx, *rollout_id);
        for (const store::AuditEntry& e : tx.list_audit(rollout_id, limit))
            out.push_back(audit_json(e));
    });
    return out;
}

HttpResponse rollout_audit(FerryApp& app, RouteContext& ctx) {
    int64_t id = require_id(ctx.params[0]);
    return json_ok({{"entries", audit_entries(app, ctx.request, id)}});
}

HttpResponse audit(FerryApp& app, RouteContext& ctx) {
    return json_ok({{"entries", audit_entries(app, ctx.request, std::nullopt)}});
}

}  // namespace

void add_rollout_routes(Router& router, FerryApp& app) {
    auto bind_command = [&app](rollout::Command c) {
        return [&app, c](RouteContext& ctx) { return command(app, ctx, c); };
    };
    router.add("GET", "/api/v1/rollouts", Access::viewer, bind(app, list));
    router.add("POST", "/api/v1/rollouts", Access::operator_, bind(app, create));
    router.add("GET", "/api/v1/rollouts/{id}", Access::viewer, bind(app, show));
    router.add("DELETE", "/api/v1/rollouts/{id}", Access::admin, bind(app, remove));
    router.add("GET", "/api/v1/rollouts/{id}/devices", Access::viewer, bind(app, members));
    router.add("GET", "/api/v1/rollouts/{id}/audit", Access::viewer, bind(app, rollout_audit));
    router.add("POST", "/api/v1/rollouts/{id}/pause", Access::operator_,
               bind_command(rollout::Command::pause));
    router.add("POST", "/api/v1/rollouts/{id}/resume", Access::operator_,
               bind_command(rollout::Command::resume));
    router.add("POST", "/api/v1/rollouts/{id}/abort", Access::operator_,
               bind_command(rollout::Command::abort));
    router.add("GET", "/api/v1/audit", Access::viewer, bind(app, audit));
}

}  // namespace ferry::api
