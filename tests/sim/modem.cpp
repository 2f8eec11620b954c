#include "modem.h"

#include <boost/asio/post.hpp>

#include "log.h"

namespace telit_sim {
namespace {

std::string printable(std::string_view s, std::size_t max = 120) {
    std::string out;
    for (char c : s.substr(0, max)) {
        if (c == '\r') {
            out += "\\r";
        } else if (c == '\n') {
            out += "\\n";
        } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
            out += buf;
        } else {
            out.push_back(c);
        }
    }
    if (s.size() > max)
        out += "...(" + std::to_string(s.size()) + " bytes)";
    return out;
}

constexpr char kCtrlZ = 0x1a;
constexpr char kEsc = 0x1b;
constexpr char kBackspace = 0x08;

}  // namespace

namespace cme {
const char* text(int code) {
    switch (code) {
        case kOperationNotAllowed:
            return "operation not allowed";
        case kOperationNotSupported:
            return "operation not supported";
        case kNoNetworkService:
            return "no network service";
        case kUnknown:
            return "unknown";
        case kGenericUndocumented:
            return "generic undocumented error";
        case kWrongState:
            return "wrong state";
        case kContextAlreadyActivated:
            return "context already activated";
        case kActivationFailed:
            return "activation failed";
        case kContextNotOpened:
            return "context not opened";
        case kCannotResolveDn:
            return "can not resolve DN";
        case kTimeoutOpeningSocket:
            return "time-out in opening socket";
        case kCannotOpenSocket:
            return "can not open socket";
        case kRemoteDisconnected:
            return "remote disconnected or time-out";
        case kConnectionFailed:
            return "connection failed";
        case kTxError:
            return "tx error";
        default:
            return nullptr;
    }
}
}  // namespace cme

Modem::Modem(boost::asio::io_context& io, Scheduler& sched, Uart& uart, LinkModel& link,
             Upstream& upstream, Random& random, Stats& stats, const Options& options)
    : io_(io),
      sched_(sched),
      uart_(uart),
      random_(random),
      stats_(stats),
      options_(options),
      http_(sched, link, upstream, random, options.faults, stats, state_,
            [this](std::string line) { urc(line); }),
      sockets_(sched, link, upstream, random, options.faults, stats, state_, options.ssend_max,
               [this](std::string line) { urc(line); }),
      general_(sched, link, stats, state_, options, [this] {
          http_.reset();
          sockets_.reset();
      }) {
    state_.searching_queries_left = options.reg_queries;
    state_.baud = options.baud;
}

bool Modem::quiescent() const {
    return !busy_ && !in_payload_ && input_.empty() && uart_.tx_idle() && !http_.busy() &&
           !sockets_.busy() && !general_.busy();
}

void Modem::on_rx(const uint8_t* data, std::size_t len, double t_first) {
    log(3, "rx %s", printable(std::string_view(reinterpret_cast<const char*>(data), len)).c_str());
    const bool starts_command = !busy_ && !in_payload_ && input_.empty() && line_length_ == 0 &&
                                len > 0 && data[0] != '\r' && data[0] != '\n';
    if (starts_command && (last_final_sent_ >= 0 || finals_in_flight_ > 0)) {
        const double gap = (t_first - last_final_sent_) / sched_.time_scale();
        if (finals_in_flight_ > 0 || gap < kCommandGapS) {
            ++stats_.gap_violations;
            log(1, "command %.1f ms after the previous final result (< 20 ms)", gap * 1000);
        }
    }
    input_.append(reinterpret_cast<const char*>(data), len);
    process();
}

void Modem::schedule_process() {
    if (process_posted_)
        return;
    process_posted_ = true;
    boost::asio::post(io_, [this] {
        process_posted_ = false;
        process();
    });
}

