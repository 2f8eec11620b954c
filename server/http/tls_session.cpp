// HTTPS: a server handshake (tls_handshake_timeout) before the first request, and a TLS
// close_notify exchange (bounded) when the connection ends.
#include <chrono>
#include <memory>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "http/session.h"
#include "http/sessions.h"

namespace ferry::http {
namespace {

// Many clients never answer close_notify; do not hold the connection long for it.
constexpr std::chrono::seconds kTlsShutdownTimeout{5};

class TlsSession : public HttpSession<TlsSession>, public std::enable_shared_from_this<TlsSession> {
  public:
    static constexpr bool kTls = true;

    TlsSession(boost::asio::ip::tcp::socket&& socket, std::string remote,
               boost::asio::ssl::context& tls, const SessionContext& context)
        : HttpSession(context, std::move(remote)), stream_(std::move(socket), tls) {}

    boost::beast::ssl_stream<boost::beast::tcp_stream>& stream() { return stream_; }

    void run() {
        open();
        boost::asio::dispatch(
            stream_.get_executor(),
            boost::beast::bind_front_handler(&TlsSession::do_handshake, shared_from_this()));
    }

    void do_eof() {
        tcp().expires_after(kTlsShutdownTimeout);
        stream_.async_shutdown(
            boost::beast::bind_front_handler(&TlsSession::on_shutdown, shared_from_this()));
    }

    // A TLS stream cannot half-close without ending the session: the linger just reads.
    void shutdown_send() {}

  private:
    void do_handshake() {
        state_ = State::starting;
        tcp().expires_after(options().tls_handshake_timeout);
        stream_.async_handshake(
            boost::asio::ssl::stream_base::server,
            boost::beast::bind_front_handler(&TlsSession::on_handshake, shared_from_this()));
    }

    void on_handshake(boost::beast::error_code ec) {
        if (ec) {
            // Scanners and plain-HTTP clients on the TLS port: routine, not a server problem.
            log::debug("TLS handshake failed", {{"remote", remote()}, {"error", ec.message()}});
            return;
        }
        start_requests();
    }

    void on_shutdown(boost::beast::error_code) {}  // the connection ends either way

    boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
};

}  // namespace

void launch_tls_session(boost::asio::ip::tcp::socket&& socket, std::string remote,
                        boost::asio::ssl::context& tls, const SessionContext& context) {
    std::make_shared<TlsSession>(std::move(socket), std::move(remote), tls, context)->run();
}

}  // namespace ferry::http
