#include "api/ferry_app.h"

#include <cctype>
#include <chrono>
#include <set>

#include "api/api_error.h"
#include "api/operator_auth.h"
#include "common/crypto.h"
#include "common/log.h"

namespace ferry::api {

int64_t system_now() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

FerryApp::FerryApp(store::Store& store, store::BlobStore& blobs, AppConfig config, Clock clock)
    : store_(store), blobs_(blobs), config_(std::move(config)), clock_(std::move(clock)) {
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
}

HttpResponse FerryApp::handle(const HttpRequest& request) {
    HttpResponse response;
    try {
        response = dispatch(request);
    } catch (const ApiError& e) {
        response = error_response(e.status, e.code, e.what());
    } catch (const store::StoreError& e) {
        log::error("store failure", {{"target", request.target}, {"error", e.what()}});
        response = error_response(503, "store_unavailable", "the store cannot serve this now");
    } catch (const std::exception& e) {
        log::error("handler failure", {{"target", request.target}, {"error", e.what()}});
        response = error_response(500, "internal", "internal error");
    }
    if (response.route.empty()) response.route = "unmatched";
    metrics_.count_request(response.route, response.status);
    return response;
}

HttpResponse FerryApp::dispatch(const HttpRequest& request) {
    auto m = router_.match(request.method, request.path());
    if (!m.route) {
        if (m.path_known) {
            HttpResponse r = error_response(405, "method_not_allowed",
                                            request.method + " is not allowed here");
            r.set_header("Allow", router_.allowed_methods(request.path()));
            return r;
        }
        return error_response(404, "not_found", "no such resource");
    }
    RouteContext ctx{request, std::move(m.params), std::nullopt};
    HttpResponse response;
    try {
        authorize(ctx, m.route->access);
        response = m.route->handler(ctx);
    } catch (const ApiError& e) {
        response = error_response(e.status, e.code, e.what());
    }
    response.route = m.route->pattern;
    return response;
}

void FerryApp::authorize(RouteContext& ctx, Access access) {
    if (access == Access::open || access == Access::device) return;
    const std::string* auth = ctx.request.header("authorization");
    constexpr std::string_view bearer = "bearer ";  // the scheme is case-insensitive
    bool is_bearer = auth && auth->size() > bearer.size();
    for (size_t i = 0; is_bearer && i < bearer.size(); ++i) {
        is_bearer = std::tolower(static_cast<unsigned char>((*auth)[i])) == bearer[i];
    }
    if (!is_bearer) {
        throw ApiError(401, "unauthenticated", "an API token is required (Authorization: Bearer)");
    }
    std::string_view token = std::string_view(*auth).substr(bearer.size());
    std::optional<store::ApiToken> caller;
    store_.transact([&](store::Tx& tx) { caller = authenticate_token(tx, token, now()); });
    if (!caller) throw ApiError(401, "unauthenticated", "unknown or invalid API token");
    store::Role needed = access == Access::admin       ? store::Role::admin
                         : access == Access::operator_ ? store::Role::operator_
                                                       : store::Role::viewer;
    if (static_cast<int>(caller->role) < static_cast<int>(needed)) {
        throw ApiError(403, "forbidden",
                       std::string("this needs the ") + store::role_name(needed) + " role");
    }
    ctx.caller = std::move(caller);
}

std::optional<std::string> FerryApp::bootstrap_admin_token() {
    std::optional<std::string> text;
    store_.transact([&](store::Tx& tx) {
        if (tx.count_tokens() > 0) return;
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
    if (removed > 0) log::info("removed unreferenced blobs", {{"count", removed}});
    return removed;
}

void FerryApp::flush_counters() {
    try {
        bytes_.flush(store_);
    } catch (const std::exception& e) {
        log::warn("byte counters not flushed; will retry", {{"error", e.what()}});
    }
}

std::shared_ptr<const CachedImage> FerryApp::image_bytes(int64_t release_id, int slot) {
    if (auto hit = images_.find(release_id, slot)) return hit;
    std::optional<std::string> sha;
    store_.transact([&](store::Tx& tx) {
        auto r = tx.release_by_id(release_id);
        if (!r) return;
        for (const auto& img : r->images) {
            if (img.slot == slot) sha = img.sha256;
        }
    });
    if (!sha) return nullptr;
    auto loaded = blobs_.get(*sha);  // re-hashed on load: a corrupt file is never served
    auto image = std::make_shared<const CachedImage>(CachedImage{*loaded, *sha});
    images_.put(release_id, slot, image);
    return image;
}

}  // namespace ferry::api
