// The server's TLS context: certificate chain and key from PEM files, TLS 1.2 or newer.
#pragma once

#include <string>

#include <boost/asio/ssl/context.hpp>

namespace ferry::http {

// Throws std::runtime_error naming the file and the reason (unreadable, not PEM, key does not
// match the certificate).
boost::asio::ssl::context make_server_tls_context(const std::string& cert_file,
                                                  const std::string& key_file);

}  // namespace ferry::http
