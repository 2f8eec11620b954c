// The server as a whole: the I/O threads (one io_context each), TLS context, listeners, signals,
// and the graceful shutdown sequence.
#include "http/http_server.h"

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>

#include "common/log.h"
#include "http/connection_registry.h"
#include "http/endpoint.h"
#include "http/io_pool.h"
#include "http/listener.h"
#include "http/session_context.h"
#include "http/sessions.h"
#include "http/tls_context.h"

namespace ferry::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
// After shutdown_grace, force-closed sessions get this long to unwind before the I/O stops.
constexpr std::chrono::seconds kForceCloseWait{2};

unsigned threads_wanted(const ServerOptions& options) {
    if (options.threads > 0)
        return options.threads;
    return std::max(1u, std::thread::hardware_concurrency());
}

// How often each thread compares its sessions' deadlines with the clock: a timeout fires up to
// this much late. An eighth of the shortest timeout, within 10..250 ms.
Clock::duration sweep_interval(const ServerOptions& o) {
    Clock::duration shortest =
        std::min({Clock::duration(o.header_timeout), Clock::duration(o.body_timeout),
                  Clock::duration(o.idle_timeout), Clock::duration(o.tls_handshake_timeout)});
    return std::clamp<Clock::duration>(shortest / 8, std::chrono::milliseconds(10),
                                       std::chrono::milliseconds(250));
}
}  // namespace

struct HttpServer::Impl {
    Impl(api::HttpApp& app_, ServerOptions options_)
        : app(app_),
          options(std::move(options_)),
          context{app, options, registry},
          pool(std::make_unique<IoPool>(threads_wanted(options), sweep_interval(options))) {}

    // Connections still open here wait for an answer the app has not given yet (a shutdown
    // that ended by force): their io_context must outlive that answer, so it is left allocated.
    ~Impl() {
        if (registry.size() == 0)
            return;
        log::error("connections still wait for the application at exit; their I/O is left",
                   {{"connections", registry.size()}});
        (void)pool.release();
    }

    unsigned thread_count() const { return static_cast<unsigned>(pool->size()); }

    void start();
    void run();
    void request_stop();

  private:
    tcp::endpoint resolve(const std::string& text);
    void add_listener(const std::string& text, Listener::Launch launch);
    void shutdown(net::signal_set& signals);
    template <class Fn>
    void for_each_thread(Fn fn);

  public:
    api::HttpApp& app;
    ServerOptions options;
    // Declared before pool: sessions still queued in an io_context at destruction use them.
    ConnectionRegistry registry;
    SessionContext context;
    std::unique_ptr<IoPool> pool;
    std::optional<net::ssl::context> tls;
    std::vector<std::shared_ptr<Listener>> listeners;

    std::mutex mutex;
    std::condition_variable stop_cv;
    bool stop_requested = false;
    bool started = false;
    bool ran = false;
};

tcp::endpoint HttpServer::Impl::resolve(const std::string& text) {
    EndpointSpec spec = parse_endpoint(text);
    boost::system::error_code ec;
    auto address = net::ip::make_address(spec.host, ec);
    if (!ec)
        return {address, spec.port};
    tcp::resolver resolver(pool->home().context());
    auto results =
        resolver.resolve(spec.host, std::to_string(spec.port), tcp::resolver::passive, ec);
    if (ec || results.empty()) {
        throw std::runtime_error("cannot resolve listen endpoint " + text + ": " +
                                 (ec ? ec.message() : std::string("no address")));
    }
    return results.begin()->endpoint();
}

void HttpServer::Impl::add_listener(const std::string& text, Listener::Launch launch) {
    listeners.push_back(std::make_shared<Listener>(*pool, resolve(text), text, registry,
                                                   options.max_connections, std::move(launch)));
}

