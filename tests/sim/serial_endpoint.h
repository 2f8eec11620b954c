// The modem's serial port, as the host sees it: a pseudo-terminal (for the device core built for
// the host), a TCP or Unix listening socket (QEMU's -serial tcp:/unix:/chardev socket; one client
// at a time) or stdin/stdout (tests). Bytes are moved as they are, never altered.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace telit_sim {

class SerialEndpoint {
  public:
    struct Handlers {
        std::function<void(const uint8_t* data, std::size_t len)> on_data;
        std::function<void()> on_connect;     // a client attached (also once for pty/stdio)
        std::function<void()> on_disconnect;  // the client left, or stdin reached EOF
    };
    using WriteDone = std::function<void(bool ok)>;

    virtual ~SerialEndpoint() = default;
    virtual void start(Handlers handlers) = 0;
    // True while bytes written reach a reader.
    virtual bool connected() const = 0;
    // One write at a time; done(true) once all len bytes are written.
    virtual void write(const uint8_t* data, std::size_t len, WriteDone done) = 0;
    // True when the end of the client (stdin EOF) should end the program.
    virtual bool eof_is_final() const = 0;
    virtual std::string describe() const = 0;
    virtual void close() = 0;
};

// --pty LINK: creates a pseudo-terminal in raw mode and symlinks its slave to LINK. The simulator
// keeps a slave descriptor open so a device can close and reopen the port (an MCU reset) without
// the modem seeing a hang-up.
std::unique_ptr<SerialEndpoint> make_pty_endpoint(boost::asio::io_context& io,
                                                  const std::string& link);
// --listen HOST:PORT
std::unique_ptr<SerialEndpoint> make_tcp_endpoint(boost::asio::io_context& io,
                                                  const std::string& host, uint16_t port);
// --unix PATH
std::unique_ptr<SerialEndpoint> make_unix_endpoint(boost::asio::io_context& io,
                                                   const std::string& path);
// --stdio: reads stdin, writes stdout (pipes, terminals or sockets; not regular files).
std::unique_ptr<SerialEndpoint> make_stdio_endpoint(boost::asio::io_context& io);

}  // namespace telit_sim
