#include "api/metrics.h"

#include <sstream>

namespace ferry::api {
namespace {
// Label values are our own route patterns and codes, but escape anyway: the format demands it.
std::string label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}
}  // namespace

void Metrics::count_request(const std::string& route, int status) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[{route, status}];
}

void Metrics::count_poll(const std::string& result) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++polls_[result];
}

void Metrics::count_upload_failure(const std::string& code) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++upload_failures_[code];
}

std::string Metrics::render(int64_t devices, int64_t releases) const {
    std::ostringstream out;
    std::lock_guard<std::mutex> lock(mutex_);
    out << "# HELP ferry_http_requests_total HTTP requests by route and status.\n"
           "# TYPE ferry_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
        out << "ferry_http_requests_total{route=\"" << label(key.first) << "\",status=\""
            << key.second << "\"} " << n << "\n";
    }
    out << "# HELP ferry_polls_total Device polls by answer.\n"
           "# TYPE ferry_polls_total counter\n";
    for (const auto& [result, n] : polls_) {
        out << "ferry_polls_total{result=\"" << label(result) << "\"} " << n << "\n";
    }
    out << "# HELP ferry_bytes_served_total Image bytes sent to devices, retries included.\n"
           "# TYPE ferry_bytes_served_total counter\n"
        << "ferry_bytes_served_total " << bytes_served_.load() << "\n";
    out << "# HELP ferry_open_connections Client connections open now.\n"
           "# TYPE ferry_open_connections gauge\n"
        << "ferry_open_connections " << open_connections_.load() << "\n";
    out << "# HELP ferry_upload_failures_total Refused release uploads by reason.\n"
           "# TYPE ferry_upload_failures_total counter\n";
    for (const auto& [code, n] : upload_failures_) {
        out << "ferry_upload_failures_total{code=\"" << label(code) << "\"} " << n << "\n";
    }
    out << "# HELP ferry_devices Registered devices.\n# TYPE ferry_devices gauge\n"
        << "ferry_devices " << devices << "\n";
    out << "# HELP ferry_releases Releases stored.\n# TYPE ferry_releases gauge\n"
        << "ferry_releases " << releases << "\n";
    return out.str();
}

}  // namespace ferry::api
