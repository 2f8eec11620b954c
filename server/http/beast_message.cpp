#include "http/beast_message.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <stdexcept>
#include <string_view>

#include <boost/beast/http/field.hpp>

namespace ferry::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {
bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool has_control_chars(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

// Header names the transport owns: the handler's values would contradict what it sends.
bool transport_header(std::string_view name) {
    return iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
           iequals(name, "connection");
}

// RFC 9110 IMF-fixdate, formatted at most once a second per thread.
std::string_view http_date_now() {
    static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    thread_local std::time_t cached_second = 0;
    thread_local char text[32] = {};
    std::time_t now = std::time(nullptr);
    if (now != cached_second) {
        std::tm tm{};
        gmtime_r(&now, &tm);
        std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                      tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                      tm.tm_sec);
        cached_second = now;
    }
    return text;
}
}  // namespace

api::HttpRequest to_api_request(BeastRequest&& request, std::string remote, bool tls) {
    api::HttpRequest out;
    out.method = std::string(request.method_string());
    out.target = std::string(request.target());
    out.headers.reserve(std::distance(request.begin(), request.end()));
    for (const auto& field : request) {
        out.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(request.body());
    out.remote = std::move(remote);
    out.tls = tls;
    return out;
}

BeastResponse to_beast_response(const api::HttpResponse& response, unsigned version,
                                bool keep_alive, bool head_request) {
    if (response.status < 100 || response.status > 999) {
        throw std::runtime_error("handler returned status " + std::to_string(response.status));
    }
    if (response.head_only && !head_request) {
        // Content-Length without the bytes would desynchronise the connection.
        throw std::runtime_error("head_only response to a request that is not HEAD");
    }
    BeastResponse out;
    out.version(version);
    out.result(static_cast<unsigned>(response.status));
    bool has_server = false;
    for (const auto& [name, value] : response.headers) {
        if (transport_header(name))
            continue;
        if (name.empty() || has_control_chars(name) || has_control_chars(value)) {
            throw std::runtime_error("handler returned a malformed header \"" + name + "\"");
        }
        has_server = has_server || iequals(name, "server");
        out.set(name, value);
    }
    if (!has_server)
        out.set(bhttp::field::server, "ferryd");
    out.set(bhttp::field::date, http_date_now());
    out.keep_alive(keep_alive);

    int status = response.status;
    bool bodiless_status = status < 200 || status == 204 || status == 304;
    if (bodiless_status)
        return out;
    out.content_length(response.content_length());
    if (response.head_only || head_request)
        return out;
    std::string_view bytes = response.body_view();  // throws out_of_range for a bad slice offset
    if (bytes.size() != response.content_length()) {
        throw std::runtime_error("shared body slice exceeds its buffer");
    }
    out.body() = beast::span<const char>(bytes.data(), bytes.size());
    return out;
}

bool wants_close(const api::HttpResponse& response) {
    const std::string* connection = response.header("connection");
    return connection && iequals(*connection, "close");
}

}  // namespace ferry::http
