#include "api/ferry_app.h"

#include <cctype>
#include <chrono>
#include <set>

#include "api/api_error.h"
#include "api/operator_auth.h"
#include "api/session_auth.h"
#include "common/crypto.h"
#include "common/log.h"
#include "common/password.h"
#include "rollout/rollout_engine.h"

namespace ferry::api {

int64_t system_now() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

FerryApp::FerryApp(store::Store& store, store::BlobStore& blobs, AppConfig config, Clock clock)
    : store_(store),
      blobs_(blobs),
      config_(std::move(config)),
      clock_(std::move(clock)),
      web_(config_.web_root) {
    // The capability key is shared through the store so every instance accepts every URL.
    store_.transact([&](store::Tx& tx) {
        auto key = tx.get_setting("capability_key");
        if (!key) {
            key = crypto::random_bytes(32);
            tx.put_setting("capability_key", *key);
        }
        capability_key_ = *key;
    });
    add_ops_routes(router_, *this);
    add_device_api_routes(router_, *this);
    add_release_routes(router_, *this);
    add_device_routes(router_, *this);
    add_token_routes(router_, *this);
    add_rollout_routes(router_, *this);
    add_account_routes(router_, *this);
    add_dashboard_routes(router_, *this);
}

// Runs one step of a matched route and always yields an answer: an ApiError is the client's
// answer, labelled with the route like any other answer of it; anything else goes to failure(),
// unlabelled (counted as "unmatched", as it always was).
template <class Fn>
HttpResponse FerryApp::settle(const HttpRequest& request, const Route& route, Fn fn) {
    try {
        HttpResponse response;
        try {
            response = fn();
        } catch (const ApiError& e) {
            response = error_response(e.status, e.code, e.what());
        }
        response.route = route.pattern;
        return response;
    } catch (...) {
        return failure(request, std::current_exception());
    }
}

HttpResponse FerryApp::handle(const HttpRequest& request) {
    return count(answer(request, router_.match(request.method, request.path())));
}

// Transactional routes (device polls) hand their transaction to the store and answer from its
// completion, so that no I/O thread waits and the store can commit many at once. Everything
// else is answered right away.
void FerryApp::handle_async(const HttpRequest& request, Responder respond) {
    Router::Match m = router_.match(request.method, request.path());
    if (!m.route || !m.route->tx_handler)
        return respond(count(answer(request, std::move(m))));
    const Route& route = *m.route;
    std::shared_ptr<TxWork> work;
    HttpResponse refused = settle(request, route, [&] {
        RouteContext ctx{request, std::move(m.params), std::nullopt};
        authorize(ctx, route.access);
        work = route.tx_handler(ctx);
        return HttpResponse{};
    });
    if (!work)
        return respond(count(std::move(refused)));
    store_.transact_async(
        [work](store::Tx& tx) { work->run(tx); },
        [this, work, &request, &route, respond = std::move(respond)](std::exception_ptr error) {
            respond(count(settle(request, route, [&] {
                if (error)
                    std::rethrow_exception(error);
                return work->response();
            })));
        });
}

// Everything but the asynchronous transaction: here a transactional route waits for its commit.
HttpResponse FerryApp::answer(const HttpRequest& request, Router::Match m) {
    if (!m.route) {
        if (m.path_known) {
            HttpResponse r =
                error_response(405, "method_not_allowed", request.method + " is not allowed here");
            r.set_header("Allow", router_.allowed_methods(request.path()));
            return r;
        }
        return error_response(404, "not_found", "no such resource");
    }
    const Route& route = *m.route;
    RouteContext ctx{request, std::move(m.params), std::nullopt};
    return settle(request, route, [&] {
        authorize(ctx, route.access);
        if (!route.tx_handler)
            return route.handler(ctx);
        std::unique_ptr<TxWork> work = route.tx_handler(ctx);
        store_.transact([&](store::Tx& tx) { work->run(tx); });
        return work->response();
    });
}

HttpResponse FerryApp::failure(const HttpRequest& request, std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const ApiError& e) {
        return error_response(e.status, e.code, e.what());
    } catch (const store::StoreError& e) {
        log::error("store failure", {{"target", request.target}, {"error", e.what()}});
        return error_response(503, "store_unavailable", "the store cannot serve this now");
    } catch (const std::exception& e) {
        log::error("handler failure", {{"target", request.target}, {"error", e.what()}});
    } catch (...) {
        log::error("handler failure", {{"target", request.target}, {"error", "unknown exception"}});
    }
    return error_response(500, "internal", "internal error");
}

HttpResponse FerryApp::count(HttpResponse response) {
    if (response.route.empty())
        response.route = "unmatched";
    metrics_.count_request(response.route, response.status);
    return response;
}

