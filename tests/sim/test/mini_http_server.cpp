#include "mini_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <stdexcept>

namespace sim_test {

std::string test_blob(std::size_t n) {
    std::string s(n, '\0');
    uint32_t x = 12345;
    for (std::size_t i = 0; i < n; ++i) {
        x = x * 1103515245u + 12345u;
        s[i] = static_cast<char>(x >> 16);
    }
    const std::string traps[] = {"\r\nOK\r\n", "\r\nERROR\r\n", "\r\n<<<", "SRING: 1\r\n", "O"};
    std::size_t pos = 10;
    for (int round = 0; pos + 16 < n; ++round) {
        const std::string& t = traps[round % 5];
        s.replace(pos, t.size(), t);
        pos += 997;
    }
    // One trap right at a 1500-byte read boundary.
    if (n > 1510)
        s.replace(1497, 6, "\r\nOK\r\n");
    return s;
}

MiniHttpServer::MiniHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0)
        throw std::runtime_error("socket");
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        listen(listen_fd_, 8) != 0) {
        throw std::runtime_error("bind/listen");
    }
    socklen_t len = sizeof a;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
}

MiniHttpServer::~MiniHttpServer() {
    stop_ = true;
    thread_.join();
    close(listen_fd_);
}

std::vector<HttpRequest> MiniHttpServer::requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
}

std::string MiniHttpServer::response(int status, const std::string& reason, const std::string& type,
                                     const std::string& body, const std::string& extra_headers,
                                     bool head) {
    std::string r = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
    r += "Content-Type: " + type + "\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    r += extra_headers;
    r += "Connection: close\r\n\r\n";
    if (!head)
        r += body;
    return r;
}

void MiniHttpServer::run() {
    while (!stop_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (poll(&p, 1, 20) <= 0)
            continue;
        const int fd = accept(listen_fd_, nullptr, nullptr);
        if (fd < 0)
            continue;
        serve(fd);
        close(fd);
    }
}

void MiniHttpServer::serve(int fd) {
    std::string in;
    char buf[8192];
    HttpRequest req;
    std::size_t head_end = std::string::npos;
    std::size_t need = 0;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0)
            return;
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            return;
        in.append(buf, static_cast<std::size_t>(n));
        if (head_end == std::string::npos) {
            head_end = in.find("\r\n\r\n");
            if (head_end == std::string::npos)
                continue;
            std::size_t pos = in.find("\r\n");
            const std::string line = in.substr(0, pos);
            const auto sp1 = line.find(' ');
            const auto sp2 = line.rfind(' ');
            req.method = line.substr(0, sp1);
            req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
            pos += 2;
            while (pos < head_end) {
                auto eol = in.find("\r\n", pos);
                const std::string h = in.substr(pos, eol - pos);
                req.header_lines.push_back(h);
                const auto colon = h.find(':');
                if (colon != std::string::npos) {
                    std::string name = h.substr(0, colon);
                    for (auto& c : name)
                        c = static_cast<char>(std::tolower(c));
                    std::string value = h.substr(colon + 1);
                    while (!value.empty() && value.front() == ' ')
                        value.erase(0, 1);
                    req.headers[name] = value;
                }
                pos = eol + 2;
            }
            auto cl = req.headers.find("content-length");
            need = cl == req.headers.end() ? 0 : std::stoul(cl->second);
        }
        if (in.size() >= head_end + 4 + need)
            break;
    }
    req.body = in.substr(head_end + 4, need);
    req.raw_bytes = head_end + 4 + need;
    {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(req);
    }
    const std::string out = handler_(req);
    std::size_t off = 0;
    while (off < out.size()) {
        const ssize_t n = ::send(fd, out.data() + off, out.size() - off, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        off += static_cast<std::size_t>(n);
    }
    response_bytes_ += out.size();
    shutdown(fd, SHUT_WR);
    // Let the peer see the FIN before the socket goes away.
    pollfd p{fd, POLLIN, 0};
    poll(&p, 1, 200);
}

}  // namespace sim_test