void HttpServer::Impl::start() {
    if (started)
        return;
    if (options.listen.empty() && options.tls_listen.empty()) {
        throw std::runtime_error("no listen endpoints configured");
    }
    try {
        if (!options.tls_listen.empty()) {
            tls.emplace(make_server_tls_context(options.tls_cert_file, options.tls_key_file));
        }
        for (const auto& text : options.listen) {
            add_listener(text, [this](Socket&& socket, std::string remote, IoThread& thread,
                                      ConnectionRegistry::Slot slot) {
                launch_plain_session(std::move(socket), std::move(remote), thread, std::move(slot),
                                     context);
            });
        }
        for (const auto& text : options.tls_listen) {
            add_listener(text, [this](Socket&& socket, std::string remote, IoThread& thread,
                                      ConnectionRegistry::Slot slot) {
                launch_tls_session(std::move(socket), std::move(remote), thread, std::move(slot),
                                   *tls, context);
            });
        }
    } catch (...) {
        listeners.clear();  // closes what was already bound
        tls.reset();
        throw;
    }
    started = true;
    nlohmann::json bound = nlohmann::json::array();
    for (const auto& listener : listeners) {
        bound.push_back({{"listen", listener->name()}, {"port", listener->port()}});
    }
    log::info("listening", {{"endpoints", bound}, {"threads", thread_count()}});
}

void HttpServer::Impl::run() {
    start();
    {
        std::lock_guard lock(mutex);
        if (ran)
            throw std::logic_error("HttpServer::run() called twice");
        ran = true;
    }
    net::signal_set signals(pool->home().context(), SIGINT, SIGTERM);
    signals.async_wait([this](const boost::system::error_code& ec, int signal_number) {
        if (ec)
            return;
        log::info("signal received", {{"signal", signal_number}});
        request_stop();
    });
    for (auto& listener : listeners)
        listener->start();

    pool->start();
    {
        std::unique_lock lock(mutex);
        stop_cv.wait(lock, [this] { return stop_requested; });
    }
    shutdown(signals);
    pool->finish();
    log::info("stopped");
}

// Runs fn on each I/O thread, where that thread's sessions may be touched.
template <class Fn>
void HttpServer::Impl::for_each_thread(Fn fn) {
    for (size_t i = 0; i < pool->size(); ++i) {
        IoThread& thread = pool->at(i);
        net::post(thread.context(), [&thread, fn] { fn(thread); });
    }
}

// Stop accepting; idle connections close now, busy ones after their response; whatever is left
// after shutdown_grace is closed by force.
void HttpServer::Impl::shutdown(net::signal_set& signals) {
    net::post(signals.get_executor(), [&signals] {
        boost::system::error_code ec;
        signals.cancel(ec);
    });
    for (auto& listener : listeners)
        listener->stop();
    log::info("shutting down",
              {{"connections", registry.size()}, {"grace_s", options.shutdown_grace.count()}});
    registry.set_shutting_down();  // sessions opened from now on shut down at once
    for_each_thread([](IoThread& t) { t.sessions().begin_shutdown_all(); });
    auto now = std::chrono::steady_clock::now();
    if (registry.wait_empty_until(now + options.shutdown_grace))
        return;

    log::warn("shutdown grace expired, closing connections", {{"connections", registry.size()}});
    for_each_thread([](IoThread& t) { t.sessions().force_close_all(); });
    if (registry.wait_empty_until(std::chrono::steady_clock::now() + kForceCloseWait))
        return;
    log::error("connections still open after force close, stopping I/O",
               {{"connections", registry.size()}});
    pool->stop();
}

void HttpServer::Impl::request_stop() {
    std::lock_guard lock(mutex);
    stop_requested = true;
    stop_cv.notify_all();
}

HttpServer::HttpServer(api::HttpApp& app, ServerOptions options)
    : impl_(std::make_unique<Impl>(app, std::move(options))) {}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
    impl_->start();
}

std::vector<uint16_t> HttpServer::bound_ports() const {
    std::vector<uint16_t> ports;
    for (const auto& listener : impl_->listeners)
        ports.push_back(listener->port());
    return ports;
}

void HttpServer::run() {
    impl_->run();
}

void HttpServer::stop() {
    impl_->request_stop();
}

}  // namespace ferry::http
