// Everything that is not the HTTP client or sockets: echo and result format, UART settings,
// identity (IMEI, ICCID), registration, signal quality, PDP context definition and activation.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "at_parser.h"
#include "command_io.h"
#include "link_model.h"
#include "modem_state.h"
#include "options.h"
#include "scheduler.h"
#include "stats.h"

namespace telit_sim {

class GeneralCommands {
  public:
    GeneralCommands(Scheduler& sched, LinkModel& link, Stats& stats, ModemState& state,
                    const Options& options, std::function<void()> on_context_down);
    ~GeneralCommands();

    // Runs cmd; unknown commands answer ERROR.
    void execute(const AtCommand& cmd, CommandIo& io);
    bool busy() const { return activating_; }

  private:
    void registration(const AtCommand& cmd, CommandIo& io, const char* name, int& n);
    void context_definition(const AtCommand& cmd, CommandIo& io);
    void activation(const AtCommand& cmd, CommandIo& io);
    std::string registration_line(const char* name, int n);

    Scheduler& sched_;
    LinkModel& link_;
    Stats& stats_;
    ModemState& state_;
    const Options& options_;
    std::function<void()> on_context_down_;
    bool activating_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace telit_sim
