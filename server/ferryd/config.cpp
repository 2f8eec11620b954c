#include "ferryd/config.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ferry::ferryd {
namespace {

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

uint32_t to_u32(const std::string& source, const std::string& key, const std::string& text,
                uint32_t min, uint32_t max) {
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0 || v < min || v > max) {
        throw ConfigError(source + ": " + key + " must be a number from " + std::to_string(min) +
                          " to " + std::to_string(max) + ", not '" + text + "'");
    }
    return static_cast<uint32_t>(v);
}

double to_price(const std::string& source, const std::string& key, const std::string& text) {
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno != 0 || !(v >= 0) || v > 1e6) {
        throw ConfigError(source + ": " + key + " must be a price from 0 to 1000000, not '" +
                          text + "'");
    }
    return v;
}

// One setter for every source, keyed by the file/flag name ("poll_interval" / --poll-interval).
void set(Config& c, const std::string& source, const std::string& key, const std::string& value) {
    if (key == "listen") c.listen = split_list(value);
    else if (key == "tls_listen") c.tls_listen = split_list(value);
    else if (key == "tls_cert") c.tls_cert = value;
    else if (key == "tls_key") c.tls_key = value;
    else if (key == "data_dir") c.data_dir = value;
    else if (key == "db") c.db_path = value;
    else if (key == "trusted_keys") c.trusted_keys = split_list(value);
    else if (key == "poll_interval") c.poll_interval_s = to_u32(source, key, value, 2, 7 * 86400);
    else if (key == "poll_jitter") c.poll_jitter_s = to_u32(source, key, value, 0, 86400);
    else if (key == "capability_ttl") c.capability_ttl_s = to_u32(source, key, value, 60, 7 * 86400);
    else if (key == "chunk_size") c.chunk_size = to_u32(source, key, value, 256, 1 << 20);
    else if (key == "flush_interval") c.flush_interval_s = to_u32(source, key, value, 1, 3600);
    else if (key == "threads") c.threads = to_u32(source, key, value, 0, 256);
    else if (key == "header_limit") c.header_limit = to_u32(source, key, value, 1024, 1 << 20);
    else if (key == "idle_timeout") c.idle_timeout_s = to_u32(source, key, value, 1, 3600);
    else if (key == "shutdown_grace") c.shutdown_grace_s = to_u32(source, key, value, 0, 3600);
    else if (key == "log_level") c.log_level = value;
    else if (key == "price_per_mb") c.price_per_mb = to_price(source, key, value);
    else if (key == "initial_token_file") c.initial_token_file = value;
    else if (key == "initial_password_file") c.initial_password_file = value;
    else if (key == "web_root") c.web_root = value;
    else if (key == "cookie_secure") c.cookie_secure = to_u32(source, key, value, 0, 1) == 1;
    else throw ConfigError(source + ": unknown setting '" + key + "'");
}

const char* kKeys[] = {"listen",         "tls_listen",    "tls_cert",       "tls_key",
                       "data_dir",       "db",            "trusted_keys",   "poll_interval",
                       "poll_jitter",    "capability_ttl", "chunk_size",    "flush_interval",
                       "threads",        "header_limit",  "idle_timeout",   "shutdown_grace",
                       "log_level",      "initial_token_file", "price_per_mb",
                       "initial_password_file", "web_root", "cookie_secure"};

void load_file(Config& c, const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError("cannot read config file " + path);
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw ConfigError(path + ": not a JSON object");
    for (auto it = j.begin(); it != j.end(); ++it) {
        std::string value;
        if (it->is_string()) {
            value = it->get<std::string>();
        } else if (it->is_number_unsigned()) {
            value = std::to_string(it->get<uint64_t>());
        } else if (it->is_number_float()) {
            value = it->dump();
        } else if (it->is_array()) {
            for (const auto& e : *it) {
                if (!e.is_string()) throw ConfigError(path + ": " + it.key() + " must hold strings");
                value += (value.empty() ? "" : ",") + e.get<std::string>();
            }
        } else {
            throw ConfigError(path + ": " + it.key() + " has an unsupported type");
        }
        set(c, path, it.key(), value);
    }
}

