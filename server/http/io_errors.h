// How the transport reports I/O failures: peers that go away or time out are routine (debug),
// anything else is worth a warning. One place decides, so the sessions stay short.
#pragma once

#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

namespace ferry::http {

// eof, reset, broken pipe, timeout, cancellation, TLS truncation: the peer or we closed.
bool is_expected_disconnect(const boost::system::error_code& ec);

// A request the parser rejected as malformed HTTP (-> 400). Not the header and body limits, and
// not a peer that closed mid-message.
bool is_malformed_request(const boost::system::error_code& ec);

// Logs `what` failed for `remote` at debug or warn level, by is_expected_disconnect().
void log_io_error(std::string_view what, const boost::system::error_code& ec,
                  const std::string& remote);

}  // namespace ferry::http
