// /api/v1/session (dashboard log-in, who am I, log-out) and /api/v1/users (admin).
#include <atomic>

#include "api/api_error.h"
#include "api/audit.h"
#include "api/ferry_app.h"
#include "api/json_io.h"
#include "api/session_auth.h"
#include "api/validate.h"
#include "common/log.h"
#include "common/password.h"

namespace ferry::api {
namespace {

nlohmann::json user_json(const store::User& u) {
    return {
        {"name", u.name},
        {"role", store::role_name(u.role)},
        {"created_at", u.created_at},
        {"last_login_at", u.last_login_at ? nlohmann::json(*u.last_login_at) : nlohmann::json()}};
}

store::Role role_field(const nlohmann::json& j) {
    auto role = store::parse_role(string_field(j, "role"));
    if (!role)
        throw bad_request("invalid_field", "role must be admin, operator or viewer");
    return *role;
}

std::string password_field(const nlohmann::json& j) {
    std::string pw = string_field(j, "password");
    std::string weak = password::weakness(pw);
    if (!weak.empty())
        throw ApiError(422, "weak_password", weak);
    return pw;
}

// A hash of a password nobody has: checked when the user is unknown, so that a wrong name
// takes as long as a wrong password and does not tell which names exist.
const std::string& decoy_hash() {
    static const std::string h = password::hash(password::generate());
    return h;
}

// One scrypt check at a time: a flood of log-ins must not take every I/O thread (and the device
// polls they serve) for 400 ms each.
class PasswordCheckSlot {
  public:
    PasswordCheckSlot() : held_(!busy_.exchange(true)) {}
    ~PasswordCheckSlot() {
        if (held_)
            busy_.store(false);
    }
    bool held() const { return held_; }