void Modem::process() {
    std::size_t i = 0;
    while (i < input_.size()) {
        if (in_payload_) {
            if (payload_spec_.exact > 0) {
                const std::size_t take =
                    std::min(payload_spec_.exact - payload_.size(), input_.size() - i);
                payload_.append(input_, i, take);
                i += take;
                if (payload_.size() < payload_spec_.exact)
                    continue;
                in_payload_ = false;
                input_.erase(0, i);
                i = 0;
                auto done = std::move(payload_done_);
                done(std::move(payload_), false);
                continue;
            }
            const char c = input_[i++];
            if (c == kCtrlZ || c == kEsc || payload_.size() >= payload_spec_.max) {
                in_payload_ = false;
                input_.erase(0, i);
                i = 0;
                auto done = std::move(payload_done_);
                done(std::move(payload_), c != kCtrlZ);
                continue;
            }
            payload_.push_back(c);
            continue;
        }
        if (busy_)
            break;
        const char c = input_[i++];
        command_byte(c);
        if (c == '\r') {
            // The line ran (and may have taken the bytes after it as a payload).
            input_.erase(0, i);
            i = 0;
        }
    }
    input_.erase(0, i);
    flush_echo();
}

void Modem::command_byte(char c) {
    if (c == '\n')
        return;  // line feeds are not part of a command line
    if (c == '\r') {
        if (state_.echo)
            echo_.push_back(c);
        const std::string line = line_;
        const bool too_long = line_length_ > kMaxCommandLine;
        line_.clear();
        line_length_ = 0;
        flush_echo();
        if (!line.empty())
            execute_line(line, too_long);
        return;
    }
    if (c == kBackspace) {
        if (!line_.empty())
            line_.pop_back();
        if (line_length_ > 0)
            --line_length_;
        if (state_.echo)
            echo_.push_back(c);
        return;
    }
    if (line_length_ == 0 && (c == ' ' || static_cast<unsigned char>(c) < 0x20))
        return;
    ++line_length_;
    if (line_.size() <= kMaxCommandLine)
        line_.push_back(c);
    if (state_.echo)
        echo_.push_back(c);
}

void Modem::flush_echo() {
    if (echo_.empty())
        return;
    uart_.send(echo_);
    echo_.clear();
}

void Modem::execute_line(const std::string& line, bool too_long) {
    ++stats_.commands;
    busy_ = true;
    if (too_long) {
        ++stats_.line_too_long;
        log(1, "command line over %zu characters: ERROR", kMaxCommandLine);
        send_final("\r\nERROR\r\n");
        return;
    }
    log(2, "<- %s", printable(line, 400).c_str());
    current_ = parse_at_line(line);
    if (current_.error == AtParseError::not_at) {
        // A modem hunts for the "AT" prefix and ignores anything else on the line, so text a
        // host prints on a shared UART (a version banner) costs nothing and gets no answer.
        ++stats_.ignored_lines;
        log(1, "ignored a line without AT prefix: %s", printable(line, 80).c_str());
        busy_ = false;
        current_ = AtLine{};
        schedule_process();
        return;
    }
    if (!current_.ok()) {
        log(2, "   %s: ERROR", to_string(current_.error));
        send_final("\r\nERROR\r\n");
        return;
    }
    current_index_ = 0;
    run_current();
}

void Modem::run_current() {
    while (busy_ && current_index_ < current_.commands.size()) {
        const AtCommand& cmd = current_.commands[current_index_];
        if (auto code = cme_fault_code(cmd)) {
            stats_.fault(kFaultCme);
            log(1, "fault: +CME ERROR: %d on AT%s", *code, cmd.name.c_str());
            send_final(error_text(Outcome::cme(*code)));
            return;
        }
        in_dispatch_ = true;
        finished_sync_ = false;
        dispatch(cmd);
        in_dispatch_ = false;
        if (!finished_sync_)
            return;  // the handler finishes later
        if (sync_outcome_.kind != Outcome::Kind::ok) {
            send_final(error_text(sync_outcome_));
            return;
        }
        ++current_index_;
    }
    if (busy_)
        send_final("\r\nOK\r\n");
}

void Modem::dispatch(const AtCommand& cmd) {
    if (http_.handles(cmd.name)) {
        http_.execute(cmd, *this);
    } else if (sockets_.handles(cmd.name)) {
        sockets_.execute(cmd, *this);
    } else {
        general_.execute(cmd, *this);
    }
}