std::string env_name(const std::string& key) {
    std::string out = "FERRYD_";
    for (char ch : key) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
    return out;
}

}  // namespace

std::string usage() {
    return "usage: ferryd [--config FILE] [--KEY VALUE]...\n"
           "Settings (file key / --flag / FERRYD_ENV), later sources override earlier ones:\n"
           "  listen            HOST:PORT[,...]  plain HTTP endpoints (default 127.0.0.1:8080)\n"
           "  tls_listen        HOST:PORT[,...]  HTTPS endpoints (need tls_cert and tls_key)\n"
           "  tls_cert/tls_key  PEM files\n"
           "  data_dir          DIR  database, blobs and keys/ (default ./ferry-data)\n"
           "  db                PATH SQLite file (default DATA_DIR/ferry.db)\n"
           "  trusted_keys      FILE[,...] release public keys (default DATA_DIR/keys/*.pub)\n"
           "  poll_interval     S    idle poll interval given to devices (default 3600)\n"
           "  poll_jitter       S    +/- spread of that interval (default 300)\n"
           "  capability_ttl    S    lifetime of a download link (default 7200)\n"
           "  chunk_size        N    range size suggested to devices (default 8192)\n"
           "  flush_interval    S    how often byte counters reach the store (default 5)\n"
           "  threads           N    I/O threads (default: one per core)\n"
           "  header_limit      N    request header bytes (default 8192)\n"
           "  idle_timeout      S    keep-alive idle time (default 30)\n"
           "  shutdown_grace    S    time in-flight requests get on SIGTERM (default 20)\n"
           "  log_level         debug|info|warn|error\n"
           "  initial_token_file PATH  also write the first admin token here (mode 0600)\n"
           "  initial_password_file PATH  also write the first dashboard password here (0600)\n"
           "  price_per_mb      X    cost of a megabyte of device data, shown with rollouts\n"
           "  web_root          DIR  the built dashboard (default: this build's web/dist)\n"
           "  cookie_secure     0|1  Secure session cookies on plain HTTP too (behind a TLS proxy)\n";
}

Config load_config(int argc, char** argv) {
    Config c;
    std::string file;
    if (const char* f = std::getenv("FERRYD_CONFIG")) file = f;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::string(argv[i]) == "--config") file = argv[i + 1];
    }
    if (!file.empty()) load_file(c, file);
    for (const char* key : kKeys) {
        if (const char* v = std::getenv(env_name(key).c_str())) set(c, env_name(key), key, v);
    }
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            c.show_help = true;
            continue;
        }
        if (arg.rfind("--", 0) != 0) throw ConfigError("unexpected argument '" + arg + "'");
        std::string key = arg.substr(2);
        std::string value;
        if (size_t eq = key.find('='); eq != std::string::npos) {
            value = key.substr(eq + 1);
            key = key.substr(0, eq);
        } else {
            if (i + 1 >= argc) throw ConfigError(arg + " needs a value");
            value = argv[++i];
        }
        for (char& ch : key) {
            if (ch == '-') ch = '_';
        }
        if (key == "config") continue;
        set(c, "--" + arg.substr(2), key, value);
    }
    if (c.db_path.empty()) c.db_path = c.data_dir + "/ferry.db";
    if (!c.tls_listen.empty() && (c.tls_cert.empty() || c.tls_key.empty())) {
        throw ConfigError("tls_listen needs tls_cert and tls_key");
    }
    if (c.poll_jitter_s >= c.poll_interval_s) {
        throw ConfigError("poll_jitter must be smaller than poll_interval");
    }
    return c;
}

}  // namespace ferry::ferryd
