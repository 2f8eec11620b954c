#include "http/request_parser.h"

#include <algorithm>
#include <limits>

#include <boost/beast/core/string.hpp>

namespace ferry::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {
char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
}  // namespace

RequestParser::RequestParser(size_t header_limit, uint64_t body_limit) {
    this->header_limit(static_cast<std::uint32_t>(
        std::min<size_t>(header_limit, std::numeric_limits<std::uint32_t>::max())));
    this->body_limit(body_limit);  // checked against Content-Length and chunk sizes by Beast
}

void RequestParser::on_request_impl(bhttp::verb method, beast::string_view method_str,
                                    beast::string_view target, int version, beast::error_code&) {
    method_ = method;
    version_ = static_cast<unsigned>(version);
    request_.method.assign(method_str.data(), method_str.size());
    request_.target.assign(target.data(), target.size());
}

void RequestParser::on_field_impl(bhttp::field name, beast::string_view name_string,
                                  beast::string_view value, beast::error_code&) {
    auto& [lower_name, field_value] = request_.headers.emplace_back();
    lower_name.resize(name_string.size());
    std::transform(name_string.begin(), name_string.end(), lower_name.begin(), ascii_lower);
    field_value.assign(value.data(), value.size());
    if (name == bhttp::field::expect && beast::iequals(value, "100-continue"))
        expects_continue_ = true;
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                                      beast::error_code&) {
    if (content_length)  // at most body_limit: Beast refused anything larger already
        request_.body.reserve(static_cast<size_t>(*content_length));
}

size_t RequestParser::on_body_impl(beast::string_view body, beast::error_code&) {
    request_.body.append(body.data(), body.size());
    return body.size();
}

size_t RequestParser::on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                         beast::error_code&) {
    request_.body.append(body.data(), body.size());
    return body.size();
}

}  // namespace ferry::http
