#include "http_client_emulation.h"

#include <algorithm>
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "http_response.h"
#include "log.h"

namespace telit_sim {
namespace asio = boost::asio;

namespace {

std::string base64(const std::string& in) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    while (i + 2 < in.size()) {
        const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
        out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
        i += 3;
    }
    if (i + 1 == in.size()) {
        const uint32_t v = uint8_t(in[i]) << 16;
        out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        const uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
        out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
    }
    return out;
}

std::string post_content_type(const std::string& param) {
    if (param == "0")
        return "application/x-www-form-urlencoded";
    if (param == "1")
        return "text/plain";
    if (param == "2")
        return "application/octet-stream";
    if (param == "3")
        return "multipart/form-data";
    return param;
}

}  // namespace

// One real request to ferryd: connect, write, read until the response is complete.
struct HttpClientEmulation::Exchange : std::enable_shared_from_this<Exchange> {
    Exchange(asio::io_context& io, std::string req, bool head)
        : socket(io), timer(io), request(std::move(req)), parser(head) {}

    void run(const asio::ip::tcp::endpoint& ep, double wall_timeout_s) {
        auto self = shared_from_this();
        timer.expires_after(std::chrono::milliseconds(static_cast<int64_t>(wall_timeout_s * 1000)));
        timer.async_wait([self](boost::system::error_code ec) {
            if (!ec)
                self->complete(false, "no answer from the server");
        });
        socket.async_connect(ep, [self](boost::system::error_code ec) {
            if (ec)
                return self->complete(false, "connect: " + ec.message());
            asio::async_write(self->socket, asio::buffer(self->request),
                              [self](boost::system::error_code ec, std::size_t) {
                                  if (ec)
                                      return self->complete(false, "write: " + ec.message());
                                  self->read();
                              });
        });
    }

    void read() {
        auto self = shared_from_this();
        socket.async_read_some(
            asio::buffer(buf), [self](boost::system::error_code ec, std::size_t n) {
                if (self->finished)
                    return;
                if (ec) {
                    const bool ok = ec == asio::error::eof && self->parser.finish_eof();
                    return self->complete(ok, ok ? "" : "read: " + ec.message());
                }
                if (!self->parser.feed(std::string_view(self->buf.data(), n))) {
                    return self->complete(false, "malformed HTTP response");
                }
                if (self->parser.complete())
                    return self->complete(true, "");
                self->read();
            });
    }

    void complete(bool ok, const std::string& why) {
        if (finished)
            return;
        finished = true;
        timer.cancel();
        boost::system::error_code ec;
        socket.close(ec);
        error = why;
        if (done)
            done(*this, ok);
        done = nullptr;
    }

    asio::ip::tcp::socket socket;
    asio::steady_timer timer;
    std::string request;
    HttpResponseParser parser;
    std::array<char, 16384> buf{};
    bool finished = false;
    std::string error;
    std::function<void(Exchange&, bool ok)> done;
};

HttpClientEmulation::HttpClientEmulation(Scheduler& sched, LinkModel& link, Upstream& upstream,
                                         Random& random, const FaultConfig& faults, Stats& stats,
                                         ModemState& state, std::function<void(std::string)> urc)
    : sched_(sched),
      link_(link),
      upstream_(upstream),
      random_(random),
      faults_(faults),
      stats_(stats),
      state_(state),
      urc_(std::move(urc)) {}

HttpClientEmulation::~HttpClientEmulation() {
    *alive_ = false;
}

bool HttpClientEmulation::handles(const std::string& name) const {
    return name == "#HTTPCFG" || name == "#HTTPQRY" || name == "#HTTPSND" || name == "#HTTPRCV";
}

bool HttpClientEmulation::busy() const {
    return std::any_of(profiles_.begin(), profiles_.end(),
                       [](const Profile& p) { return p.in_flight; });
}

void HttpClientEmulation::reset() {
    for (auto& p : profiles_) {
        ++p.generation;
        p.in_flight = false;
        p.ready = false;
        p.body.clear();
        p.read_pos = 0;
        p.cut_at.reset();
    }
}

