// Beast's HTTP/1.1 parser, writing one request straight into an api::HttpRequest: no
// intermediate Beast message whose fields would be allocated and then copied once more.
// Internal to server/http; included by session code only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/beast/http/basic_parser.hpp>

#include "api/http_message.h"

namespace ferry::http {

class RequestParser final : public boost::beast::http::basic_parser<true> {
  public:
    RequestParser(size_t header_limit, uint64_t body_limit);

    // Complete once is_done(); header names are lower-cased.
    api::HttpRequest& request() { return request_; }
    unsigned version() const { return version_; }
    bool is_head() const { return method_ == boost::beast::http::verb::head; }
    bool expects_continue() const { return expects_continue_; }

  private:
    void on_request_impl(boost::beast::http::verb method, boost::beast::string_view method_str,
                         boost::beast::string_view target, int version,
                         boost::beast::error_code& ec) override;
    void on_response_impl(int, boost::beast::string_view, int, boost::beast::error_code&) override {
    }
    void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                       boost::beast::string_view value, boost::beast::error_code& ec) override;
    void on_header_impl(boost::beast::error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>& content_length,
                           boost::beast::error_code& ec) override;
    size_t on_body_impl(boost::beast::string_view body, boost::beast::error_code& ec) override;
    void on_chunk_header_impl(std::uint64_t, boost::beast::string_view,
                              boost::beast::error_code&) override {}
    size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                              boost::beast::error_code& ec) override;
    void on_finish_impl(boost::beast::error_code&) override {}

    api::HttpRequest request_;
    boost::beast::http::verb method_ = boost::beast::http::verb::unknown;
    unsigned version_ = 11;
    bool expects_continue_ = false;
};

}  // namespace ferry::http
