#include "http/response_head.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include <boost/beast/http/status.hpp>

namespace ferry::http {

namespace bhttp = boost::beast::http;

namespace {
char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

bool has_control_chars(std::string_view text) {
    return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
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

void append_number(std::string& out, unsigned long long n) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    out.append(digits, end);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
}

// A header a later one of the same name replaces (Beast's set() semantics, kept).
bool replaced_later(const api::HttpResponse& response, size_t index) {
    const auto& name = response.headers[index].first;
    for (size_t j = index + 1; j < response.headers.size(); ++j) {
        if (iequals(response.headers[j].first, name))
            return true;
    }
    return false;
}
}  // namespace

std::string_view write_response_head(std::string& out, const api::HttpResponse& response,
                                     unsigned version, bool keep_alive, bool head_request) {
    int status = response.status;
    if (status < 100 || status > 999)
        throw std::runtime_error("handler returned status " + std::to_string(status));
    if (response.head_only && !head_request) {
        // Content-Length without the bytes would desynchronise the connection.
        throw std::runtime_error("head_only response to a request that is not HEAD");
    }
    out.clear();
    out.append("HTTP/");
    append_number(out, version / 10);
    out.push_back('.');
    append_number(out, version % 10);
    out.push_back(' ');
    append_number(out, static_cast<unsigned>(status));
    out.push_back(' ');
    auto reason = bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(status)));
    out.append(reason.data(), reason.size());
    out.append("\r\n");

    bool has_server = false;
    for (size_t i = 0; i < response.headers.size(); ++i) {
        const auto& [name, value] = response.headers[i];
        if (transport_header(name))
            continue;
        if (name.empty() || has_control_chars(name) || has_control_chars(value))
            throw std::runtime_error("handler returned a malformed header \"" + name + "\"");
        has_server = has_server || iequals(name, "server");
        if (!replaced_later(response, i))
            append_field(out, name, value);
    }
    if (!has_server)
        append_field(out, "Server", "ferryd");
    append_field(out, "Date", http_date_now());
    // HTTP/1.1 keeps alive unless told otherwise; HTTP/1.0 closes unless told otherwise.
    if (version >= 11 && !keep_alive)
        append_field(out, "Connection", "close");
    else if (version < 11 && keep_alive)
        append_field(out, "Connection", "keep-alive");

    std::string_view body;
    bool bodiless_status = status < 200 || status == 204 || status == 304;
    if (!bodiless_status) {
        out.append("Content-Length: ");
        append_number(out, response.content_length());
        out.append("\r\n");
        if (!response.head_only && !head_request) {
            body = response.body_view();  // throws out_of_range for a bad slice offset
            if (body.size() != response.content_length())
                throw std::runtime_error("shared body slice exceeds its buffer");
        }
    }
    out.append("\r\n");
    return body;
}

bool wants_close(const api::HttpResponse& response) {
    const std::string* connection = response.header("connection");
    return connection && iequals(*connection, "close");
}

}  // namespace ferry::http