void HttpClientEmulation::execute(const AtCommand& cmd, CommandIo& io) {
    if (cmd.type == AtCommand::Type::test) {
        if (cmd.name == "#HTTPCFG") {
            io.info("#HTTPCFG: (0-2),128,(1-65535),(0,1),50,50,(0,1),(1-65535),(1-6),(0-1500)");
        } else if (cmd.name == "#HTTPQRY") {
            io.info("#HTTPQRY: (0-2),(0-2),128,256");
        } else if (cmd.name == "#HTTPSND") {
            io.info("#HTTPSND: (0-2),(0,1),128,(1-65536),100,256");
        } else {
            io.info("#HTTPRCV: (0-2),(0,64-1500)");
        }
        return io.finish(Outcome::ok());
    }
    if (cmd.name == "#HTTPCFG")
        return config(cmd, io);
    if (cmd.type != AtCommand::Type::set)
        return io.finish(Outcome::error());
    if (cmd.name == "#HTTPQRY")
        return query(cmd, io);
    if (cmd.name == "#HTTPSND")
        return send(cmd, io);
    return receive(cmd, io);
}

void HttpClientEmulation::config(const AtCommand& cmd, CommandIo& io) {
    if (cmd.type == AtCommand::Type::read) {
        for (std::size_t i = 0; i < profiles_.size(); ++i) {
            const Profile& p = profiles_[i];
            io.info("#HTTPCFG: " + std::to_string(i) + ",\"" + p.host + "\"," +
                    std::to_string(p.port) + "," + std::to_string(p.auth) + ",\"" + p.user +
                    "\",\"" + p.password + "\"," + std::to_string(p.ssl) + "," +
                    std::to_string(p.timeout_s) + "," + std::to_string(p.cid) + "," +
                    std::to_string(p.pkt_size));
        }
        return io.finish(Outcome::ok());
    }
    if (cmd.type != AtCommand::Type::set || cmd.args.empty() || cmd.args.size() > 10) {
        return io.finish(Outcome::error());
    }
    auto prof = cmd.number(0, 0, 2);
    if (!prof)
        return io.finish(Outcome::error());
    ProfileConfig next = profiles_[*prof];
    auto present = [&](std::size_t i) { return cmd.arg(i) && !cmd.arg(i)->is_empty(); };
    auto str = [&](std::size_t i, std::string& out) {
        if (!present(i))
            return true;
        auto s = cmd.string(i);
        if (!s)
            return false;
        out = *s;
        return true;
    };
    auto num = [&](std::size_t i, uint64_t lo, uint64_t hi, auto& out) {
        if (!present(i))
            return true;
        auto n = cmd.number(i, lo, hi);
        if (!n)
            return false;
        out = static_cast<std::remove_reference_t<decltype(out)>>(*n);
        return true;
    };
    if (!str(1, next.host) || !num(2, 1, 65535, next.port) || !num(3, 0, 1, next.auth) ||
        !str(4, next.user) || !str(5, next.password) || !num(6, 0, 1, next.ssl) ||
        !num(7, 1, 65535, next.timeout_s) || !num(8, 1, 6, next.cid) ||
        !num(9, 0, 1500, next.pkt_size)) {
        return io.finish(Outcome::error());
    }
    if (next.ssl) {
        log(1, "#HTTPCFG with ssl=1: TLS is not modelled");
        return io.finish(Outcome::cme(cme::kOperationNotSupported));
    }
    // Configuration only; a transaction in flight keeps going.
    static_cast<ProfileConfig&>(profiles_[*prof]) = next;
    if (!next.host.empty())
        upstream_.map(next.host, next.port);
    io.finish(Outcome::ok());
}

int HttpClientEmulation::check_ready_to_send(const Profile& p) const {
    if (!state_.context_active(p.cid))
        return cme::kContextNotOpened;
    if (p.in_flight)
        return cme::kWrongState;
    if (p.host.empty())
        return cme::kCannotResolveDn;
    return 0;
}

std::string HttpClientEmulation::build_request(const Profile& p, const std::string& method,
                                               const std::string& resource,
                                               const std::string& extra, const std::string* body,
                                               const std::string& content_type) const {
    std::string r = method + " " + resource + " HTTP/1.1\r\n";
    r += "Host: " + p.host + (p.port == 80 ? "" : ":" + std::to_string(p.port)) + "\r\n";
    if (p.auth)
        r += "Authorization: Basic " + base64(p.user + ":" + p.password) + "\r\n";
    r += "Connection: close\r\n";
    if (body) {
        r += "Content-Type: " + content_type + "\r\n";
        r += "Content-Length: " + std::to_string(body->size()) + "\r\n";
    }
    if (!extra.empty())
        r += extra + "\r\n";
    r += "\r\n";
    if (body)
        r += *body;
    return r;
}

std::optional<std::string> HttpClientEmulation::extra_header(const AtCommand& cmd,
                                                             std::size_t index) {
    if (cmd.args.size() <= index || cmd.args[index].is_empty())
        return std::string();
    return cmd.string(index);
}

