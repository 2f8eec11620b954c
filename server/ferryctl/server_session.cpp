#include "ferryctl/server_session.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace ferry::ctl {

using nlohmann::json;

Server connect(const Args& args) {
    std::string url = args.get("server").value_or(
        std::getenv("FERRY_SERVER") ? std::getenv("FERRY_SERVER") : "http://127.0.0.1:8080");
    std::string token =
        args.get("token").value_or(std::getenv("FERRY_TOKEN") ? std::getenv("FERRY_TOKEN") : "");
    if (token.empty())
        throw CliError(2, "no API token: pass --token or set FERRY_TOKEN");
    client::ClientOptions opts;
    opts.insecure = args.has("insecure");
    if (auto ca = args.get("ca"))
        opts.ca_file = *ca;
    try {
        return {std::make_unique<client::HttpClient>(url, opts), token};
    } catch (const client::ClientError& e) {
        throw CliError(2, e.what());
    }
}

json call(Server& s, const std::string& method, const std::string& target, const std::string& body,
          const std::string& content_type, client::ProgressFn progress,
          std::vector<std::pair<std::string, std::string>> extra) {
    extra.emplace_back("Authorization", "Bearer " + s.token);
    if (!body.empty())
        extra.emplace_back("Content-Type", content_type);
    client::ClientResponse r;
    try {
        r = s.http->request(method, target, extra, body, std::move(progress));
    } catch (const client::ClientError& e) {
        throw CliError(1, std::string("cannot reach ferryd: ") + e.what());
    }
    json j = r.body.empty() ? json::object() : json::parse(r.body, nullptr, false);
    if (r.status >= 200 && r.status < 300)
        return j.is_discarded() ? json::object() : j;
    std::string msg = "HTTP " + std::to_string(r.status);
    if (!j.is_discarded() && j.contains("error")) {
        msg += " " + j["error"].value("code", "") + ": " + j["error"].value("message", "");
    }
    throw CliError(4, msg);
}

void print_json(const json& j) {
    std::printf("%s\n", j.dump(2).c_str());
}

std::string when(const json& v) {
    if (!v.is_number_integer())
        return "never";
    std::time_t t = v.get<int64_t>();
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
    return buf;
}

std::string human_bytes(uint64_t n) {
    char buf[32];
    if (n >= 1024 * 1024)
        std::snprintf(buf, sizeof buf, "%.1f MB", n / 1048576.0);
    else if (n >= 1024)
        std::snprintf(buf, sizeof buf, "%.1f KB", n / 1024.0);
    else
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
    return buf;
}

std::string str(const json& v) {
    if (v.is_null())
        return "-";
    if (v.is_string())
        return v.get<std::string>();
    return v.dump();
}

}  // namespace ferry::ctl
