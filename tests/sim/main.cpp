// telit-sim: a Telit LE910/ME910 cellular modem on a pty, TCP/Unix socket or stdio, in front of a
// real ferryd. See README.md.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>

#include "faults.h"
#include "link_model.h"
#include "log.h"
#include "modem.h"
#include "options.h"
#include "scheduler.h"
#include "serial_endpoint.h"
#include "stats.h"
#include "uart.h"
#include "upstream.h"

using namespace telit_sim;
namespace asio = boost::asio;

namespace {

std::unique_ptr<SerialEndpoint> make_endpoint(asio::io_context& io, const Options& o) {
    switch (o.serial) {
        case Options::Serial::pty:
            return make_pty_endpoint(io, o.pty_link);
        case Options::Serial::tcp:
            return make_tcp_endpoint(io, o.listen_host, o.listen_port);
        case Options::Serial::unix_socket:
            return make_unix_endpoint(io, o.unix_path);
        case Options::Serial::stdio:
            return make_stdio_endpoint(io);
        case Options::Serial::none:
            break;
    }
    return nullptr;
}

double sim_now(void* ctx) {
    return static_cast<Scheduler*>(ctx)->now();
}
double wall_now(void* ctx) {
    return static_cast<Scheduler*>(ctx)->wall_now();
}

}  // namespace

int main(int argc, char** argv) {
    ParseResult parsed = parse_options(argc, argv);
    if (parsed.help) {
        std::fputs(usage().c_str(), stdout);
        return 0;
    }
    if (!parsed.options) {
        std::fprintf(stderr, "telit-sim: %s (see --help)\n", parsed.error.c_str());
        return 2;
    }
    const Options o = *parsed.options;
    set_log_level(o.log_level);
    std::signal(SIGPIPE, SIG_IGN);

    try {
        asio::io_context io;
        Scheduler sched(io, o.time_scale);
        set_log_clock(sim_now, wall_now, &sched);
        Stats stats;
        Random random(o.seed);
        Upstream upstream(io, o.server_host, o.server_port);
        LinkModel link(o.profile, o.faults.loss, random, stats);
        std::unique_ptr<SerialEndpoint> endpoint = make_endpoint(io, o);
        Uart uart(sched, *endpoint, stats, o.baud);
        Modem modem(io, sched, uart, link, upstream, random, stats, o);
        uart.set_rx_handler(
            [&modem](const uint8_t* d, std::size_t n, double t) { modem.on_rx(d, n, t); });

        RunInfo info;
        info.profile = o.profile.name;
        info.time_scale = o.time_scale;
        info.seed = o.seed;
        auto write_stats = [&] {
            if (o.stats_path.empty())
                return;
            info.sim_time_s = sched.now();
            info.wall_time_s = sched.wall_now();
            info.baud = uart.baud();
            if (!stats.write_file(o.stats_path, info)) {
                log(0, "cannot write %s", o.stats_path.c_str());
            }
        };

        bool stopped = false;
        auto stop = [&](const char* why) {
            if (stopped)
                return;
            stopped = true;
            log(1, "stopping: %s", why);
            write_stats();
            endpoint->close();
            io.stop();
        };

        asio::steady_timer stats_timer(io);
        std::function<void()> tick = [&] {
            write_stats();
            stats_timer.expires_after(std::chrono::seconds(1));
            stats_timer.async_wait([&](boost::system::error_code ec) {
                if (!ec)
                    tick();
            });
        };
        tick();

        asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](boost::system::error_code ec, int sig) {
            if (!ec)
                stop(sig == SIGINT ? "SIGINT" : "SIGTERM");
        });

        // At the end of the serial input: let the modem finish what it is doing (at most 5 s),
        // then exit.
        asio::steady_timer drain_timer(io);
        double drain_deadline = 0;
        std::function<void()> drain = [&] {
            if (modem.quiescent() || sched.wall_now() > drain_deadline)
                return stop("serial EOF");
            drain_timer.expires_after(std::chrono::milliseconds(10));
            drain_timer.async_wait([&](boost::system::error_code ec) {
                if (!ec)
                    drain();
            });
        };

        SerialEndpoint::Handlers handlers;
        handlers.on_data = [&uart](const uint8_t* d, std::size_t n) {
            uart.on_endpoint_data(d, n);
        };
        handlers.on_connect = [&] {
            log(1, "serial client attached (%s)", endpoint->describe().c_str());
            uart.on_endpoint_connect();
        };
        handlers.on_disconnect = [&] {
            uart.on_endpoint_disconnect();
            if (endpoint->eof_is_final() || o.once) {
                drain_deadline = sched.wall_now() + 5;
                drain();
            } else {
                log(1, "serial client left; waiting for the next one");
            }
        };

        log(1,
            "%s; server %s; profile %s (down %.0f kbit/s, up %.0f kbit/s, RTT %.0f ms); "
            "%u baud; time scale %g; seed %llu",
            endpoint->describe().c_str(),
            o.server_host ? (*o.server_host + ":" + std::to_string(o.server_port)).c_str()
                          : "(none)",
            o.profile.name.c_str(), o.profile.down_kbps, o.profile.up_kbps, o.profile.rtt_ms,
            o.baud, o.time_scale, static_cast<unsigned long long>(o.seed));
        const FaultConfig& f = o.faults;
        if (f.disconnect > 0 || f.status0 > 0 || f.datasize0 > 0 || f.cme > 0 || f.urc > 0 ||
            f.loss > 0 || f.slow_sgact_s >= 0) {
            log(1,
                "faults: disconnect %g, status0 %g, datasize0 %g, cme %g, urc %g, loss %g, "
                "slow-sgact %g s",
                f.disconnect, f.status0, f.datasize0, f.cme, f.urc, f.loss, f.slow_sgact_s);
        }
        endpoint->start(handlers);
        io.run();
        write_stats();
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "telit-sim: %s\n", e.what());
        return 1;
    }
}
