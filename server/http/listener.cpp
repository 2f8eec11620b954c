#include "http/listener.h"

#include <chrono>
#include <stdexcept>

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>

#include "common/log.h"

namespace ferry::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
// After a failed accept (out of file descriptors, typically): wait instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

[[noreturn]] void fail(const std::string& name, const char* step, boost::system::error_code ec) {
    throw std::runtime_error("cannot listen on " + name + ": " + step + ": " + ec.message());
}
}  // namespace

std::string format_endpoint(const tcp::endpoint& endpoint) {
    const auto& address = endpoint.address();
    std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return host + ":" + std::to_string(endpoint.port());
}

Listener::Listener(IoPool& pool, const tcp::endpoint& endpoint, std::string name,
                   ConnectionRegistry& registry, size_t max_connections, Launch launch)
    : pool_(pool),
      name_(std::move(name)),
      registry_(registry),
      max_connections_(max_connections),
      launch_(std::move(launch)),
      acceptor_(pool.home().context()),
      retry_timer_(acceptor_.get_executor()) {
    boost::system::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (ec)
        fail(name_, "open", ec);
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec)
        fail(name_, "set reuse_address", ec);
    if (endpoint.address().is_v6()) {
        // "[::]:p" means IPv6 only, so that ":p" (IPv4) can be listed beside it.
        acceptor_.set_option(net::ip::v6_only(true), ec);
        if (ec)
            fail(name_, "set v6_only", ec);
    }
    acceptor_.bind(endpoint, ec);
    if (ec)
        fail(name_, "bind", ec);
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        fail(name_, "listen", ec);
    port_ = acceptor_.local_endpoint().port();
}

uint16_t Listener::port() const {
    return port_;
}

void Listener::start() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] { self->do_accept(); });
}

void Listener::stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        boost::system::error_code ec;
        self->acceptor_.close(ec);
        self->retry_timer_.cancel();
    });
}

void Listener::do_accept() {
    if (!acceptor_.is_open())
        return;
    // The socket is created on the target thread's io_context: it never changes threads.
    IoThread& target = pool_.next();
    acceptor_.async_accept(target.context(), [self = shared_from_this(), &target](
                                                 boost::system::error_code ec, Socket socket) {
        self->on_accept(ec, std::move(socket), target);
    });
}

void Listener::on_accept(boost::system::error_code ec, Socket socket, IoThread& target) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open())
        return;  // stopped
    if (ec) {
        log::warn("accept failed", {{"listen", name_}, {"error", ec.message()}});
        retry_timer_.expires_after(kAcceptRetryDelay);
        retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
            self->on_retry(wait_ec);
        });
        return;
    }
    boost::system::error_code peer_ec;
    auto peer = socket.remote_endpoint(peer_ec);
    std::string remote = peer_ec ? std::string("unknown") : format_endpoint(peer);
    auto slot = registry_.try_admit(max_connections_);
    if (!slot) {
        log::warn("connection refused: max_connections reached",
                  {{"listen", name_}, {"remote", remote}, {"max_connections", max_connections_}});
        socket.close(peer_ec);
    } else {
        // Responses go out in one write each; Nagle would only delay them.
        socket.set_option(tcp::no_delay(true), peer_ec);
        net::post(target.context(),
                  [self = shared_from_this(), socket = std::move(socket),
                   remote = std::move(remote), &target, slot = std::move(*slot)]() mutable {
                      self->launch_(std::move(socket), std::move(remote), target, std::move(slot));
                  });
    }
    do_accept();
}

void Listener::on_retry(boost::system::error_code ec) {
    if (ec)
        return;  // cancelled by stop()
    do_accept();
}

}  // namespace ferry::http