std::optional<int> Modem::cme_fault_code(const AtCommand& cmd) {
    // Commands that touch the network or the SIM; configuration and echo never fail this way.
    static const char* const kNever[] = {"",         "+CMEE", "+IFC",     "+IPR",   "+CGDCONT",
                                         "#HTTPCFG", "#SCFG", "#SCFGEXT", "#SELINT"};
    if (!cmd.extended() || cmd.type == AtCommand::Type::test)
        return std::nullopt;
    for (const char* n : kNever) {
        if (cmd.name == n)
            return std::nullopt;
    }
    if (!random_.chance(options_.faults.cme))
        return std::nullopt;
    auto pick = [&](std::initializer_list<int> codes) {
        return *(codes.begin() + random_.below(codes.size()));
    };
    const std::string& n = cmd.name;
    if (n == "#SD")
        return pick({cme::kTimeoutOpeningSocket, cme::kCannotOpenSocket, cme::kConnectionFailed,
                     cme::kCannotResolveDn});
    if (n == "#SSENDEXT" || n == "#SSEND")
        return pick({cme::kTxError, cme::kWrongState});
    if (n == "#SRECV")
        return pick({cme::kWrongState, cme::kRemoteDisconnected});
    if (n == "#HTTPQRY" || n == "#HTTPSND") {
        return pick({cme::kGenericUndocumented, cme::kCannotResolveDn, cme::kWrongState});
    }
    if (n == "#HTTPRCV")
        return pick({cme::kWrongState, cme::kGenericUndocumented});
    if (n == "#SGACT")
        return pick({cme::kActivationFailed, cme::kGenericUndocumented});
    return cme::kUnknown;
}

std::string Modem::error_text(const Outcome& outcome) const {
    if (outcome.kind == Outcome::Kind::cme && state_.cmee == 1) {
        return "\r\n+CME ERROR: " + std::to_string(outcome.code) + "\r\n";
    }
    if (outcome.kind == Outcome::Kind::cme && state_.cmee == 2) {
        const char* t = cme::text(outcome.code);
        return "\r\n+CME ERROR: " + (t ? std::string(t) : std::to_string(outcome.code)) + "\r\n";
    }
    return "\r\nERROR\r\n";
}

void Modem::finish(Outcome outcome) {
    if (!busy_) {
        log(0, "internal: finish() without a command in progress");
        return;
    }
    if (in_dispatch_) {
        finished_sync_ = true;
        sync_outcome_ = outcome;
        return;
    }
    if (outcome.kind != Outcome::Kind::ok) {
        send_final(error_text(outcome));
        return;
    }
    ++current_index_;
    run_current();
}

void Modem::send_final(const std::string& text) {
    maybe_inject_urc();
    log(2, "-> %s", printable(text).c_str());
    ++finals_in_flight_;
    uart_.send(text, [this](double t) {
        last_final_sent_ = t;
        --finals_in_flight_;
        if (state_.pending_baud) {
            log(1, "UART now at %u baud", state_.pending_baud);
            uart_.set_baud(state_.pending_baud);
            state_.baud = state_.pending_baud;
            state_.pending_baud = 0;
        }
    });
    busy_ = false;
    current_ = AtLine{};
    schedule_process();
}

void Modem::maybe_inject_urc() {
    if (!busy_ || !random_.chance(options_.faults.urc))
        return;
    stats_.fault(kFaultUrc);
    std::string line = random_.chance(0.5) ? "+CEREG: 1" : "+CREG: 1";
    if (const int s = sockets_.socket_with_data(); s && random_.chance(0.5)) {
        line = "SRING: " + std::to_string(s);
    }
    log(2, "fault: URC %s slipped into a response", line.c_str());
    uart_.send("\r\n" + line + "\r\n");
}

void Modem::info(std::string_view line) {
    maybe_inject_urc();
    log(2, "-> %s", printable(line).c_str());
    std::string out = "\r\n";
    out.append(line);
    out += "\r\n";
    uart_.send(out);
}

void Modem::raw(std::string bytes) {
    maybe_inject_urc();
    log(2, "-> %s", printable(bytes, 40).c_str());
    uart_.send(bytes);
}

void Modem::prompt(std::string_view prompt, PayloadSpec spec,
                   std::function<void(std::string, bool)> got) {
    maybe_inject_urc();
    std::string out = "\r\n";
    out.append(prompt);
    uart_.send(out);
    in_payload_ = true;
    payload_spec_ = spec;
    payload_.clear();
    payload_done_ = std::move(got);
    // Payload bytes may already be waiting.
    schedule_process();
}

void Modem::urc(std::string_view line) {
    log(2, "-> URC %s", printable(line).c_str());
    std::string out = "\r\n";
    out.append(line);
    out += "\r\n";
    uart_.send(out);
}

}  // namespace telit_sim
