// The modem's "internet": every host name the device asks for (AT#HTTPCFG, AT#SD) is mapped to
// the one server given with --server (ferryd), and the mapping is logged once per name.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace telit_sim {

class Upstream {
  public:
    Upstream(boost::asio::io_context& io, const std::optional<std::string>& host, uint16_t port);

    boost::asio::io_context& io() { return io_; }
    // The real endpoint for (host, port) as the device named them; nullopt when there is no
    // server (the device then sees "can not resolve DN").
    std::optional<boost::asio::ip::tcp::endpoint> map(const std::string& host, uint16_t port);

  private:
    boost::asio::io_context& io_;
    std::optional<boost::asio::ip::tcp::endpoint> server_;
    std::string server_text_;
    std::set<std::string> logged_;
};

}  // namespace telit_sim
