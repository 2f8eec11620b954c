// Plain HTTP: no handshake; the connection ends with a TCP half-close after the last response.
#include <memory>

#include <boost/asio/dispatch.hpp>

#include "http/session.h"
#include "http/sessions.h"

namespace ferry::http {
namespace {

class PlainSession : public HttpSession<PlainSession>,
                     public std::enable_shared_from_this<PlainSession> {
  public:
    static constexpr bool kTls = false;

    PlainSession(boost::asio::ip::tcp::socket&& socket, std::string remote,
                 const SessionContext& context)
        : HttpSession(context, std::move(remote)), stream_(std::move(socket)) {}

    boost::beast::tcp_stream& stream() { return stream_; }

    void run() {
        open();
        boost::asio::dispatch(
            stream_.get_executor(),
            boost::beast::bind_front_handler(&PlainSession::start_requests, shared_from_this()));
    }

    // The socket closes when the last handler lets go of the session.
    void do_eof() { shutdown_send(); }

    void shutdown_send() {
        boost::beast::error_code ec;
        stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    }

  private:
    boost::beast::tcp_stream stream_;
};

}  // namespace

void launch_plain_session(boost::asio::ip::tcp::socket&& socket, std::string remote,
                          const SessionContext& context) {
    std::make_shared<PlainSession>(std::move(socket), std::move(remote), context)->run();
}

}  // namespace ferry::http