int HttpClientEmulation::check_can_start(const Profile& p) {
    if (int e = check_ready_to_send(p))
        return e;
    if (!upstream_.map(p.host, p.port))
        return cme::kCannotResolveDn;
    return 0;
}

void HttpClientEmulation::query(const AtCommand& cmd, CommandIo& io) {
    auto prof = cmd.number(0, 0, 2);
    auto method = cmd.number(1, 0, 2);
    auto resource = cmd.string(2);
    if (!prof || !method || !resource || cmd.args.size() > 4)
        return io.finish(Outcome::error());
    auto extra = extra_header(cmd, 3);
    if (!extra)
        return io.finish(Outcome::error());
    Profile& p = profiles_[*prof];
    if (int e = check_can_start(p))
        return io.finish(Outcome::cme(e));
    static const char* const kMethods[] = {"GET", "HEAD", "DELETE"};
    std::string request = build_request(p, kMethods[*method], *resource, *extra, nullptr, "");
    io.finish(Outcome::ok());
    start(static_cast<int>(*prof), std::move(request), *method == 1);
}

void HttpClientEmulation::send(const AtCommand& cmd, CommandIo& io) {
    auto prof = cmd.number(0, 0, 2);
    auto method = cmd.number(1, 0, 1);
    auto resource = cmd.string(2);
    auto len = cmd.number(3, 1, 65536);
    if (!prof || !method || !resource || !len || cmd.args.size() > 6) {
        return io.finish(Outcome::error());
    }
    std::string type = "0";
    if (cmd.args.size() >= 5 && !cmd.args[4].is_empty()) {
        const AtArg& a = cmd.args[4];
        if (a.is_string() || a.is_number()) {
            type = a.text;
        } else {
            return io.finish(Outcome::error());
        }
    }
    auto extra_line = extra_header(cmd, 5);
    if (!extra_line)
        return io.finish(Outcome::error());
    std::string extra = *extra_line;
    Profile& p = profiles_[*prof];
    if (int e = check_can_start(p))
        return io.finish(Outcome::cme(e));
    const int pi = static_cast<int>(*prof);
    const std::string method_text = *method == 0 ? "POST" : "PUT";
    const std::string res = *resource;
    PayloadSpec spec;
    spec.exact = *len;
    io.prompt(">>>", spec,
              [this, &io, pi, method_text, res, type, extra](std::string body, bool cancelled) {
                  if (cancelled)
                      return io.finish(Outcome::error());
                  Profile& p = profiles_[pi];
                  std::string request =
                      build_request(p, method_text, res, extra, &body, post_content_type(type));
                  io.finish(Outcome::ok());
                  start(pi, std::move(request), false);
              });
}

