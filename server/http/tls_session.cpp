// HTTPS: a server handshake (tls_handshake_timeout) before the first request, and a TLS
// close_notify exchange (bounded) when the connection ends.
#include <chrono>
#include <memory>

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

    TlsSession(Socket&& socket, std::string remote, IoThread& thread, ConnectionRegistry::Slot slot,
               boost::asio::ssl::context& tls, const SessionContext& context)
        : HttpSession(context, std::move(remote), thread, std::move(slot)),
          stream_(std::move(socket), tls) {}

    boost::beast::ssl_stream<Socket>& stream() { return stream_; }

    // Already on the session's thread (the listener posted here).
    void run() {
        open();
        do_handshake();
    }

    void do_eof() {
        expire_in(kTlsShutdownTimeout);
        stream_.async_shutdown(
            boost::beast::bind_front_handler(&TlsSession::on_shutdown, shared_from_this()));
    }

    // A TLS stream cannot half-close without ending the session: the linger just reads.
    void shutdown_send() {}

  private:
    void do_handshake() {
        state_ = State::starting;
        expire_in(options().tls_handshake_timeout);
        stream_.async_handshake(
            boost::asio::ssl::stream_base::server,
            boost::beast::bind_front_handler(&TlsSession::on_handshake, shared_from_this()));
    }

    void on_handshake(boost::beast::error_code ec) {
        if (ec) {
            // Scanners and plain-HTTP clients on the TLS port: routine, not a server problem.
            log::debug("TLS handshake failed",
                       {{"remote", remote()}, {"error", reported(ec).message()}});
            return;
        }
        start_requests();
    }

    void on_shutdown(boost::beast::error_code) {}  // the connection ends either way

    boost::beast::ssl_stream<Socket> stream_;
};

}  // namespace

void launch_tls_session(Socket&& socket, std::string remote, IoThread& thread,
                        ConnectionRegistry::Slot slot, boost::asio::ssl::context& tls,
                        const SessionContext& context) {
    std::make_shared<TlsSession>(std::move(socket), std::move(remote), thread, std::move(slot), tls,
                                 context)
        ->run();
}

}  // namespace ferry::http