  private:
    static inline std::atomic<bool> busy_{false};
    bool held_;
};

HttpResponse refusal(int status, const std::string& code, const std::string& message,
                     int64_t retry_after) {
    HttpResponse r = error_response(status, code, message);
    r.set_header("Retry-After", std::to_string(retry_after));
    return r;
}

HttpResponse log_in(FerryApp& app, RouteContext& ctx) {
    // A form on another site can post text/plain but not application/json (that would need a
    // CORS preflight, which ferryd never grants): no log-in CSRF.
    const std::string* type = ctx.request.header("content-type");
    if (!type || type->rfind("application/json", 0) != 0)
        throw ApiError(415, "unsupported_media_type", "send the log-in as application/json");
    auto j = parse_json_object(ctx.request);
    allow_only(j, {"name", "password"});
    std::string name = string_field(j, "name");
    std::string pw = string_field(j, "password");
    if (!valid_name(name) || pw.size() > 200)
        throw ApiError(401, "bad_credentials", "unknown user or wrong password");
    PasswordCheckSlot slot;
    if (!slot.held())
        return refusal(503, "busy", "another log-in is being checked; try again", 1);
    if (int64_t wait = app.login_throttle().begin(name, ctx.request.remote, app.now())) {
        return refusal(429, "too_many_attempts",
                       "too many failed log-ins; try again in " + std::to_string(wait) + " s",
                       wait);
    }
    std::optional<store::User> user;
    app.store().transact([&](store::Tx& tx) { user = tx.user_by_name(name); });
    bool ok = password::verify(pw, user ? user->password_hash : decoy_hash()) && user;
    if (!ok) {
        log::warn("dashboard log-in refused", {{"user", name}, {"remote", ctx.request.remote}});
        throw ApiError(401, "bad_credentials", "unknown user or wrong password");
    }
    app.login_throttle().succeeded(name, ctx.request.remote);
    NewSession s = generate_session(user->id, app.now());
    app.store().transact([&](store::Tx& tx) {
        tx.delete_expired_sessions(app.now());
        tx.insert_session(s.row);
        user->last_login_at = app.now();
        tx.update_user(*user);
    });
    HttpResponse r = json_ok({{"user", user_json(*user)},
                              {"csrf_token", s.row.csrf_token},
                              {"expires_at", s.row.expires_at}});
    r.set_header("Set-Cookie", session_cookie(s.token, ctx.request.tls || app.config().cookie_secure,
                                              kSessionLifetime));
    r.set_header("Cache-Control", "no-store");
    return r;
}

HttpResponse who_am_i(FerryApp&, RouteContext& ctx) {
    if (ctx.user) {
        return json_ok({{"kind", "user"},
                        {"user", user_json(*ctx.user)},
                        {"csrf_token", ctx.session->csrf_token},
                        {"expires_at", ctx.session->expires_at}});
    }
    return json_ok(
        {{"kind", "token"},
         {"token", {{"name", ctx.caller->name}, {"role", store::role_name(ctx.caller->role)}}}});
}

HttpResponse log_out(FerryApp& app, RouteContext& ctx) {
    if (ctx.session) {
        app.store().transact([&](store::Tx& tx) { tx.delete_session(ctx.session->token_hash); });
    }
    HttpResponse r{204};
    r.set_header("Set-Cookie", session_cookie("", ctx.request.tls || app.config().cookie_secure, 0));
    return r;
}

store::User load(store::Tx& tx, const std::string& name) {
    require_name(name, "user");
    auto u = tx.user_by_name(name);
    if (!u)
        throw not_found("no user " + name);
    return *u;
}

HttpResponse list_users(FerryApp& app, RouteContext&) {
    nlohmann::json out = nlohmann::json::array();
    app.store().transact([&](store::Tx& tx) {
        for (const auto& u : tx.list_users())
            out.push_back(user_json(u));
    });
    return json_ok({{"users", out}});
}

HttpResponse create_user(FerryApp& app, RouteContext& ctx) {
    auto j = parse_json_object(ctx.request);
    allow_only(j, {"name", "role", "password"});
    store::User u;
    u.name = string_field(j, "name");
    require_name(u.name, "user");
    u.role = role_field(j);
    u.password_hash = password::hash(password_field(j));
    u.created_at = app.now();
    try {
        app.store().transact([&](store::Tx& tx) {
            u.id = tx.insert_user(u);
            audit(tx, ctx, app.now(), "user.created", "user " + u.name,
                  std::string("role ") + store::role_name(u.role));
        });
    } catch (const store::ConflictError&) {
        throw ApiError(409, "duplicate_user", "user " + u.name + " already exists");
    }
    return json_ok(user_json(u), 201);
}

HttpResponse delete_user(FerryApp& app, RouteContext& ctx) {
    app.store().transact([&](store::Tx& tx) {
        store::User u = load(tx, ctx.params[0]);
        if (ctx.user && ctx.user->id == u.id)
            throw ApiError(409, "own_user", "a user cannot delete itself");
        if (u.role == store::Role::admin && tx.count_users(store::Role::admin) <= 1)
            throw ApiError(409, "last_admin", "the last admin cannot be deleted");
        tx.delete_user(u.id);
        audit(tx, ctx, app.now(), "user.deleted", "user " + u.name);
    });
    return HttpResponse{204};
}

// An admin sets anyone's password; everyone else only their own. Every session of that user
// ends, except the one making the change.
HttpResponse set_password(FerryApp& app, RouteContext& ctx) {
    bool is_admin = (ctx.user && ctx.user->role == store::Role::admin) ||
                    (ctx.caller && ctx.caller->role == store::Role::admin);
    if (!is_admin && !(ctx.user && ctx.user->name == ctx.params[0]))
        throw ApiError(403, "forbidden", "only an admin can set another user's password");
    auto j = parse_json_object(ctx.request);
    allow_only(j, {"password", "current_password"});
    bool own = ctx.user && ctx.user->name == ctx.params[0];
    if (own) {
        // A stolen session must not be enough to take the account over for good.
        std::string current = string_field(j, "current_password");
        if (!password::verify(current, ctx.user->password_hash))
            throw ApiError(403, "wrong_password", "the current password is wrong");
    }
    std::string hash = password::hash(password_field(j));
    app.store().transact([&](store::Tx& tx) {
        store::User u = load(tx, ctx.params[0]);
        u.password_hash = hash;
        tx.update_user(u);
        tx.delete_user_sessions(u.id);
        if (ctx.session && ctx.user && ctx.user->id == u.id)
            tx.insert_session(*ctx.session);
        audit(tx, ctx, app.now(), "user.password_set", "user " + u.name);
    });
    return HttpResponse{204};
}

}  // namespace

void add_account_routes(Router& router, FerryApp& app) {
    router.add("POST", "/api/v1/session", Access::open, bind(app, log_in));
    router.add("GET", "/api/v1/session", Access::viewer, bind(app, who_am_i));
    router.add("DELETE", "/api/v1/session", Access::viewer, bind(app, log_out));
    router.add("GET", "/api/v1/users", Access::admin, bind(app, list_users));
    router.add("POST", "/api/v1/users", Access::admin, bind(app, create_user));
    router.add("DELETE", "/api/v1/users/{name}", Access::admin, bind(app, delete_user));
    router.add("PUT", "/api/v1/users/{name}/password", Access::viewer, bind(app, set_password));
}

}  // namespace ferry::api