void HttpClientEmulation::start(int prof, std::string request, bool head) {
    Profile& p = profiles_[prof];
    const uint64_t gen = ++p.generation;
    p.in_flight = true;
    p.ready = false;
    p.body.clear();
    p.read_pos = 0;
    p.cut_at.reset();
    auto ep = upstream_.map(p.host, p.port);
    if (!ep) {  // checked by the command already; kept safe
        p.in_flight = false;
        urc_("#HTTPRING: " + std::to_string(prof) + ",0,\"\",0");
        return;
    }
    ++stats_.http_requests;
    log(2, "HTTP profile %d request: %s", prof, request.substr(0, request.find("\r\n")).c_str());

    const double t0 = sched_.now();
    const double t_connected = link_.open_connection(t0);
    const double t_server = link_.send_up(t_connected, request.size());
    const bool lose_answer = random_.chance(faults_.status0);
    if (lose_answer) {
        stats_.fault(kFaultStatus0);
        log(1, "fault: HTTP profile %d answer lost, #HTTPRING status 0 after %d s", prof,
            p.timeout_s);
    }
    // No answer within the profile's timeout: status 0.
    const uint64_t timeout_event = sched_.at(t0 + p.timeout_s, [this, prof, gen, alive = alive_] {
        if (!*alive)
            return;
        if (profiles_[prof].generation == gen && profiles_[prof].in_flight) {
            ring(prof, gen, 0, "", 0);
        }
    });

    auto exchange = std::make_shared<Exchange>(upstream_.io(), std::move(request), head);
    exchange->done = [this, prof, gen, t_server, lose_answer, timeout_event, alive = alive_](
                         Exchange& ex, bool ok) {
        if (!*alive)
            return;
        Profile& p = profiles_[prof];
        if (p.generation != gen || !p.in_flight)
            return;  // timed out or reset meanwhile
        if (lose_answer)
            return;  // the timeout event answers with status 0
        sched_.cancel(timeout_event);
        if (!ok) {
            log(1, "HTTP profile %d: %s", prof, ex.error.c_str());
            const double t = std::max(sched_.now(), t_server) + link_.one_way();
            sched_.at(t, [this, prof, gen, alive] {
                if (*alive)
                    ring(prof, gen, 0, "", 0);
            });
            return;
        }
        const HttpResponseParser& r = ex.parser;
        uint64_t data_size = r.chunked() ? 0 : r.content_length().value_or(0);
        if (random_.chance(faults_.datasize0)) {
            stats_.fault(kFaultDatasize0);
            log(1, "fault: HTTP profile %d #HTTPRING data_size 0 (really %llu)", prof,
                static_cast<unsigned long long>(data_size));
            data_size = 0;
        }
        const std::string& body = r.body();
        if (!body.empty() && random_.chance(faults_.disconnect)) {
            stats_.fault(kFaultDisconnect);
            const std::size_t cut = random_.below(body.size());
            const bool as_status0 = random_.chance(0.5);
            log(1, "fault: HTTP profile %d link drops after %zu of %zu body bytes (%s)", prof, cut,
                body.size(), as_status0 ? "#HTTPRING status 0" : "read error");
            const double t_arrival = link_.send_down(t_server, r.header_bytes() + cut);
            if (as_status0) {
                sched_.at(t_arrival, [this, prof, gen, alive] {
                    if (*alive)
                        ring(prof, gen, 0, "", 0);
                });
            } else {
                p.body = body;
                p.cut_at = cut;
                const int status = r.status();
                const std::string type = r.content_type();
                sched_.at(t_arrival, [this, prof, gen, status, type, data_size, alive] {
                    if (*alive)
                        ring(prof, gen, status, type, data_size);
                });
            }
            return;
        }
        const double t_arrival = link_.send_down(t_server, r.wire_bytes());
        link_.close_connection(t_arrival);
        p.body = body;
        const int status = r.status();
        const std::string type = r.content_type();
        sched_.at(t_arrival, [this, prof, gen, status, type, data_size, alive] {
            if (*alive)
                ring(prof, gen, status, type, data_size);
        });
    };
    const double scale = sched_.time_scale();
    const double wall_timeout = std::max(10.0, p.timeout_s / scale + 5.0);
    // The request reaches the server at the modelled time.
    sched_.at(t_server, [exchange, ep, wall_timeout, alive = alive_] {
        if (*alive)
            exchange->run(*ep, wall_timeout);
    });
}

void HttpClientEmulation::ring(int prof, uint64_t generation, int status, const std::string& type,
                               uint64_t size) {
    Profile& p = profiles_[prof];
    if (p.generation != generation || !p.in_flight)
        return;
    p.in_flight = false;
    p.ready = true;
    if (status == 0) {
        p.body.clear();
        p.cut_at.reset();
    }
    urc_("#HTTPRING: " + std::to_string(prof) + "," + std::to_string(status) + ",\"" + type +
         "\"," + std::to_string(size));
}

void HttpClientEmulation::receive(const AtCommand& cmd, CommandIo& io) {
    auto prof = cmd.number(0, 0, 2);
    if (!prof || cmd.args.size() > 2)
        return io.finish(Outcome::error());
    uint64_t max_bytes = 0;
    if (cmd.args.size() == 2 && !cmd.args[1].is_empty()) {
        auto m = cmd.number(1, 0, 1500);
        if (!m || (*m != 0 && *m < 64))
            return io.finish(Outcome::error());
        max_bytes = *m;
    }
    Profile& p = profiles_[*prof];
    if (!p.ready)
        return io.finish(Outcome::cme(cme::kWrongState));
    const std::size_t remaining = p.body.size() - p.read_pos;
    if (remaining == 0) {
        p.ready = false;
        return io.finish(Outcome::cme(cme::kWrongState));
    }
    const std::size_t n = max_bytes == 0 ? remaining : std::min<std::size_t>(max_bytes, remaining);
    if (p.cut_at && p.read_pos + n > *p.cut_at) {
        log(1, "HTTP profile %d: read past the point the link dropped", static_cast<int>(*prof));
        p.ready = false;
        p.body.clear();
        p.cut_at.reset();
        return io.finish(Outcome::cme(cme::kRemoteDisconnected));
    }
    io.raw("\r\n<<<" + p.body.substr(p.read_pos, n));
    p.read_pos += n;
    io.finish(Outcome::ok());
}

}  // namespace telit_sim