namespace {
std::optional<std::string_view> bearer_token(const HttpRequest& request) {
    const std::string* auth = request.header("authorization");
    constexpr std::string_view bearer = "bearer ";  // the scheme is case-insensitive
    if (!auth || auth->size() <= bearer.size())
        return std::nullopt;
    for (size_t i = 0; i < bearer.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>((*auth)[i])) != bearer[i])
            return std::nullopt;
    }
    return std::string_view(*auth).substr(bearer.size());
}
}  // namespace

// Operator routes take an API token (Authorization: Bearer, for ferryctl and scripts) or a
// dashboard session cookie; a cookie on a state-changing request needs the session's CSRF token.
void FerryApp::authorize(RouteContext& ctx, Access access) {
    if (access == Access::open || access == Access::device)
        return;
    store::Role role = store::Role::viewer;
    if (auto token = bearer_token(ctx.request)) {
        std::optional<store::ApiToken> caller;
        store_.transact([&](store::Tx& tx) { caller = authenticate_token(tx, *token, now()); });
        if (!caller)
            throw ApiError(401, "unauthenticated", "unknown or invalid API token");
        role = caller->role;
        ctx.actor = "token:" + caller->name;
        ctx.caller = std::move(caller);
    } else {
        std::optional<SessionCaller> session;
        store_.transact([&](store::Tx& tx) { session = authenticate_session(tx, ctx.request, now()); });
        if (!session) {
            throw ApiError(401, "unauthenticated",
                           "log in, or send an API token (Authorization: Bearer)");
        }
        if (!is_safe_method(ctx.request.method)) {
            const std::string* csrf = ctx.request.header("x-csrf-token");
            const std::string& want = session->session.csrf_token;
            if (!csrf || csrf->size() != want.size() ||
                !equal_constant_time(reinterpret_cast<const uint8_t*>(csrf->data()),
                                     reinterpret_cast<const uint8_t*>(want.data()), want.size())) {
                throw ApiError(403, "csrf", "missing or wrong X-CSRF-Token for this session");
            }
        }
        role = session->user.role;
        ctx.actor = "user:" + session->user.name;
        ctx.user = std::move(session->user);
        ctx.session = std::move(session->session);
    }
    store::Role needed = access == Access::admin       ? store::Role::admin
                         : access == Access::operator_ ? store::Role::operator_
                                                       : store::Role::viewer;
    if (static_cast<int>(role) < static_cast<int>(needed)) {
        throw ApiError(403, "forbidden",
                       std::string("this needs the ") + store::role_name(needed) + " role");
    }
}

std::optional<std::string> FerryApp::bootstrap_admin_user() {
    std::optional<std::string> text;
    store_.transact([&](store::Tx& tx) {
        if (tx.count_users(std::nullopt) > 0)
            return;
        store::User u;
        u.name = "admin";
        u.role = store::Role::admin;
        text = password::generate();
        u.password_hash = password::hash(*text);
        u.created_at = now();
        tx.insert_user(u);
    });
    return text;
}

std::optional<std::string> FerryApp::bootstrap_admin_token() {
    std::optional<std::string> text;
    store_.transact([&](store::Tx& tx) {
        if (tx.count_tokens() > 0)
            return;
        NewToken t = generate_token("initial-admin", store::Role::admin, now());
        tx.insert_token(t.row);
        text = t.text;
    });
    return text;
}

size_t FerryApp::collect_garbage() {
    size_t removed = 0;
    std::set<std::string> on_disk = blobs_.list();
    store_.transact([&](store::Tx& tx) {
        for (const std::string& sha : tx.list_blob_hashes()) {
            if (!tx.blob_referenced(sha)) {
                tx.delete_blob_row(sha);
            } else {
                on_disk.erase(sha);
            }
        }
    });
    for (const std::string& sha : on_disk) {
        blobs_.remove(sha);
        ++removed;
    }
    if (removed > 0)
        log::info("removed unreferenced blobs", {{"count", removed}});
    return removed;
}

void FerryApp::flush_counters() {
    try {
        bytes_.flush(store_);
    } catch (const std::exception& e) {
        log::warn("byte counters not flushed; will retry", {{"error", e.what()}});
    }
}

void FerryApp::sweep_rollouts() {
    try {
        store_.transact([&](store::Tx& tx) { rollout::sweep(tx, now()); });
    } catch (const std::exception& e) {
        log::warn("rollout sweep failed; will retry", {{"error", e.what()}});
    }
}

std::shared_ptr<const CachedImage> FerryApp::image_bytes(int64_t release_id, int slot) {
    if (auto hit = images_.find(release_id, slot))
        return hit;
    std::optional<std::string> sha;
    store_.transact([&](store::Tx& tx) {
        auto r = tx.release_by_id(release_id);
        if (!r)
            return;
        for (const auto& img : r->images) {
            if (img.slot == slot)
                sha = img.sha256;
        }
    });
    if (!sha)
        return nullptr;
    auto loaded = blobs_.get(*sha);  // re-hashed on load: a corrupt file is never served
    auto image = std::make_shared<const CachedImage>(CachedImage{*loaded, *sha});
    images_.put(release_id, slot, image);
    return image;
}

}  // namespace ferry::api
