// Plain HTTP: no handshake; the connection ends with a TCP half-close after the last response.
#include <memory>

#include "http/session.h"
#include "http/sessions.h"

namespace ferry::http {
namespace {

class PlainSession : public HttpSession<PlainSession>,
                     public std::enable_shared_from_this<PlainSession> {
  public:
    static constexpr bool kTls = false;

    PlainSession(Socket&& socket, std::string remote, IoThread& thread,
                 ConnectionRegistry::Slot slot, const SessionContext& context)
        : HttpSession(context, std::move(remote), thread, std::move(slot)),
          stream_(std::move(socket)) {}

    Socket& stream() { return stream_; }

    // Already on the session's thread (the listener posted here).
    void run() {
        open();
        start_requests();
    }

    // The socket closes when the last handler lets go of the session.
    void do_eof() { shutdown_send(); }

    void shutdown_send() {
        boost::system::error_code ec;
        stream_.shutdown(Socket::shutdown_send, ec);
    }

  private:
    Socket stream_;
};

}  // namespace

void launch_plain_session(Socket&& socket, std::string remote, IoThread& thread,
                          ConnectionRegistry::Slot slot, const SessionContext& context) {
    std::make_shared<PlainSession>(std::move(socket), std::move(remote), thread, std::move(slot),
                                   context)
        ->run();
}

}  // namespace ferry::http
