#include "http/io_errors.h"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include "common/log.h"

namespace ferry::http {

namespace net = boost::asio;
namespace beast = boost::beast;

bool is_expected_disconnect(const boost::system::error_code& ec) {
    return ec == net::error::eof || ec == net::error::connection_reset ||
           ec == net::error::connection_aborted || ec == net::error::broken_pipe ||
           ec == net::error::operation_aborted || ec == net::error::not_connected ||
           ec == net::error::bad_descriptor || ec == net::error::timed_out ||
           ec == beast::error::timeout || ec == beast::http::error::end_of_stream ||
           ec == beast::http::error::partial_message || ec == net::ssl::error::stream_truncated;
}

bool is_malformed_request(const boost::system::error_code& ec) {
    namespace bhttp = beast::http;
    if (ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category())
        return false;
    return ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
           ec != bhttp::error::need_more && ec != bhttp::error::header_limit &&
           ec != bhttp::error::body_limit;
}

void log_io_error(std::string_view what, const boost::system::error_code& ec,
                  const std::string& remote) {
    nlohmann::json fields = {{"remote", remote}, {"error", ec.message()}, {"op", what}};
    if (is_expected_disconnect(ec)) {
        log::debug("connection closed", fields);
    } else {
        log::warn("connection error", fields);
    }
}

}  // namespace ferry::http
