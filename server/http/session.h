// The HTTP/1.1 side of one connection, shared by the plain and the TLS session. The derived class
// (CRTP) supplies only what differs: stream(), the TLS handshake, and how the connection ends.
// Internal to server/http; included by plain_session.cpp and tls_session.cpp only.
//
// One request at a time per connection: read header (header_timeout), optionally answer
// "100 Continue", read body (body_timeout), call the app synchronously, write (body_timeout),
// then wait for the next request (idle_timeout) or close. Pipelined requests simply wait in the
// buffer. Every step runs on the connection's strand and holds shared_from_this().
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "common/log.h"
#include "http/beast_message.h"
#include "http/connection_registry.h"
#include "http/error_response.h"
#include "http/io_errors.h"
#include "http/session_context.h"

namespace ferry::http {

template <class Derived>
class HttpSession : public SessionControl {
  public:
    void begin_shutdown() override {
        boost::asio::post(derived().stream().get_executor(),
                          boost::beast::bind_front_handler(&HttpSession::on_begin_shutdown,
                                                           derived().shared_from_this()));
    }

    void force_close() override {
        boost::asio::post(derived().stream().get_executor(),
                          boost::beast::bind_front_handler(&HttpSession::close_now,
                                                           derived().shared_from_this()));
    }

  protected:
    // `starting` covers the TLS handshake: no request yet, so shutdown may close at once.
    enum class State { starting, idle, reading_header, reading_body, handling, writing, closing };

    static constexpr size_t kReadChunk = 16 * 1024;
    static constexpr size_t kLingerBytes = 4 * 1024 * 1024;
    static constexpr std::chrono::seconds kLingerTime{2};

    HttpSession(const SessionContext& context, std::string remote)
        : context_(context), remote_(std::move(remote)) {}

    ~HttpSession() override {
        if (!opened_)
            return;
        try {
            context_.app.on_connection_close();
        } catch (const std::exception& e) {
            log::error("on_connection_close failed", {{"error", e.what()}});
        }
        context_.registry.remove(this);  // last: shutdown waits for it
    }

    // Right after make_shared, before any I/O: counts the connection and makes it reachable
    // for shutdown.
    void open() {
        opened_ = true;
        context_.app.on_connection_open();
        context_.registry.add(derived().shared_from_this());
    }

    // First request of the connection (after the TLS handshake): header_timeout applies.
    void start_requests() { do_read_header(); }

    const ServerOptions& options() const { return context_.options; }
    boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(derived().stream()); }
    const std::string& remote() const { return remote_; }

    State state_ = State::starting;

  private:
    Derived& derived() { return static_cast<Derived&>(*this); }

    template <class Fn>
    auto bind(Fn fn) {
        return boost::beast::bind_front_handler(fn, derived().shared_from_this());
    }

    // A kept-alive connection waits up to idle_timeout for the first byte of the next request.
    void do_read_request() {
        if (buffer_.size() > 0)
            return do_read_header();  // pipelined: already here
        state_ = State::idle;
        tcp().expires_after(options().idle_timeout);
        derived().stream().async_read_some(buffer_.prepare(kReadChunk),
                                           bind(&HttpSession::on_read_request));
    }

    void on_read_request(boost::beast::error_code ec, size_t bytes) {
        if (ec)
            return log_io_error("wait for request", ec, remote_);
        buffer_.commit(bytes);
        do_read_header();
    }

