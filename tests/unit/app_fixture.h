// A FerryApp over a real SQLite file and blob directory in a temp dir, with a settable clock and
// one trusted release key: handler tests without sockets.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "api/ferry_app.h"
#include "store/blob_store.h"
#include "store/sqlite_store.h"
#include "test_support.h"

namespace ferry::test {

struct AppFixture {
    TempDir dir;
    int64_t clock = 1'800'000'000;
    crypto::Ed25519KeyPair release_key = crypto::ed25519_generate();
    std::unique_ptr<store::SqliteStore> store;
    std::unique_ptr<store::BlobStore> blobs;
    std::unique_ptr<api::FerryApp> app;
    std::string admin_token;

    AppFixture() { open(); }

    void open() {
        app.reset();
        store = std::make_unique<store::SqliteStore>(dir.file("ferry.db"));
        blobs = std::make_unique<store::BlobStore>(dir.file("blobs"));
        api::AppConfig cfg;
        cfg.trusted_keys = {{"release", release_key.public_key}};
        cfg.poll_jitter_s = 0;
        app = std::make_unique<api::FerryApp>(*store, *blobs, cfg, [this] { return clock; });
        if (auto t = app->bootstrap_admin_token()) admin_token = *t;
    }

    api::HttpResponse call(const std::string& method, const std::string& target,
                           const std::string& body = {}, const std::string& token = "-") {
        api::HttpRequest r;
        r.method = method;
        r.target = target;
        r.body = body;
        std::string t = token == "-" ? admin_token : token;
        if (!t.empty()) r.headers.emplace_back("authorization", "Bearer " + t);
        return app->handle(r);
    }
    api::HttpResponse get(const std::string& target, std::vector<std::pair<std::string, std::string>> headers) {
        api::HttpRequest r;
        r.method = "GET";
        r.target = target;
        r.headers = std::move(headers);
        return app->handle(r);
    }
    nlohmann::json json(const api::HttpResponse& r) { return nlohmann::json::parse(r.body); }

    int64_t upload(const Bytes& bundle) {
        auto r = call("POST", "/api/v1/releases", std::string(as_chars(bundle)));
        if (r.status != 201) throw std::runtime_error("upload failed: " + r.body);
        return json(r)["id"].get<int64_t>();
    }
    Bytes provision(const std::string& id, const std::string& hw = "f401xe",
                    const std::vector<std::string>& tags = {}) {
        nlohmann::json body = {{"id", id}, {"hw_id", hw}, {"tags", tags}};
        auto r = call("POST", "/api/v1/devices", body.dump());
        if (r.status != 201) throw std::runtime_error("provision failed: " + r.body);
        return hex_decode(json(r)["secret"].get<std::string>()).value();
    }
    std::map<std::string, std::string> poll(const PollParams& p, const Bytes& secret) {
        auto r = call("GET", poll_target(p, secret), {}, "");
        if (r.status != 200) throw std::runtime_error("poll failed: " + std::to_string(r.status) + r.body);
        return parse_poll_answer(r.body, secret, p.counter);
    }
};

}  // namespace ferry::test
