// ferryd configuration: defaults, then a JSON file, then FERRYD_* environment variables, then
// command-line flags — each later source overrides the earlier ones.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ferry::ferryd {

struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Config {
    std::vector<std::string> listen{"127.0.0.1:8080"};
    std::vector<std::string> tls_listen;
    std::string tls_cert;
    std::string tls_key;
    std::string data_dir = "ferry-data";
    std::string db_path;  // default: <data_dir>/ferry.db
    std::vector<std::string> trusted_keys;  // .pub files; default: every <data_dir>/keys/*.pub
    uint32_t poll_interval_s = 3600;
    double price_per_mb = 0.0;
    std::string web_root;  // empty: the build tree's web/dist when it exists
    bool cookie_secure = false;
    uint32_t poll_jitter_s = 300;
    uint32_t capability_ttl_s = 7200;
    uint32_t chunk_size = 8192;
    uint32_t flush_interval_s = 5;
    unsigned threads = 0;
    size_t header_limit = 8 * 1024;
    uint32_t idle_timeout_s = 30;
    uint32_t shutdown_grace_s = 20;
    std::string log_level = "info";
    std::string initial_token_file;  // where the first admin token is also written (mode 0600)
    std::string initial_password_file;  // where the first dashboard password is also written
    bool show_help = false;
};

// Throws ConfigError naming the source and the key on anything unknown or out of range.
Config load_config(int argc, char** argv);
std::string usage();

}  // namespace ferry::ferryd
