#include "socket_emulation.h"

#include <algorithm>
#include <boost/asio/write.hpp>

#include "log.h"

namespace telit_sim {
namespace asio = boost::asio;

SocketEmulation::SocketEmulation(Scheduler& sched, LinkModel& link, Upstream& upstream,
                                 Random& random, const FaultConfig& faults, Stats& stats,
                                 ModemState& state, std::size_t ssend_max,
                                 std::function<void(std::string)> urc)
    : sched_(sched),
      link_(link),
      upstream_(upstream),
      random_(random),
      faults_(faults),
      stats_(stats),
      state_(state),
      ssend_max_(ssend_max),
      urc_(std::move(urc)) {}

SocketEmulation::~SocketEmulation() {
    *alive_ = false;
    for (int i = 1; i <= kSockets; ++i)
        drop(i);
}

bool SocketEmulation::handles(const std::string& name) const {
    return name == "#SCFG" || name == "#SCFGEXT" || name == "#SCFGEXT2" || name == "#SCFGEXT3" ||
           name == "#SD" || name == "#SSENDEXT" || name == "#SSEND" || name == "#SRECV" ||
           name == "#SH" || name == "#SS" || name == "#SI";
}

int SocketEmulation::socket_with_data() const {
    for (int i = 1; i <= kSockets; ++i) {
        if (!conns_[i].rx.empty())
            return i;
    }
    return 0;
}

bool SocketEmulation::busy() const {
    for (int i = 1; i <= kSockets; ++i) {
        if (conns_[i].state == State::connecting)
            return true;
    }
    return false;
}

void SocketEmulation::reset() {
    for (int i = 1; i <= kSockets; ++i)
        drop(i);
}

void SocketEmulation::drop(int id) {
    Conn& c = conns_[id];
    ++c.generation;
    if (c.socket) {
        boost::system::error_code ec;
        c.socket->close(ec);
        c.socket.reset();
    }
    c.state = State::closed;
    c.rx.clear();
    c.write_queue.clear();
    c.writing = false;
    c.cut_armed = false;
    c.in_flight_up = 0;
}

void SocketEmulation::execute(const AtCommand& cmd, CommandIo& io) {
    const std::string& n = cmd.name;
    if (n == "#SCFG" || n.rfind("#SCFGEXT", 0) == 0)
        return configure(cmd, io);
    if (n == "#SS")
        return status(cmd, io);
    if (n == "#SI")
        return info(cmd, io);
    if (cmd.type == AtCommand::Type::test) {
        if (n == "#SD")
            io.info("#SD: (1-6),(0,1),(1-65535),,(0,255),(0-65535),(0,1)");
        if (n == "#SSENDEXT")
            io.info("#SSENDEXT: (1-6),(1-" + std::to_string(ssend_max_) + ")");
        if (n == "#SRECV")
            io.info("#SRECV: (1-6),(1-1500),(0,1)");
        if (n == "#SH")
            io.info("#SH: (1-6)");
        return io.finish(Outcome::ok());
    }
    if (cmd.type != AtCommand::Type::set)
        return io.finish(Outcome::error());
    if (n == "#SD")
        return dial(cmd, io);
    if (n == "#SSENDEXT")
        return send_ext(cmd, io, false);
    if (n == "#SSEND")
        return send_ext(cmd, io, true);
    if (n == "#SRECV")
        return receive(cmd, io);
    return hang_up(cmd, io);
}

void SocketEmulation::configure(const AtCommand& cmd, CommandIo& io) {
    const bool ext = cmd.name != "#SCFG";
    if (cmd.type == AtCommand::Type::read) {
        for (int i = 1; i <= kSockets; ++i) {
            const Conn& c = conns_[i];
            if (ext) {
                io.info(cmd.name + ": " + std::to_string(i) + ",0,0,0,0,0");
            } else {
                io.info("#SCFG: " + std::to_string(i) + "," + std::to_string(c.cid) + "," +
                        std::to_string(c.pkt_size) + "," + std::to_string(c.max_to) + "," +
                        std::to_string(c.conn_to) + "," + std::to_string(c.tx_to));
            }
        }
        return io.finish(Outcome::ok());
    }
    if (cmd.type == AtCommand::Type::test) {
        if (!ext)
            io.info("#SCFG: (1-6),(0-6),(0-1500),(0-65535),(10-1200),(0-255)");
        return io.finish(Outcome::ok());
    }
    if (cmd.type != AtCommand::Type::set)
        return io.finish(Outcome::error());
    auto id = cmd.number(0, 1, kSockets);
    if (!id)
        return io.finish(Outcome::error());
    if (ext)
        return io.finish(Outcome::ok());  // ring mode, data view, keep-alive: recorded only
    auto cid = cmd.number(1, 0, 6);
    auto pkt = cmd.number(2, 0, 1500);
    auto max_to = cmd.number(3, 0, 65535);
    auto conn_to = cmd.number(4, 10, 1200);
    auto tx_to = cmd.number(5, 0, 255);
    if (!cid || !pkt || !max_to || !conn_to || !tx_to || cmd.args.size() != 6) {
        return io.finish(Outcome::error());
    }
    Conn& c = conns_[*id];
    if (c.state != State::closed)
        return io.finish(Outcome::cme(cme::kWrongState));
    c.cid = static_cast<int>(*cid);
    c.pkt_size = static_cast<int>(*pkt);
    c.max_to = static_cast<int>(*max_to);
    c.conn_to = static_cast<int>(*conn_to);
    c.tx_to = static_cast<int>(*tx_to);
    io.finish(Outcome::ok());
}

void SocketEmulation::dial(const AtCommand& cmd, CommandIo& io) {
    auto id = cmd.number(0, 1, kSockets);
    auto proto = cmd.number(1, 0, 1);
    auto port = cmd.number(2, 1, 65535);
    auto host = cmd.string(3);
    if (!id || !proto || !port || !host || cmd.args.size() > 7)
        return io.finish(Outcome::error());
    uint64_t mode = 0;
    if (cmd.args.size() > 4 && !cmd.args[4].is_empty() && !cmd.number(4, 0, 255)) {
        return io.finish(Outcome::error());
    }
    if (cmd.args.size() > 5 && !cmd.args[5].is_empty() && !cmd.number(5, 0, 65535)) {
        return io.finish(Outcome::error());
    }
    if (cmd.args.size() > 6 && !cmd.args[6].is_empty()) {
        auto m = cmd.number(6, 0, 1);
        if (!m)
            return io.finish(Outcome::error());
        mode = *m;
    }
    if (*proto == 1) {
        log(1, "#SD: UDP sockets are not modelled");
        return io.finish(Outcome::cme(cme::kOperationNotSupported));
    }
    if (mode == 0) {
        log(1, "#SD: online (transparent) mode is not modelled; use connMode 1");
        return io.finish(Outcome::cme(cme::kOperationNotSupported));
    }
    const int i = static_cast<int>(*id);
    Conn& c = conns_[i];
    if (c.state != State::closed)
        return io.finish(Outcome::cme(cme::kWrongState));
    if (!state_.context_active(c.cid))
        return io.finish(Outcome::cme(cme::kContextNotOpened));
    auto ep = upstream_.map(*host, static_cast<uint16_t>(*port));
    if (!ep)
        return io.finish(Outcome::cme(cme::kCannotResolveDn));

    drop(i);
    c.state = State::connecting;
    const uint64_t gen = c.generation;
    c.socket = std::make_shared<asio::ip::tcp::socket>(upstream_.io());
    c.remote_text = ep->address().to_string() + "," + std::to_string(ep->port());
    c.sent = c.received = 0;
    c.last_arrival = 0;
    c.down_tail = StreamTail{};
    const double t0 = sched_.now();
    const double t_open = link_.open_connection(t0);
    c.socket->async_connect(
        *ep, [this, i, gen, t0, t_open, &io, alive = alive_](boost::system::error_code ec) {
            if (!*alive || conns_[i].generation != gen)
                return;
            if (ec) {
                log(1, "socket %d: connect failed: %s", i, ec.message().c_str());
                sched_.at(std::max(sched_.now(), t0 + link_.rtt()), [this, i, gen, &io, alive] {
                    if (!*alive || conns_[i].generation != gen)
                        return;
                    drop(i);
                    io.finish(Outcome::cme(cme::kConnectionFailed));
                });
                return;
            }
            sched_.at(std::max(sched_.now(), t_open), [this, i, gen, &io, alive] {
                if (!*alive || conns_[i].generation != gen)
                    return;
                conns_[i].state = State::connected;
                log(1, "socket %d connected", i);
                read_loop(i);
                io.finish(Outcome::ok());
            });
        });
}

void SocketEmulation::send_ext(const AtCommand& cmd, CommandIo& io, bool ctrl_z) {
    auto id = cmd.number(0, 1, kSockets);
    if (!id)
        return io.finish(Outcome::error());
    PayloadSpec spec;
    if (ctrl_z) {
        if (cmd.args.size() > 3)
            return io.finish(Outcome::error());
        spec.ctrl_z = true;
        spec.max = ssend_max_;
    } else {
        auto bytes = cmd.number(1, 1, ssend_max_);
        if (!bytes || cmd.args.size() > 3)
            return io.finish(Outcome::error());
        spec.exact = *bytes;
    }
    const int i = static_cast<int>(*id);
    if (conns_[i].state != State::connected)
        return io.finish(Outcome::cme(cme::kWrongState));
    io.prompt("> ", spec, [this, i, &io](std::string data, bool cancelled) {
        if (!cancelled && !data.empty()) {
            if (conns_[i].state != State::connected)
                return io.finish(Outcome::cme(cme::kTxError));
            accept_payload(i, std::move(data));
        }
        io.finish(Outcome::ok());
    });
}

void SocketEmulation::accept_payload(int id, std::string data) {
    Conn& c = conns_[id];
    const std::size_t n = data.size();
    ++stats_.socket_sends;
    c.sent += n;
    c.in_flight_up += n;
    if (!c.cut_armed && random_.chance(faults_.disconnect))
        c.cut_armed = true;
    const double t_arrival = link_.send_up(sched_.now(), n);
    const uint64_t gen = c.generation;
    sched_.at(t_arrival, [this, id, gen, data = std::move(data), alive = alive_] {
        if (!*alive || conns_[id].generation != gen)
            return;
        Conn& c = conns_[id];
        c.in_flight_up -= data.size();
        if (c.state != State::connected)
            return;
        c.write_queue += data;
        flush_writes(id);
    });
}

void SocketEmulation::flush_writes(int id) {
    Conn& c = conns_[id];
    if (c.writing || c.write_queue.empty() || !c.socket)
        return;
    c.writing = true;
    auto out = std::make_shared<std::string>(std::move(c.write_queue));
    c.write_queue.clear();
    const uint64_t gen = c.generation;
    asio::async_write(
        *c.socket, asio::buffer(*out),
        [this, id, gen, out, alive = alive_](boost::system::error_code ec, std::size_t) {
            if (!*alive || conns_[id].generation != gen)
                return;
            conns_[id].writing = false;
            if (ec)
                return;  // the read side reports the end of the connection
            flush_writes(id);
        });
}

void SocketEmulation::read_loop(int id) {
    Conn& c = conns_[id];
    auto sock = c.socket;
    const uint64_t gen = c.generation;
    sock->async_read_some(asio::buffer(c.buf), [this, id, gen, sock, alive = alive_](
                                                   boost::system::error_code ec, std::size_t n) {
        if (!*alive || conns_[id].generation != gen)
            return;
        Conn& c = conns_[id];
        const double now = sched_.now();
        if (ec) {
            // The server closed: its FIN follows the last data down the link.
            log(1, "socket %d: server closed the connection", id);
            link_.close_connection(now);
            const double t = std::max(c.last_arrival, now + link_.one_way());
            sched_.at(t, [this, id, gen, alive] {
                if (*alive)
                    remote_close(id, gen, false);
            });
            return;
        }
        std::string data(c.buf.data(), n);
        const double t_arrival = link_.send_down(now, n, &c.down_tail);
        c.last_arrival = std::max(c.last_arrival, t_arrival);
        sched_.at(t_arrival, [this, id, gen, data = std::move(data), alive] {
            if (*alive)
                deliver(id, gen, data);
        });
        read_loop(id);
    });
}

void SocketEmulation::deliver(int id, uint64_t generation, std::string data) {
    Conn& c = conns_[id];
    if (c.generation != generation || c.state != State::connected)
        return;
    bool cut = false;
    if (c.cut_armed) {
        c.cut_armed = false;
        cut = true;
        const std::size_t keep = random_.below(data.size());
        stats_.fault(kFaultDisconnect);
        log(1, "fault: socket %d drops after %zu of %zu received bytes", id, keep, data.size());
        data.resize(keep);
    }
    const bool was_empty = c.rx.empty();
    c.rx += data;
    c.received += data.size();
    if (was_empty && !data.empty())
        urc_("SRING: " + std::to_string(id));
    if (cut)
        remote_close(id, generation, true);
}

void SocketEmulation::remote_close(int id, uint64_t generation, bool by_fault) {
    Conn& c = conns_[id];
    if (c.generation != generation || c.state != State::connected)
        return;
    ++c.generation;  // data still on its way is lost
    if (c.socket) {
        boost::system::error_code ec;
        c.socket->close(ec);
        c.socket.reset();
    }
    c.state = State::remote_closed;
    c.write_queue.clear();
    c.in_flight_up = 0;
    log(by_fault ? 1 : 2, "socket %d: NO CARRIER (%zu bytes still buffered)", id, c.rx.size());
    urc_("NO CARRIER");
}

void SocketEmulation::receive(const AtCommand& cmd, CommandIo& io) {
    auto id = cmd.number(0, 1, kSockets);
    auto max = cmd.number(1, 1, 1500);
    if (!id || !max || cmd.args.size() > 3)
        return io.finish(Outcome::error());
    const int i = static_cast<int>(*id);
    Conn& c = conns_[i];
    if (c.state == State::closed || c.state == State::connecting) {
        return io.finish(Outcome::cme(cme::kWrongState));
    }
    if (c.rx.empty()) {
        if (c.state == State::remote_closed)
            drop(i);  // everything read: the socket is free
        return io.finish(Outcome::cme(cme::kWrongState));
    }
    const std::size_t n = std::min<std::size_t>(*max, c.rx.size());
    std::string out = "\r\n#SRECV: " + std::to_string(i) + "," + std::to_string(n) + "\r\n";
    out.append(c.rx, 0, n);
    out += "\r\n";
    c.rx.erase(0, n);
    io.raw(std::move(out));
    io.finish(Outcome::ok());
}

void SocketEmulation::hang_up(const AtCommand& cmd, CommandIo& io) {
    auto id = cmd.number(0, 1, kSockets);
    if (!id || cmd.args.size() != 1)
        return io.finish(Outcome::error());
    const int i = static_cast<int>(*id);
    if (conns_[i].state == State::connected)
        link_.close_connection(sched_.now());
    drop(i);
    io.finish(Outcome::ok());
}

// #SS and #SI: every socket for the action form, one for the set form (#SS=<id>).
std::optional<std::pair<int, int>> SocketEmulation::socket_range(const AtCommand& cmd) {
    if (cmd.type == AtCommand::Type::action)
        return std::pair(1, kSockets);
    if (cmd.type != AtCommand::Type::set)
        return std::nullopt;
    auto id = cmd.number(0, 1, kSockets);
    if (!id)
        return std::nullopt;
    return std::pair(static_cast<int>(*id), static_cast<int>(*id));
}

void SocketEmulation::status(const AtCommand& cmd, CommandIo& io) {
    if (cmd.type == AtCommand::Type::test)
        return io.finish(Outcome::ok());
    auto range = socket_range(cmd);
    if (!range)
        return io.finish(Outcome::error());
    for (int i = range->first; i <= range->second; ++i) {
        const Conn& c = conns_[i];
        int st = 0;
        if (c.state == State::connected)
            st = c.rx.empty() ? 2 : 3;
        if (c.state == State::remote_closed && !c.rx.empty())
            st = 3;
        if (c.state == State::connecting)
            st = 1;
        if (st == 0) {
            io.info("#SS: " + std::to_string(i) + ",0");
            continue;
        }
        uint16_t local_port = 0;
        if (c.socket) {
            boost::system::error_code ec;
            auto ep = c.socket->local_endpoint(ec);
            if (!ec)
                local_port = ep.port();
        }
        io.info("#SS: " + std::to_string(i) + "," + std::to_string(st) + "," + state_.ip + "," +
                std::to_string(local_port) + "," + c.remote_text);
    }
    io.finish(Outcome::ok());
}

void SocketEmulation::info(const AtCommand& cmd, CommandIo& io) {
    if (cmd.type == AtCommand::Type::test)
        return io.finish(Outcome::ok());
    auto range = socket_range(cmd);
    if (!range)
        return io.finish(Outcome::error());
    for (int i = range->first; i <= range->second; ++i) {
        const Conn& c = conns_[i];
        io.info("#SI: " + std::to_string(i) + "," + std::to_string(c.sent) + "," +
                std::to_string(c.received) + "," + std::to_string(c.rx.size()) + "," +
                std::to_string(c.in_flight_up));
    }
    io.finish(Outcome::ok());
}

}  // namespace telit_sim
