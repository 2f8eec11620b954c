#include "serial_endpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <vector>

namespace telit_sim {
namespace asio = boost::asio;

namespace {

std::runtime_error sys_error(const std::string& what) {
    return std::runtime_error(what + ": " + std::strerror(errno));
}

// Reads and writes one stream; the read loop stops on error or EOF.
template <typename Stream>
class StreamPump {
  public:
    explicit StreamPump(Stream stream) : stream_(std::move(stream)) {}

    Stream& stream() { return stream_; }

    void read_loop(std::function<void(const uint8_t*, std::size_t)> on_data,
                   std::function<void()> on_end, std::shared_ptr<bool> alive) {
        stream_.async_read_some(
            asio::buffer(buf_),
            [this, on_data, on_end, alive](boost::system::error_code ec, std::size_t n) {
                if (!*alive)
                    return;
                if (ec) {
                    on_end();
                    return;
                }
                on_data(buf_.data(), n);
                if (*alive)
                    read_loop(on_data, on_end, alive);
            });
    }

    void write(const uint8_t* data, std::size_t len, SerialEndpoint::WriteDone done,
               std::shared_ptr<bool> alive) {
        out_.assign(data, data + len);
        asio::async_write(stream_, asio::buffer(out_),
                          [done, alive](boost::system::error_code ec, std::size_t) {
                              if (!*alive) {
                                  done(false);
                                  return;
                              }
                              done(!ec);
                          });
    }

  private:
    Stream stream_;
    std::array<uint8_t, 4096> buf_{};
    std::vector<uint8_t> out_;
};

// ---- pseudo-terminal -------------------------------------------------------------------------

class PtyEndpoint : public SerialEndpoint {
  public:
    PtyEndpoint(asio::io_context& io, std::string link) : link_(std::move(link)) {
        const int master = posix_openpt(O_RDWR | O_NOCTTY);
        if (master < 0)
            throw sys_error("posix_openpt");
        if (grantpt(master) != 0 || unlockpt(master) != 0) {
            ::close(master);
            throw sys_error("grantpt/unlockpt");
        }
        const char* name = ptsname(master);
        if (!name) {
            ::close(master);
            throw sys_error("ptsname");
        }
        slave_path_ = name;
        // Hold the slave open: the master never sees a hang-up when the device closes its end.
        slave_ = ::open(slave_path_.c_str(), O_RDWR | O_NOCTTY);
        if (slave_ < 0) {
            ::close(master);
            throw sys_error("open " + slave_path_);
        }
        termios t{};
        if (tcgetattr(slave_, &t) == 0) {
            cfmakeraw(&t);
            tcsetattr(slave_, TCSANOW, &t);
        }
        struct stat st {};
        if (::lstat(link_.c_str(), &st) == 0) {
            if (!S_ISLNK(st.st_mode)) {
                ::close(master);
                ::close(slave_);
                throw std::runtime_error(link_ + " exists and is not a symlink");
            }
            ::unlink(link_.c_str());
        }
        if (::symlink(slave_path_.c_str(), link_.c_str()) != 0) {
            ::close(master);
            ::close(slave_);
            throw sys_error("symlink " + link_);
        }
        pump_.emplace(asio::posix::stream_descriptor(io, master));
    }
    ~PtyEndpoint() override { close(); }

    void start(Handlers h) override {
        handlers_ = std::move(h);
        if (handlers_.on_connect)
            handlers_.on_connect();
        pump_->read_loop(
            handlers_.on_data, [this] { on_read_error(); }, alive_);
    }
    bool connected() const override { return *alive_; }
    void write(const uint8_t* data, std::size_t len, WriteDone done) override {
        pump_->write(data, len, std::move(done), alive_);
    }
    bool eof_is_final() const override { return true; }
    std::string describe() const override { return "pty " + slave_path_ + " (link " + link_ + ")"; }
    void close() override {
        if (!*alive_)
            return;
        *alive_ = false;
        boost::system::error_code ec;
        pump_->stream().close(ec);
        if (slave_ >= 0)
            ::close(slave_);
        slave_ = -1;
        ::unlink(link_.c_str());
    }

  private:
    void on_read_error() {
        // With our own slave descriptor open this does not happen on Linux; treat it as the end.
        std::fprintf(stderr, "telit-sim: pty read failed\n");
        if (handlers_.on_disconnect)
            handlers_.on_disconnect();
    }

    std::string link_;
    std::string slave_path_;
    int slave_ = -1;
    std::optional<StreamPump<asio::posix::stream_descriptor>> pump_;
    Handlers handlers_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// ---- listening sockets (TCP, Unix) -----------------------------------------------------------

template <typename Protocol>
class ListenEndpoint : public SerialEndpoint {
  public:
    ListenEndpoint(asio::io_context& io, typename Protocol::endpoint ep, std::string what)
        : io_(io), acceptor_(io), what_(std::move(what)) {
        acceptor_.open(ep.protocol());
        if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
            acceptor_.set_option(asio::socket_base::reuse_address(true));
        }
        acceptor_.bind(ep);
        acceptor_.listen(1);
    }
    ~ListenEndpoint() override { close(); }

