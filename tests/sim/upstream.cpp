#include "upstream.h"

#include <stdexcept>

#include "log.h"

namespace telit_sim {

Upstream::Upstream(boost::asio::io_context& io, const std::optional<std::string>& host,
                   uint16_t port)
    : io_(io) {
    if (!host)
        return;
    boost::asio::ip::tcp::resolver resolver(io);
    boost::system::error_code ec;
    auto results = resolver.resolve(*host, std::to_string(port), ec);
    if (ec || results.empty())
        throw std::runtime_error("cannot resolve --server " + *host);
    server_ = results.begin()->endpoint();
    server_text_ = *host + ":" + std::to_string(port);
}

std::optional<boost::asio::ip::tcp::endpoint> Upstream::map(const std::string& host,
                                                            uint16_t port) {
    const std::string key = host + ":" + std::to_string(port);
    if (!server_) {
        log(1, "no --server: %s cannot be resolved", key.c_str());
        return std::nullopt;
    }
    if (logged_.insert(key).second) {
        log(1, "mapping %s -> %s (%s)", key.c_str(), server_text_.c_str(),
            server_->address().to_string().c_str());
    }
    return server_;
}

}  // namespace telit_sim