    void do_read_header() {
        state_ = State::reading_header;
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(
            std::min<size_t>(options().header_limit, std::numeric_limits<std::uint32_t>::max())));
        parser_->body_limit(options().body_limit);  // checked against Content-Length here too
        tcp().expires_after(options().header_timeout);
        boost::beast::http::async_read_header(derived().stream(), buffer_, *parser_,
                                              bind(&HttpSession::on_read_header));
    }

    void on_read_header(boost::beast::error_code ec, size_t) {
        if (ec)
            return on_read_error("read header", ec);
        if (parser_->is_done())
            return handle_request();
        if (expects_continue())
            return do_write_continue();
        do_read_body();
    }

    bool expects_continue() {
        auto expect = parser_->get()[boost::beast::http::field::expect];
        return boost::beast::iequals(expect, "100-continue");
    }

    void do_write_continue() {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        state_ = State::reading_body;
        tcp().expires_after(options().body_timeout);
        boost::asio::async_write(derived().stream(),
                                 boost::asio::buffer(kContinue.data(), kContinue.size()),
                                 bind(&HttpSession::on_write_continue));
    }

    void on_write_continue(boost::beast::error_code ec, size_t) {
        if (ec)
            return log_io_error("write 100-continue", ec, remote_);
        do_read_body();
    }

    void do_read_body() {
        state_ = State::reading_body;
        tcp().expires_after(options().body_timeout);
        boost::beast::http::async_read(derived().stream(), buffer_, *parser_,
                                       bind(&HttpSession::on_read_body));
    }

    void on_read_body(boost::beast::error_code ec, size_t) {
        if (ec)
            return on_read_error("read body", ec);
        handle_request();
    }

    void on_read_error(std::string_view what, boost::beast::error_code ec) {
        namespace bhttp = boost::beast::http;
        if (ec == bhttp::error::header_limit) {
            return send_error(
                431, "header_too_large",
                "request header exceeds " + std::to_string(options().header_limit) + " bytes");
        }
        if (ec == bhttp::error::body_limit) {
            return send_error(
                413, "body_too_large",
                "request body exceeds " + std::to_string(options().body_limit) + " bytes");
        }
        if (is_malformed_request(ec)) {
            return send_error(400, "bad_request", "malformed HTTP request: " + ec.message());
        }
        log_io_error(what, ec, remote_);  // nothing more to do: the session ends here
    }

    void handle_request() {
        state_ = State::handling;
        BeastRequest& beast_request = parser_->get();
        unsigned version = beast_request.version();
        bool head = beast_request.method() == boost::beast::http::verb::head;
        keep_alive_ = beast_request.keep_alive() && !context_.registry.shutting_down();
        api::HttpRequest request = to_api_request(parser_->release(), remote_, Derived::kTls);
        parser_.reset();
        try {
            response_ = context_.app.handle(request);
            if (wants_close(response_))
                keep_alive_ = false;
            response_out_.emplace(to_beast_response(response_, version, keep_alive_, head));
        } catch (const std::exception& e) {
            fail_request(request, e.what(), version, head);
        } catch (...) {
            fail_request(request, "unknown exception", version, head);
        }
        if (log::enabled(log::Level::debug)) {
            log::debug("request", {{"remote", remote_},
                                   {"method", request.method},
                                   {"target", request.target},
                                   {"status", response_.status}});
        }
        do_write();
    }

    void fail_request(const api::HttpRequest& request, const char* what, unsigned version,
                      bool head) {
        log::error("request handler failed", {{"remote", remote_},
                                              {"method", request.method},
                                              {"target", request.target},
                                              {"error", what}});
        response_ = error_response(500, "internal", "internal error");
        response_out_.emplace(to_beast_response(response_, version, keep_alive_, head));
    }

    // Limit and parse errors: reply, then close (lingering, so the reply is not lost to a reset
    // caused by unread request bytes).
    void send_error(int status, std::string_view code, const std::string& message) {
        log::debug("request rejected", {{"remote", remote_}, {"status", status}, {"code", code}});
        parser_.reset();
        close_after_write_ = true;
        keep_alive_ = false;
        response_ = error_response(status, code, message);
        response_out_.emplace(to_beast_response(response_, 11, false, false));
        do_write();
    }

    void do_write() {
        state_ = State::writing;
        tcp().expires_after(options().body_timeout);
        boost::beast::http::async_write(derived().stream(), *response_out_,
                                        bind(&HttpSession::on_write));
    }

    void on_write(boost::beast::error_code ec, size_t) {
        response_out_.reset();  // drop the view before the bytes it points into
        response_ = api::HttpResponse{};
        if (ec)
            return log_io_error("write", ec, remote_);
        if (close_after_write_)
            return do_linger();
        if (!keep_alive_ || stopping_ || context_.registry.shutting_down()) {
            state_ = State::closing;
            return derived().do_eof();
        }
        do_read_request();
    }

    void do_linger() {
        state_ = State::closing;
        derived().shutdown_send();
        linger_budget_ = kLingerBytes;
        tcp().expires_after(kLingerTime);
        do_linger_read();
    }

    void do_linger_read() {
        derived().stream().async_read_some(buffer_.prepare(kReadChunk),
                                           bind(&HttpSession::on_linger_read));
    }

    // Discards what the peer still sends until it closes, the time is up or the budget is spent.
    void on_linger_read(boost::beast::error_code ec, size_t bytes) {
        if (ec || bytes >= linger_budget_)
            return;
        linger_budget_ -= bytes;
        do_linger_read();
    }

    void on_begin_shutdown() {
        stopping_ = true;
        bool idle = state_ == State::starting || state_ == State::idle ||
                    (state_ == State::reading_header && !(parser_ && parser_->got_some()));
        if (idle)
            close_now();
    }

    void close_now() { tcp().close(); }

    SessionContext context_;
    std::string remote_;
    bool opened_ = false;
    bool stopping_ = false;
    bool keep_alive_ = false;
    bool close_after_write_ = false;
    size_t linger_budget_ = 0;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    api::HttpResponse response_;  // owns the bytes response_out_ points into
    std::optional<BeastResponse> response_out_;
};

}  // namespace ferry::http
