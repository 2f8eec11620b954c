// Every route, called with no credentials and with every role (API token and dashboard session
// alike): the role the spec names for it (x-ferry-role in proto/openapi.yaml) is the one the
// server enforces. Plus log-in, cookies, CSRF, sessions ending, and the user rules.
#include <catch2/catch.hpp>

#include "api/login_throttle.h"
#include "api/session_auth.h"
#include "app_fixture.h"
#include "openapi_spec.h"

using namespace ferry;
using namespace ferry::test;
using nlohmann::json;

namespace {

const char* kPassword = "correct horse battery";

struct Credential {
    std::string label;
    int rank;  // 0 viewer, 1 operator, 2 admin, -1 nothing
    std::string token;
    std::string cookie;
    std::string csrf;
};

std::string cookie_of(const api::HttpResponse& r) {
    const std::string* set = r.header("Set-Cookie");
    REQUIRE(set);
    return set->substr(0, set->find(';'));
}

// A dashboard log-in as the browser sends it.
api::HttpRequest log_in_request(const std::string& name, const std::string& password,
                                const std::string& remote = "") {
    api::HttpRequest r;
    r.method = "POST";
    r.target = "/api/v1/session";
    r.headers = {{"content-type", "application/json"}};
    r.body = json{{"name", name}, {"password", password}}.dump();
    r.remote = remote;
    return r;
}

Credential log_in(AppFixture& f, const std::string& name, int rank) {
    auto a = f.app->handle(log_in_request(name, kPassword));
    REQUIRE(a.status == 200);
    return {"session:" + name, rank, "", cookie_of(a), f.json(a)["csrf_token"]};
}

api::HttpResponse call(AppFixture& f, const std::string& method, const std::string& target,
                       const Credential& c, bool send_csrf = true) {
    api::HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = method == "GET" || method == "HEAD" || method == "DELETE" ? "" : "{}";
    if (!c.token.empty())
        r.headers.emplace_back("authorization", "Bearer " + c.token);
    if (!c.cookie.empty())
        r.headers.emplace_back("cookie", "theme=dark; " + c.cookie);
    if (!c.csrf.empty() && send_csrf)
        r.headers.emplace_back("x-csrf-token", c.csrf);
    return f.app->handle(r);
}

// Path parameters that name nothing: a route that lets the caller in answers 404 or 400, and
// nothing is changed or deleted by the walk.
std::string fill(const std::string& pattern) {
    std::string out;
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{') {
            out += "999999";
            i = pattern.find('}', i);
        } else {
            out += pattern[i];
        }
    }
    return out;
}

int rank_of(const std::string& role) {
    if (role == "viewer")
        return 0;
    if (role == "operator")
        return 1;
    if (role == "admin")
        return 2;
    return -1;
}

struct AccessFixture {
    AppFixture f;
    std::vector<Credential> creds;

    AccessFixture() {
        creds.push_back({"nothing", -1, "", "", ""});
        for (auto [role, rank] : {std::pair{"viewer", 0}, {"operator", 1}, {"admin", 2}}) {
            auto t = f.call("POST", "/api/v1/tokens",
                            json{{"name", std::string("t-") + role}, {"role", role}}.dump());
            REQUIRE(t.status == 201);
            creds.push_back({std::string("token:") + role, rank, f.json(t)["token"], "", ""});
            auto u = f.call(
                "POST", "/api/v1/users",
                json{{"name", std::string("u-") + role}, {"role", role}, {"password", kPassword}}
                    .dump());
            REQUIRE(u.status == 201);
            creds.push_back(log_in(f, std::string("u-") + role, rank));
        }
    }
};

}  // namespace

TEST_CASE("every route enforces the role the spec gives it, for tokens and sessions alike",
          "[auth]") {
    AccessFixture a;
    auto roles = spec_roles(std::string(FERRY_SOURCE_DIR) + "/proto/openapi.yaml");
    std::vector<const api::Route*> routes;
    for (const auto& r : a.f.app->router().routes())
        routes.push_back(&r);
    // Log-out last: it ends the session it is called with.
    std::stable_partition(routes.begin(), routes.end(), [](const api::Route* r) {
        return !(r->method == "DELETE" && r->pattern == "/api/v1/session");
    });
    int checked = 0;
    for (const api::Route* route : routes) {
        std::string name = route->method + " " + route->pattern;
        INFO(name);
        REQUIRE(roles.count(name) == 1);
        const std::string& role = roles[name];
        api::Access expected = role == "open"       ? api::Access::open
                               : role == "device"   ? api::Access::device
                               : role == "viewer"   ? api::Access::viewer
                               : role == "operator" ? api::Access::operator_
                                                    : api::Access::admin;
        REQUIRE(route->access == expected);
        if (rank_of(role) < 0)
            continue;  // open and device routes carry their own checks (tested with them)
        // Setting a password is for oneself at viewer level, for another user admin only; the
        // walk names another user (oneself is tested below).
        int needed = route->pattern == "/api/v1/users/{name}/password" ? 2 : rank_of(role);
        for (const Credential& c : a.creds) {
            INFO(c.label);
            auto r = call(a.f, route->method, fill(route->pattern), c);
            if (c.rank < 0) {
                CHECK(r.status == 401);
            } else if (c.rank < needed) {
                CHECK(r.status == 403);
                CHECK(a.f.json(r)["error"]["code"] == "forbidden");
            } else {
                CHECK(r.status != 401);
                CHECK(r.status != 403);
            }
            ++checked;
        }
    }
    CHECK(checked > 7 * 30);
}

