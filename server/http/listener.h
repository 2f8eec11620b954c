// One acceptor per listen endpoint, on the pool's home thread. Each accepted connection goes to
// the next I/O thread (round robin), with TCP_NODELAY set; beyond max_connections it is closed
// at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/connection_registry.h"
#include "http/io_pool.h"
#include "http/socket.h"

namespace ferry::http {

class Listener : public std::enable_shared_from_this<Listener> {
  public:
    // Called on `thread`, the one that owns `socket` from now on. remote: the peer as "ip:port"
    // ("[v6]:port").
    using Launch = std::function<void(Socket&& socket, std::string remote, IoThread& thread,
                                      ConnectionRegistry::Slot slot)>;

    // Opens, binds and listens; throws std::runtime_error naming `name` on failure.
    Listener(IoPool& pool, const boost::asio::ip::tcp::endpoint& endpoint, std::string name,
             ConnectionRegistry& registry, size_t max_connections, Launch launch);

    uint16_t port() const;
    const std::string& name() const { return name_; }

    void start();  // begins accepting
    void stop();   // thread-safe: closes the acceptor on its thread

  private:
    void do_accept();
    void on_accept(boost::system::error_code ec, Socket socket, IoThread& target);
    void on_retry(boost::system::error_code ec);

    IoPool& pool_;
    std::string name_;
    ConnectionRegistry& registry_;
    size_t max_connections_;
    Launch launch_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_timer_;
    uint16_t port_ = 0;
};

// "ip:port", with brackets around IPv6 addresses.
std::string format_endpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace ferry::http
