// Starting a session on an accepted socket: plain HTTP or HTTPS. Called on `thread`, the I/O
// thread that owns the socket; the session keeps itself alive (shared_from_this) until the
// connection ends, and holds `slot` until then.
#pragma once

#include <string>

#include <boost/asio/ssl/context.hpp>

#include "http/connection_registry.h"
#include "http/io_pool.h"
#include "http/session_context.h"
#include "http/socket.h"

namespace ferry::http {

// `remote` is "ip:port" of the peer, for the request and the logs.
void launch_plain_session(Socket&& socket, std::string remote, IoThread& thread,
                          ConnectionRegistry::Slot slot, const SessionContext& context);

// `tls` must outlive the session (the server owns it).
void launch_tls_session(Socket&& socket, std::string remote, IoThread& thread,
                        ConnectionRegistry::Slot slot, boost::asio::ssl::context& tls,
                        const SessionContext& context);

}  // namespace ferry::http