    void start(Handlers h) override {
        handlers_ = std::move(h);
        accept();
    }
    bool connected() const override { return pump_.has_value() && client_alive_ && *client_alive_; }
    void write(const uint8_t* data, std::size_t len, WriteDone done) override {
        if (!connected()) {
            done(false);
            return;
        }
        pump_->write(data, len, std::move(done), client_alive_);
    }
    bool eof_is_final() const override { return false; }
    std::string describe() const override { return what_; }
    void close() override {
        closed_ = true;
        boost::system::error_code ec;
        acceptor_.close(ec);
        drop_client();
    }

  private:
    void accept() {
        if (closed_)
            return;
        acceptor_.async_accept([this](boost::system::error_code ec, typename Protocol::socket s) {
            if (closed_)
                return;
            if (ec) {
                accept();
                return;
            }
            client_alive_ = std::make_shared<bool>(true);
            pump_.emplace(std::move(s));
            if (handlers_.on_connect)
                handlers_.on_connect();
            pump_->read_loop(
                handlers_.on_data, [this] { on_client_end(); }, client_alive_);
        });
    }
    void on_client_end() {
        drop_client();
        if (handlers_.on_disconnect)
            handlers_.on_disconnect();
        accept();  // the next client (a restarted QEMU)
    }
    void drop_client() {
        if (client_alive_)
            *client_alive_ = false;
        if (pump_) {
            boost::system::error_code ec;
            pump_->stream().close(ec);
        }
    }

    asio::io_context& io_;
    typename Protocol::acceptor acceptor_;
    std::string what_;
    std::optional<StreamPump<typename Protocol::socket>> pump_;
    std::shared_ptr<bool> client_alive_;
    Handlers handlers_;
    bool closed_ = false;
};

class UnixEndpoint : public ListenEndpoint<asio::local::stream_protocol> {
  public:
    UnixEndpoint(asio::io_context& io, const std::string& path)
        : ListenEndpoint(io, prepare(path), "unix " + path), path_(path) {}
    ~UnixEndpoint() override { ::unlink(path_.c_str()); }

  private:
    static asio::local::stream_protocol::endpoint prepare(const std::string& path) {
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode))
            ::unlink(path.c_str());
        return asio::local::stream_protocol::endpoint(path);
    }
    std::string path_;
};

// ---- stdin / stdout --------------------------------------------------------------------------

class StdioEndpoint : public SerialEndpoint {
  public:
    explicit StdioEndpoint(asio::io_context& io) {
        const int in = ::dup(STDIN_FILENO);
        const int out = ::dup(STDOUT_FILENO);
        if (in < 0 || out < 0)
            throw sys_error("dup");
        in_.emplace(asio::posix::stream_descriptor(io, in));
        out_.emplace(asio::posix::stream_descriptor(io, out));
    }
    ~StdioEndpoint() override { close(); }

    void start(Handlers h) override {
        handlers_ = std::move(h);
        if (handlers_.on_connect)
            handlers_.on_connect();
        in_->read_loop(
            handlers_.on_data,
            [this] {
                in_open_ = false;
                if (handlers_.on_disconnect)
                    handlers_.on_disconnect();
            },
            alive_);
    }
    bool connected() const override { return *alive_; }
    void write(const uint8_t* data, std::size_t len, WriteDone done) override {
        out_->write(data, len, std::move(done), alive_);
    }
    bool eof_is_final() const override { return true; }
    std::string describe() const override { return "stdio"; }
    void close() override {
        if (!*alive_)
            return;
        *alive_ = false;
        boost::system::error_code ec;
        in_->stream().close(ec);
        out_->stream().close(ec);
    }

  private:
    std::optional<StreamPump<asio::posix::stream_descriptor>> in_, out_;
    Handlers handlers_;
    bool in_open_ = true;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<SerialEndpoint> make_pty_endpoint(asio::io_context& io, const std::string& link) {
    return std::make_unique<PtyEndpoint>(io, link);
}

std::unique_ptr<SerialEndpoint> make_tcp_endpoint(asio::io_context& io, const std::string& host,
                                                  uint16_t port) {
    asio::ip::tcp::resolver resolver(io);
    auto results = resolver.resolve(host, std::to_string(port));
    if (results.empty())
        throw std::runtime_error("cannot resolve " + host);
    return std::make_unique<ListenEndpoint<asio::ip::tcp>>(
        io, results.begin()->endpoint(), "tcp " + host + ":" + std::to_string(port));
}

std::unique_ptr<SerialEndpoint> make_unix_endpoint(asio::io_context& io, const std::string& path) {
    return std::make_unique<UnixEndpoint>(io, path);
}

std::unique_ptr<SerialEndpoint> make_stdio_endpoint(asio::io_context& io) {
    return std::make_unique<StdioEndpoint>(io);
}

}  // namespace telit_sim
