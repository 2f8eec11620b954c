#include "api/http_message.h"

#include <algorithm>
#include <cctype>

namespace ferry::api {
namespace {
bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}
}  // namespace

std::string_view HttpRequest::path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
}

std::string_view HttpRequest::query() const {
    std::string_view t = target;
    size_t q = t.find('?');
    return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

const std::string* HttpRequest::header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
        if (name == lower_name) return &value;
    }
    return nullptr;
}

void HttpResponse::set_header(std::string name, std::string value) {
    for (auto& [n, v] : headers) {
        if (iequals(n, name)) {
            v = std::move(value);
            return;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
}

const std::string* HttpResponse::header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
        if (iequals(n, name)) return &v;
    }
    return nullptr;
}

size_t HttpResponse::content_length() const {
    if (head_only) return head_length;
    return shared_body ? shared_length : body.size();
}

std::string_view HttpResponse::body_view() const {
    if (head_only) return {};
    if (shared_body) return std::string_view(*shared_body).substr(shared_offset, shared_length);
    return body;
}

}  // namespace ferry::api
