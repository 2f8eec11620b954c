// ferryd's application: every route, over a Store and a BlobStore. Transport-free: the HTTP
// server (or a test) hands it HttpRequest values and sends back the HttpResponse values.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "api/byte_counter.h"
#include "api/http_message.h"
#include "api/image_cache.h"
#include "api/metrics.h"
#include "api/router.h"
#include "api/login_throttle.h"
#include "api/static_files.h"
#include "release/bundle.h"
#include "store/blob_store.h"
#include "store/store.h"

namespace ferry::api {

struct AppConfig {
    std::vector<release::TrustedKey> trusted_keys;  // release keys uploads must be signed by
    uint32_t poll_interval_s = 3600;   // idle answer: poll again in this many seconds ...
    uint32_t poll_jitter_s = 300;      // ... plus or minus up to this, so a fleet spreads out
    uint32_t capability_ttl_s = 7200;  // lifetime of a download URL (a slow NB-IoT download fits)
    uint32_t chunk_size = 8192;        // suggested range size in offers
    size_t max_upload_bytes = proto::kMaxBundleSize + 4096;
    double price_per_mb = 0.0;  // what a megabyte of cellular data costs, for rollout views
    std::string web_root;       // the built dashboard (one flat directory); empty: none
    bool cookie_secure = false;  // mark session cookies Secure on plain HTTP too (TLS proxy)
};

// Seconds since the epoch; tests replace it to move time.
using Clock = std::function<int64_t()>;
int64_t system_now();

class FerryApp final : public HttpApp {
  public:
    FerryApp(store::Store& store, store::BlobStore& blobs, AppConfig config,
             Clock clock = system_now);

    HttpResponse handle(const HttpRequest& request) override;
    void handle_async(const HttpRequest& request, Responder respond) override;
    void on_connection_open() override { metrics_.connection_opened(); }
    void on_connection_close() override { metrics_.connection_closed(); }

    // On an empty token table: creates an admin token and returns its text (shown once).
    std::optional<std::string> bootstrap_admin_token();
    // On an empty user table: creates the dashboard user "admin" with a random password and
    // returns the password (shown once).
    std::optional<std::string> bootstrap_admin_user();
    // Deletes blob files and rows no release refers to (what a crash mid-upload left).
    size_t collect_garbage();
    // Moves in-memory byte counts into the store; ferryd calls it every few seconds and at exit.
    void flush_counters();
    // The rollouts' time-driven work (rollout::sweep); ferryd calls it every few seconds.
    void sweep_rollouts();

    const Router& router() const { return router_; }

    // --- used by the handlers -----------------------------------------------------------------
    store::Store& store() { return store_; }
    store::BlobStore& blobs() { return blobs_; }
    const AppConfig& config() const { return config_; }
    Metrics& metrics() { return metrics_; }
    ImageCache& images() { return images_; }
    ByteCounter& byte_counter() { return bytes_; }
    int64_t now() const { return clock_(); }
    const Bytes& capability_key() const { return capability_key_; }
    const StaticFiles& web() const { return web_; }
    LoginThrottle& login_throttle() { return login_throttle_; }
    // The image of (release, slot) from the cache, loading it from the blob store on a miss.
    std::shared_ptr<const CachedImage> image_bytes(int64_t release_id, int slot);

  private:
    HttpResponse answer(const HttpRequest& request, Router::Match m);
    template <class Fn>
    HttpResponse settle(const HttpRequest& request, const Route& route, Fn fn);
    // The answer to an exception no route turned into one: 503 for the store, 500 otherwise.
    HttpResponse failure(const HttpRequest& request, std::exception_ptr error);
    // Labels a response "unmatched" when no route did, and counts it for /metrics.
    HttpResponse count(HttpResponse response);
    void authorize(RouteContext& ctx, Access access);

    store::Store& store_;
    store::BlobStore& blobs_;
    AppConfig config_;
    Clock clock_;
    Router router_;
    Metrics metrics_;
    ImageCache images_;
    ByteCounter bytes_;
    Bytes capability_key_;
    StaticFiles web_;
    LoginThrottle login_throttle_;
};

// A route handler that is a plain function of the app and the request.
using AppHandler = HttpResponse (*)(FerryApp&, RouteContext&);
inline RouteHandler bind(FerryApp& app, AppHandler fn) {
    return [&app, fn](RouteContext& c) { return fn(app, c); };
}

// Route registration, one file per area.
void add_release_routes(Router& router, FerryApp& app);
void add_device_routes(Router& router, FerryApp& app);
void add_token_routes(Router& router, FerryApp& app);
void add_device_api_routes(Router& router, FerryApp& app);
void add_ops_routes(Router& router, FerryApp& app);
void add_rollout_routes(Router& router, FerryApp& app);
void add_account_routes(Router& router, FerryApp& app);
void add_dashboard_routes(Router& router, FerryApp& app);

}  // namespace ferry::api
