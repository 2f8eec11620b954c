// Starting a session on an accepted socket: plain HTTP or HTTPS. The session keeps itself alive
// (shared_from_this) until the connection ends.
#pragma once

#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "http/session_context.h"

namespace ferry::http {

// `remote` is "ip:port" of the peer, for the request and the logs.
void launch_plain_session(boost::asio::ip::tcp::socket&& socket, std::string remote,
                          const SessionContext& context);

// `tls` must outlive the session (the server owns it).
void launch_tls_session(boost::asio::ip::tcp::socket&& socket, std::string remote,
                        boost::asio::ssl::context& tls, const SessionContext& context);

}  // namespace ferry::http
