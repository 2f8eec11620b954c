// The HTTP/1.1 side of one connection, shared by the plain and the TLS session. The derived class
// (CRTP) supplies only what differs: stream(), the TLS handshake, and how the connection ends.
// Internal to server/http; included by plain_session.cpp and tls_session.cpp only.
//
// One request at a time per connection: read header (header_timeout), optionally answer
// "100 Continue", read body (body_timeout), hand the request to the app, write its answer
// (body_timeout), then wait for the next request (idle_timeout) or close. Pipelined requests
// simply wait in the buffer. The app may answer at once or later from another thread; no
// timeout runs meanwhile. A session lives on one I/O thread: all its handlers run there, one at
// a time, and every step holds shared_from_this(). Each step only sets the session's deadline;
// the thread's sweep closes the connection once the deadline has passed.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include "common/log.h"
#include "http/connection_registry.h"
#include "http/error_response.h"
#include "http/io_errors.h"
#include "http/io_pool.h"
#include "http/request_parser.h"
#include "http/response_head.h"
#include "http/session_context.h"
#include "http/session_list.h"
#include "http/socket.h"

namespace ferry::http {

// Head and body of a response as one buffer sequence. Deliberately not a std::array: Asio's write
// loop special-cases two-element arrays and, once the first buffer is written, passes it on as an
// empty buffer, which Beast's TLS flat_stream takes for "nothing left to write". The generic loop
// drops buffers that are done.
struct HeadAndBody {
    using value_type = boost::asio::const_buffer;
    using const_iterator = const boost::asio::const_buffer*;
    std::array<boost::asio::const_buffer, 2> parts;
    const_iterator begin() const { return parts.data(); }
    const_iterator end() const { return parts.data() + parts.size(); }
};

template <class Derived>
class HttpSession : public SessionControl {
  public:
    void begin_shutdown() override {
        stopping_ = true;
        bool idle = state_ == State::starting || state_ == State::idle ||
                    (state_ == State::reading_header && !(parser_ && parser_->got_some()));
        if (idle)
            close_now();
    }

    void force_close() override { close_now(); }

    void on_deadline() override {
        timed_out_ = true;
        set_deadline(Clock::time_point::max());
        close_now();
    }

  protected:
    // `starting` covers the TLS handshake: no request yet, so shutdown may close at once.
    enum class State { starting, idle, reading_header, reading_body, handling, writing, closing };

    static constexpr size_t kReadChunk = 16 * 1024;
    static constexpr size_t kLingerBytes = 4 * 1024 * 1024;
    static constexpr std::chrono::seconds kLingerTime{2};

    HttpSession(const SessionContext& context, std::string remote, IoThread& thread,
                ConnectionRegistry::Slot slot)
        : slot_(std::move(slot)),
          context_(context),
          sessions_(thread.sessions()),
          executor_(thread.context().get_executor()),
          remote_(std::move(remote)) {}

    // Runs on the session's thread, which also destroys it.
    ~HttpSession() override {
        if (!opened_)
            return;
        sessions_.remove(this);
        try {
            context_.app.on_connection_close();
        } catch (const std::exception& e) {
            log::error("on_connection_close failed", {{"error", e.what()}});
        }
    }

    // On the session's thread, before any I/O: counts the connection and makes it reachable for
    // the deadline sweep and for shutdown.
    void open() {
        opened_ = true;
        sessions_.add(this);
        context_.app.on_connection_open();
        if (context_.registry.shutting_down())
            begin_shutdown();
    }

    // First request of the connection (after the TLS handshake): header_timeout applies.
    void start_requests() { do_read_header(); }

    const ServerOptions& options() const { return context_.options; }
    Socket& tcp() { return boost::beast::get_lowest_layer(derived().stream()); }
    const std::string& remote() const { return remote_; }

    // The current step must be done within `timeout`.
    void expire_in(Clock::duration timeout) { set_deadline(Clock::now() + timeout); }

    // What to log for a failed operation: a cancellation caused by the sweep was a timeout.
    boost::beast::error_code reported(boost::beast::error_code ec) const {
        return timed_out_ ? boost::beast::error::timeout : ec;
    }

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
        expire_in(options().idle_timeout);
        derived().stream().async_read_some(buffer_.prepare(kReadChunk),
                                           bind(&HttpSession::on_read_request));
    }

    void on_read_request(boost::beast::error_code ec, size_t bytes) {
        if (ec)
            return log_io_error("wait for request", reported(ec), remote_);
        buffer_.commit(bytes);
        do_read_header();
    }

    void do_read_header() {
        state_ = State::reading_header;
        parser_.emplace(options().header_limit, options().body_limit);
        expire_in(options().header_timeout);
        boost::beast::http::async_read_header(derived().stream(), buffer_, *parser_,
                                              bind(&HttpSession::on_read_header));
    }

    void on_read_header(boost::beast::error_code ec, size_t) {
        if (ec)
            return on_read_error("read header", ec);
        if (parser_->is_done())
            return handle_request();
        if (parser_->expects_continue())
            return do_write_continue();
        do_read_body();
    }

