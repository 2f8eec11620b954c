#include "host_port.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "ferry/errors.h"

namespace ferry::host {
namespace {

int open_tcp(const std::string& host, const std::string& port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0) return -1;
    int fd = -1;
    for (addrinfo* a = res; a; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int open_unix(const std::string& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        fd = -1;
    }
    return fd;
}

}  // namespace

HostSerial::HostSerial(const std::string& where) {
    if (where.rfind("tcp:", 0) == 0) {
        auto rest = where.substr(4);
        auto colon = rest.rfind(':');
        fd_ = open_tcp(rest.substr(0, colon), rest.substr(colon + 1));
    } else if (where.rfind("unix:", 0) == 0) {
        fd_ = open_unix(where.substr(5));
    } else {
        fd_ = ::open(where.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd_ >= 0 && isatty(fd_)) {
            termios t{};
            tcgetattr(fd_, &t);
            cfmakeraw(&t);
            tcsetattr(fd_, TCSANOW, &t);
        }
    }
    if (fd_ < 0) throw std::runtime_error("cannot open serial " + where + ": " + std::strerror(errno));
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

HostSerial::~HostSerial() {
    if (fd_ >= 0) ::close(fd_);
}

SerialPort HostSerial::port() { return SerialPort{this, do_read, do_write}; }

int HostSerial::do_read(void* ctx, uint8_t* buf, size_t max) {
    auto* self = static_cast<HostSerial*>(ctx);
    ssize_t n = ::read(self->fd_, buf, max);
    if (n > 0) {
        self->in_ += static_cast<uint64_t>(n);
        return static_cast<int>(n);
    }
    if (n == 0) return FERRY_ERR_IO;  // the modem side went away
    return (errno == EAGAIN || errno == EINTR) ? 0 : FERRY_ERR_IO;
}

int HostSerial::do_write(void* ctx, const uint8_t* data, size_t len) {
    auto* self = static_cast<HostSerial*>(ctx);
    ssize_t n = ::write(self->fd_, data, len);
    if (n >= 0) {
        self->out_ += static_cast<uint64_t>(n);
        return static_cast<int>(n);
    }
    return (errno == EAGAIN || errno == EINTR) ? 0 : FERRY_ERR_IO;
}

namespace {
uint32_t clock_millis(void*) {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint32_t>(static_cast<uint64_t>(ts.tv_sec) * 1000u + static_cast<uint64_t>(ts.tv_nsec) / 1000000u);
}
void clock_idle(void*) { ::usleep(1000); }  // the host's "wait for interrupt"
}  // namespace

ClockPort host_clock() { return ClockPort{nullptr, clock_millis, clock_idle}; }

uint32_t HostSystem::do_random(void* ctx) {
    auto* self = static_cast<HostSystem*>(ctx);
    // xorshift32: jitter only, not keys.
    uint32_t x = self->state_;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    self->state_ = x;
    return x;
}

SystemPort HostSystem::port() { return SystemPort{this, do_kick, do_reset, do_random}; }

}  // namespace ferry::host