TEST_CASE("a session cookie without the CSRF token cannot change anything", "[auth]") {
    AccessFixture a;
    const Credential& admin = a.creds.back();
    REQUIRE(admin.label == "session:u-admin");
    for (const api::Route& route : a.f.app->router().routes()) {
        if (route.access == api::Access::open || route.access == api::Access::device ||
            route.method == "GET" || route.method == "HEAD")
            continue;
        INFO(route.method << " " << route.pattern);
        auto r = call(a.f, route.method, fill(route.pattern), admin, false);
        CHECK(r.status == 403);
        CHECK(a.f.json(r)["error"]["code"] == "csrf");
    }
    Credential wrong = admin;
    wrong.csrf[0] = wrong.csrf[0] == 'A' ? 'B' : 'A';
    CHECK(call(a.f, "POST", "/api/v1/rollouts", wrong).status == 403);
    CHECK(call(a.f, "GET", "/api/v1/rollouts", admin, false).status == 200);  // reads need none
}

TEST_CASE("log-in sets an HttpOnly SameSite cookie; log-out and expiry end the session", "[auth]") {
    AppFixture f;
    REQUIRE(f.call("POST", "/api/v1/users",
                   json{{"name", "ann"}, {"role", "operator"}, {"password", kPassword}}.dump())
                .status == 201);
    api::HttpRequest r = log_in_request("ann", "wrong password");
    auto bad = f.app->handle(r);
    CHECK(bad.status == 401);
    CHECK(f.json(bad)["error"]["code"] == "bad_credentials");
    r.body = json{{"name", "nobody"}, {"password", kPassword}}.dump();
    CHECK(f.json(f.app->handle(r))["error"]["message"] == f.json(bad)["error"]["message"]);

    r.body = json{{"name", "ann"}, {"password", kPassword}}.dump();
    auto ok = f.app->handle(r);
    REQUIRE(ok.status == 200);
    std::string set = *ok.header("Set-Cookie");
    CHECK(set.find("HttpOnly") != std::string::npos);
    CHECK(set.find("SameSite=Strict") != std::string::npos);
    CHECK(set.find("Path=/") != std::string::npos);
    CHECK(set.find("Secure") == std::string::npos);  // plain HTTP here
    CHECK(f.json(ok)["user"]["role"] == "operator");
    Credential ann{"ann", 1, "", cookie_of(ok), f.json(ok)["csrf_token"]};

    auto me = call(f, "GET", "/api/v1/session", ann);
    CHECK(f.json(me)["user"]["name"] == "ann");
    CHECK(f.json(me)["csrf_token"] == ann.csrf);
    auto audit = f.json(f.call("GET", "/api/v1/audit"));
    CHECK(audit["entries"][0]["action"] == "user.created");

    f.clock += api::kSessionLifetime - 1;
    CHECK(call(f, "GET", "/api/v1/session", ann).status == 200);
    CHECK(call(f, "DELETE", "/api/v1/session", ann).status == 204);
    CHECK(call(f, "GET", "/api/v1/session", ann).status == 401);

    auto again = log_in(f, "ann", 1);
    f.clock += api::kSessionLifetime;
    CHECK(call(f, "GET", "/api/v1/session", again).status == 401);
}

