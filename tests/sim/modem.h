// The modem's command interpreter: reads the device's bytes as command lines (echo, 400-character
// limit, the 20 ms gap after a final result), runs one command line at a time through the command
// handlers, collects payloads after a prompt, and writes responses and URCs to the UART without
// ever putting anything inside a binary payload.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "at_parser.h"
#include "command_io.h"
#include "faults.h"
#include "general_commands.h"
#include "http_client_emulation.h"
#include "link_model.h"
#include "modem_state.h"
#include "options.h"
#include "scheduler.h"
#include "socket_emulation.h"
#include "stats.h"
#include "uart.h"
#include "upstream.h"

namespace telit_sim {

// A device should wait this long after a final result before the next command.
inline constexpr double kCommandGapS = 0.020;

class Modem : public CommandIo {
  public:
    Modem(boost::asio::io_context& io, Scheduler& sched, Uart& uart, LinkModel& link,
          Upstream& upstream, Random& random, Stats& stats, const Options& options);

    // Bytes from the device (after the UART's transfer time); t_first is when they started.
    void on_rx(const uint8_t* data, std::size_t len, double t_first);
    // Nothing to do: no command running, no input waiting, nothing left to send.
    bool quiescent() const;

    // CommandIo
    void info(std::string_view line) override;
    void raw(std::string bytes) override;
    void prompt(std::string_view prompt, PayloadSpec spec,
                std::function<void(std::string, bool)> got) override;
    void finish(Outcome outcome) override;
    void urc(std::string_view line) override;

  private:
    void process();
    void schedule_process();
    void command_byte(char c);
    void payload_byte(char c);
    void flush_echo();
    void execute_line(const std::string& line, bool too_long);
    void run_current();
    void dispatch(const AtCommand& cmd);
    std::optional<int> cme_fault_code(const AtCommand& cmd);
    void maybe_inject_urc();
    void send_final(const std::string& text);
    std::string error_text(const Outcome& outcome) const;

    boost::asio::io_context& io_;
    Scheduler& sched_;
    Uart& uart_;
    Random& random_;
    Stats& stats_;
    const Options& options_;
    ModemState state_;
    HttpClientEmulation http_;
    SocketEmulation sockets_;
    GeneralCommands general_;

    std::string input_;  // received, not yet interpreted
    std::string line_;
    std::size_t line_length_ = 0;  // characters typed (line_ stops growing past the limit)
    std::string echo_;
    double last_final_sent_ = -1;  // simulated time the last final result left the modem
    bool process_posted_ = false;

    // The command line being executed.
    bool busy_ = false;
    AtLine current_;
    std::size_t current_index_ = 0;
    bool in_dispatch_ = false;    // a handler is running synchronously
    bool finished_sync_ = false;  // ... and it called finish()
    Outcome sync_outcome_;
    int finals_in_flight_ = 0;  // final results queued, not yet written

    // Payload after a prompt.
    bool in_payload_ = false;
    PayloadSpec payload_spec_;
    std::string payload_;
    std::function<void(std::string, bool)> payload_done_;
};

}  // namespace telit_sim
