// ferryd: wires configuration, store, application and transport together. Exceptions stop
// start-up here with one clear line; after start-up, errors are handled where they happen.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "api/ferry_app.h"
#include "common/bytes.h"
#include "common/crypto.h"
#include "common/log.h"
#include "ferryd/config.h"
#include "http/http_server.h"
#include "store/blob_store.h"
#include "store/sqlite_store.h"

namespace fs = std::filesystem;
using namespace ferry;

namespace {

std::vector<release::TrustedKey> load_trusted_keys(const ferryd::Config& cfg) {
    std::vector<std::string> files = cfg.trusted_keys;
    std::string dir = cfg.data_dir + "/keys";
    if (files.empty() && fs::is_directory(dir)) {
        for (const auto& e : fs::directory_iterator(dir)) {
            if (e.path().extension() == ".pub") files.push_back(e.path().string());
        }
        std::sort(files.begin(), files.end());
    }
    std::vector<release::TrustedKey> keys;
    for (const std::string& f : files) {
        Bytes pem = read_file(f);
        try {
            keys.push_back({fs::path(f).stem().string(), crypto::ed25519_public_from_pem(as_chars(pem))});
        } catch (const std::exception& e) {
            throw std::runtime_error("trusted key " + f + ": " + e.what());
        }
    }
    return keys;
}

// One ferryd per database file: a second one would race start-up garbage collection against
// the first one's uploads. Refuse clearly instead.
int lock_database(const std::string& db_path) {
    std::string lock_path = db_path + ".lock";
    int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot open " + lock_path);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        throw std::runtime_error("another ferryd is already using " + db_path +
                                 " (lock " + lock_path + " is held); run one ferryd per "
                                 "SQLite file, or use the PostgreSQL backend for several");
    }
    return fd;
}

// Prints a first-start secret once, and writes it to `file` (mode 0600) when one is given.
void announce_secret(const std::string& what, const std::string& secret, const std::string& file) {
    std::printf("\nFirst start: %s. It is shown only this once:\n\n    %s\n\n", what.c_str(),
                secret.c_str());
    if (!file.empty()) {
        write_file_atomic(file, reinterpret_cast<const uint8_t*>(secret.data()), secret.size(), 0600);
        std::printf("It was also written to %s (mode 0600).\n\n", file.c_str());
    }
    std::fflush(stdout);
}

// Every flush_interval: byte counters reach the store and the rollouts' time-driven work runs
// (start times, device deadlines). The counters are flushed once more at shutdown.
class Housekeeper {
public:
    Housekeeper(api::FerryApp& app, unsigned interval_s)
        : app_(app), thread_([this, interval_s] { loop(interval_s); }) {}
    ~Housekeeper() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        cv_.notify_all();
        thread_.join();
        app_.flush_counters();
    }

private:
    void loop(unsigned interval_s) {
        std::unique_lock<std::mutex> lock(mutex_);
        while (!cv_.wait_for(lock, std::chrono::seconds(interval_s), [this] { return stop_; })) {
            lock.unlock();
            app_.flush_counters();
            app_.sweep_rollouts();
            lock.lock();
        }
    }
    api::FerryApp& app_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::thread thread_;
};

int run(const ferryd::Config& cfg) {
    if (!log::set_level(cfg.log_level)) throw std::runtime_error("unknown log_level " + cfg.log_level);
    fs::create_directories(cfg.data_dir);
    int lock_fd = lock_database(cfg.db_path);
    store::SqliteStore store(cfg.db_path);
    store::BlobStore blobs(cfg.data_dir + "/blobs");

    api::AppConfig app_cfg;
    app_cfg.trusted_keys = load_trusted_keys(cfg);
    app_cfg.poll_interval_s = cfg.poll_interval_s;
    if (cfg.poll_interval_s < 60) {
        log::warn("poll_interval below a minute: fine for demos and tests, costly for a fleet",
                  {{"poll_interval", cfg.poll_interval_s}});
    }
    app_cfg.price_per_mb = cfg.price_per_mb;
    app_cfg.web_root = cfg.web_root;
    app_cfg.cookie_secure = cfg.cookie_secure;
    if (app_cfg.web_root.empty() && fs::is_directory(FERRY_BUILD_WEB_ROOT))
        app_cfg.web_root = FERRY_BUILD_WEB_ROOT;
    if (app_cfg.web_root.empty())
        log::warn("no dashboard: web_root not set and the build has none", {});
    app_cfg.poll_jitter_s = cfg.poll_jitter_s;
    app_cfg.capability_ttl_s = cfg.capability_ttl_s;
    app_cfg.chunk_size = cfg.chunk_size;
    if (app_cfg.trusted_keys.empty()) {
        log::warn("no trusted release keys: every upload will be refused",
                  {{"hint", "put release public keys in " + cfg.data_dir + "/keys/*.pub"}});
    }
    api::FerryApp app(store, blobs, app_cfg);
    app.collect_garbage();
    if (auto token = app.bootstrap_admin_token())
        announce_secret("an admin API token was created", *token, cfg.initial_token_file);
    if (auto pw = app.bootstrap_admin_user()) {
        announce_secret("the dashboard user \"admin\" was created with this password", *pw,
                        cfg.initial_password_file);
    }

    http::ServerOptions opts;
    opts.listen = cfg.listen;
    opts.tls_listen = cfg.tls_listen;
    opts.tls_cert_file = cfg.tls_cert;
    opts.tls_key_file = cfg.tls_key;
    opts.threads = cfg.threads;
    opts.header_limit = cfg.header_limit;
    opts.body_limit = app_cfg.max_upload_bytes;
    opts.idle_timeout = std::chrono::seconds(cfg.idle_timeout_s);
    opts.shutdown_grace = std::chrono::seconds(cfg.shutdown_grace_s);
    http::HttpServer server(app, opts);
    server.start();
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& k : app_cfg.trusted_keys) keys.push_back(k.name);
    log::info("ferryd listening", {{"listen", cfg.listen}, {"tls_listen", cfg.tls_listen},
                                   {"ports", server.bound_ports()}, {"store", store.describe()},
                                   {"trusted_keys", keys}});
    {
        Housekeeper flusher(app, cfg.flush_interval_s);
        server.run();
    }
    log::info("ferryd stopped");
    ::close(lock_fd);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        ferryd::Config cfg = ferryd::load_config(argc, argv);
        if (cfg.show_help) {
            std::cout << ferryd::usage();
            return 0;
        }
        return run(cfg);
    } catch (const ferryd::ConfigError& e) {
        std::fprintf(stderr, "ferryd: %s\n%s", e.what(), ferryd::usage().c_str());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ferryd: %s\n", e.what());
        return 1;
    }
}