TEST_CASE("passwords are hashed with scrypt and the user rules hold", "[auth]") {
    AppFixture f;
    CHECK(f.call("POST", "/api/v1/users",
                 json{{"name", "bo"}, {"role", "viewer"}, {"password", "short"}}.dump())
              .status == 422);
    CHECK(f.call("POST", "/api/v1/users",
                 json{{"name", "bo"}, {"role", "chief"}, {"password", kPassword}}.dump())
              .status == 400);
    REQUIRE(f.call("POST", "/api/v1/users",
                   json{{"name", "bo"}, {"role", "viewer"}, {"password", kPassword}}.dump())
                .status == 201);
    CHECK(f.call("POST", "/api/v1/users",
                 json{{"name", "bo"}, {"role", "viewer"}, {"password", kPassword}}.dump())
              .status == 409);
    f.store->transact([&](store::Tx& tx) {
        auto u = tx.user_by_name("bo");
        REQUIRE(u);
        CHECK(u->password_hash.rfind("scrypt$17$8$1$", 0) == 0);
        CHECK(u->password_hash.find(kPassword) == std::string::npos);
    });
    Credential bo = log_in(f, "bo", 0);
    Credential bo2 = log_in(f, "bo", 0);
    // A viewer may change its own password (its other sessions end), not someone else's.
    CHECK(call(f, "PUT", "/api/v1/users/admin/password", bo).status == 403);
    REQUIRE(f.call("POST", "/api/v1/users",
                   json{{"name", "cy"}, {"role", "viewer"}, {"password", kPassword}}.dump())
                .status == 201);
    api::HttpRequest r;
    r.method = "PUT";
    r.target = "/api/v1/users/cy/password";
    r.body = json{{"password", "another long one"}, {"current_password", kPassword}}.dump();
    r.headers = {{"cookie", bo.cookie}, {"x-csrf-token", bo.csrf}};
    CHECK(f.app->handle(r).status == 403);
    r.target = "/api/v1/users/bo/password";
    r.body = json{{"password", "another long one"}, {"current_password", "not it at all"}}.dump();
    CHECK(f.app->handle(r).status == 403);  // a session alone cannot change the password
    r.body = json{{"password", "another long one"}, {"current_password", kPassword}}.dump();
    CHECK(f.app->handle(r).status == 204);
    CHECK(call(f, "GET", "/api/v1/session", bo).status == 200);
    CHECK(call(f, "GET", "/api/v1/session", bo2).status == 401);

    // The bootstrap admin user: only on an empty user table; cannot delete the last admin.
    AppFixture g;
    auto pw = g.app->bootstrap_admin_user();
    REQUIRE(pw);
    CHECK_FALSE(g.app->bootstrap_admin_user());
    CHECK(g.app->handle(log_in_request("admin", *pw)).status == 200);
    CHECK(g.call("DELETE", "/api/v1/users/admin").status == 409);
}

TEST_CASE("failed log-ins lock the name out for a while, whatever the password", "[auth]") {
    AppFixture f;
    REQUIRE(f.call("POST", "/api/v1/users",
                   json{{"name", "di"}, {"role", "viewer"}, {"password", kPassword}}.dump())
                .status == 201);
    auto attempt = [&](const std::string& pw) {
        return f.app->handle(log_in_request("di", pw, "192.0.2.7:40000"));
    };
    for (int i = 0; i < api::LoginThrottle::kFreePerName; ++i)
        CHECK(attempt("guess number " + std::to_string(i)).status == 401);
    auto locked = attempt(kPassword);
    CHECK(locked.status == 429);
    CHECK(f.json(locked)["error"]["code"] == "too_many_attempts");
    CHECK(*locked.header("Retry-After") == "30");
    f.clock += 29;
    CHECK(attempt(kPassword).status == 429);
    f.clock += 1;
    CHECK(attempt("one more guess").status == 401);  // and the next lock-out is twice as long
    CHECK(*attempt(kPassword).header("Retry-After") == "60");
    f.clock += 60;
    CHECK(attempt(kPassword).status == 200);  // a success clears the count
    CHECK(attempt("wrong again").status == 401);
    CHECK(attempt(kPassword).status == 200);

    // Someone elsewhere failing on the same name does not lock this address out.
    for (int i = 0; i < api::LoginThrottle::kFreePerName + 2; ++i)
        f.app->handle(log_in_request("di", "attacker guess", "198.51.100.9:1234"));
    CHECK(attempt(kPassword).status == 200);
}

TEST_CASE("the log-in takes JSON only, so a cross-site form cannot log a victim in", "[auth]") {
    AppFixture f;
    REQUIRE(f.call("POST", "/api/v1/users",
                   json{{"name", "fa"}, {"role", "viewer"}, {"password", kPassword}}.dump())
                .status == 201);
    api::HttpRequest r = log_in_request("fa", kPassword);
    r.headers = {{"content-type", "text/plain"}};
    CHECK(f.app->handle(r).status == 415);
    r.headers = {{"content-type", "application/json; charset=utf-8"}};
    CHECK(f.app->handle(r).status == 200);
}

TEST_CASE("the throttle's memory stays bounded under a flood of addresses", "[auth]") {
    api::LoginThrottle t;
    for (int i = 0; i < 120000; ++i)
        t.begin("u" + std::to_string(i % 7), "10." + std::to_string(i / 65536) + "." +
                                                 std::to_string(i / 256 % 256) + "." +
                                                 std::to_string(i % 256) + ":1",
                1000);
    CHECK(t.entries() <= api::LoginThrottle::kMaxEntries);
}
