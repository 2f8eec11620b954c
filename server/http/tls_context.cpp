#include "http/tls_context.h"

#include <fstream>
#include <stdexcept>

#include <openssl/ssl.h>

namespace ferry::http {

namespace ssl = boost::asio::ssl;

namespace {
void require_readable(const char* what, const std::string& path) {
    if (path.empty()) {
        throw std::runtime_error(std::string("HTTPS listen endpoints need ") + what);
    }
    std::ifstream file(path);
    if (!file)
        throw std::runtime_error(std::string(what) + " " + path + ": cannot read file");
}

[[noreturn]] void fail(const char* what, const std::string& path, boost::system::error_code ec) {
    throw std::runtime_error(std::string(what) + " " + path + ": " + ec.message());
}
}  // namespace

ssl::context make_server_tls_context(const std::string& cert_file, const std::string& key_file) {
    require_readable("tls_cert_file", cert_file);
    require_readable("tls_key_file", key_file);

    ssl::context tls(ssl::context::tls_server);
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);

    boost::system::error_code ec;
    tls.use_certificate_chain_file(cert_file, ec);
    if (ec)
        fail("tls_cert_file", cert_file, ec);
    tls.use_private_key_file(key_file, ssl::context::pem, ec);
    if (ec)
        fail("tls_key_file", key_file, ec);
    if (SSL_CTX_check_private_key(tls.native_handle()) != 1) {
        throw std::runtime_error("tls_key_file " + key_file + " does not match tls_cert_file " +
                                 cert_file);
    }
    return tls;
}

}  // namespace ferry::http