    void do_write_continue() {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        state_ = State::reading_body;
        expire_in(options().body_timeout);
        boost::asio::async_write(derived().stream(),
                                 boost::asio::buffer(kContinue.data(), kContinue.size()),
                                 bind(&HttpSession::on_write_continue));
    }

    void on_write_continue(boost::beast::error_code ec, size_t) {
        if (ec)
            return log_io_error("write 100-continue", reported(ec), remote_);
        do_read_body();
    }

    void do_read_body() {
        state_ = State::reading_body;
        expire_in(options().body_timeout);
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
        log_io_error(what, reported(ec), remote_);  // nothing more to do: the session ends here
    }

    // The app may answer at once or later from another thread (a poll answers from the store's
    // commit); either way the answer continues here, on this session's thread.
    void handle_request() {
        state_ = State::handling;
        set_deadline(Clock::time_point::max());  // the app takes the time it needs
        version_ = parser_->version();
        head_request_ = parser_->is_head();
        keep_alive_ = parser_->keep_alive() && !context_.registry.shutting_down();
        request_ = std::move(parser_->request());
        parser_.reset();
        request_.remote = remote_;
        request_.tls = Derived::kTls;
        try {
            context_.app.handle_async(request_, [self = derived().shared_from_this()](
                                                    api::HttpResponse response) mutable {
                auto& session = static_cast<HttpSession&>(*self);
                session.on_response(std::move(self), std::move(response));
            });
        } catch (const std::exception& e) {
            fail_request(e.what());
            start_write();
        } catch (...) {
            fail_request("unknown exception");
            start_write();
        }
    }

    // May run on any thread: only executor_ is touched before the hop to ours.
    void on_response(std::shared_ptr<Derived> self, api::HttpResponse response) {
        if (!executor_.running_in_this_thread()) {
            return boost::asio::post(
                executor_, [self = std::move(self), response = std::move(response)]() mutable {
                    static_cast<HttpSession&>(*self).send_response(std::move(response));
                });
        }
        send_response(std::move(response));
    }

    void send_response(api::HttpResponse response) {
        response_ = std::move(response);
        try {
            if (wants_close(response_))
                keep_alive_ = false;
            body_ = write_response_head(head_, response_, version_, keep_alive_, head_request_);
        } catch (const std::exception& e) {
            fail_request(e.what());
        }
        start_write();
    }

    void start_write() {
        if (log::enabled(log::Level::debug)) {
            log::debug("request", {{"remote", remote_},
                                   {"method", request_.method},
                                   {"target", request_.target},
                                   {"status", response_.status}});
        }
        do_write();
    }

    void fail_request(const char* what) {
        log::error("request handler failed", {{"remote", remote_},
                                              {"method", request_.method},
                                              {"target", request_.target},
                                              {"error", what}});
        response_ = error_response(500, "internal", "internal error");
        body_ = write_response_head(head_, response_, version_, keep_alive_, head_request_);
    }

    // Limit and parse errors: reply, then close (lingering, so the reply is not lost to a reset
    // caused by unread request bytes).
    void send_error(int status, std::string_view code, const std::string& message) {
        log::debug("request rejected", {{"remote", remote_}, {"status", status}, {"code", code}});
        parser_.reset();
        close_after_write_ = true;
        keep_alive_ = false;
        response_ = error_response(status, code, message);
        body_ = write_response_head(head_, response_, 11, false, false);
        do_write();
    }

    // Head and body in one gather write: one sendmsg for a small response.
    void do_write() {
        state_ = State::writing;
        expire_in(options().body_timeout);
        HeadAndBody buffers{
            {boost::asio::buffer(head_), boost::asio::buffer(body_.data(), body_.size())}};
        boost::asio::async_write(derived().stream(), buffers, bind(&HttpSession::on_write));
    }

    void on_write(boost::beast::error_code ec, size_t) {
        body_ = {};  // drop the view before the bytes it points into
        response_ = api::HttpResponse{};
        request_ = api::HttpRequest{};
        if (ec)
            return log_io_error("write", reported(ec), remote_);
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
        expire_in(kLingerTime);
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

    void close_now() {
        boost::beast::error_code ec;
        tcp().close(ec);
    }

    // First, so that it is released last: shutdown waits for every slot to come back.
    ConnectionRegistry::Slot slot_;
    SessionContext context_;
    SessionList& sessions_;
    boost::asio::io_context::executor_type executor_;  // the session's thread
    std::string remote_;
    bool opened_ = false;
    bool stopping_ = false;
    bool keep_alive_ = false;
    bool close_after_write_ = false;
    bool timed_out_ = false;
    size_t linger_budget_ = 0;
    boost::beast::flat_buffer buffer_;
    std::optional<RequestParser> parser_;
    // The request being answered: the app may refer to it until it has responded.
    api::HttpRequest request_;
    unsigned version_ = 11;
    bool head_request_ = false;
    api::HttpResponse response_;  // owns the bytes body_ points into
    std::string head_;            // reused: its capacity survives from one response to the next
    std::string_view body_;
};

}  // namespace ferry::http
