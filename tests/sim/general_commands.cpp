#include "general_commands.h"

#include <algorithm>
#include <array>

#include "log.h"

namespace telit_sim {
namespace {

constexpr std::array<uint32_t, 12> kBaudRates = {300,   1200,  2400,   4800,   9600,   19200,
                                                 38400, 57600, 115200, 230400, 460800, 921600};

using Type = AtCommand::Type;

}  // namespace

GeneralCommands::GeneralCommands(Scheduler& sched, LinkModel& link, Stats& stats, ModemState& state,
                                 const Options& options, std::function<void()> on_context_down)
    : sched_(sched),
      link_(link),
      stats_(stats),
      state_(state),
      options_(options),
      on_context_down_(std::move(on_context_down)) {}

GeneralCommands::~GeneralCommands() {
    *alive_ = false;
}

void GeneralCommands::execute(const AtCommand& cmd, CommandIo& io) {
    const std::string& n = cmd.name;
    const Type t = cmd.type;
    auto ok = [&] { io.finish(Outcome::ok()); };
    auto error = [&] { io.finish(Outcome::error()); };
    auto reply = [&](const std::string& line) {
        io.info(line);
        ok();
    };

    // ---- basic commands ----
    if (n.empty())
        return ok();
    if (n == "E" || n == "V" || n == "Q") {
        const uint64_t v = t == Type::set ? cmd.args[0].number : 0;
        if (v > 1)
            return error();
        if (n == "E")
            state_.echo = v == 1;
        if (n == "V" && v != 1)
            return error();  // numeric result codes are not modelled
        if (n == "Q" && v != 0)
            return error();
        return ok();
    }
    if (n == "Z" || n == "&F") {
        state_.echo = true;
        state_.cmee = 0;
        return ok();
    }
    if (n == "&W" || n == "&D" || n == "&C" || n == "X")
        return ok();
    if (n == "&K") {
        const uint64_t v = t == Type::set ? cmd.args[0].number : 0;
        if (v > 6)
            return error();
        state_.flow_control = static_cast<int>(v);
        return ok();
    }
    if (n == "I")
        return reply(options_.model);
    if (n.size() > 1 && n[0] == 'S' && n != "S") {
        if (t == Type::read) {
            const int reg = std::stoi(n.substr(1));
            const int v = reg == 3 ? 13 : reg == 4 ? 10 : reg == 5 ? 8 : 0;
            char buf[8];
            std::snprintf(buf, sizeof buf, "%03d", v);
            return reply(buf);
        }
        return ok();
    }

    // ---- configuration ----
    if (n == "+CMEE") {
        if (t == Type::read)
            return reply("+CMEE: " + std::to_string(state_.cmee));
        if (t == Type::test)
            return reply("+CMEE: (0-2)");
        auto v = cmd.number(0, 0, 2);
        if (t != Type::set || !v)
            return error();
        state_.cmee = static_cast<int>(*v);
        return ok();
    }
    if (n == "+IFC") {
        if (t == Type::read) {
            const int v = state_.flow_control == 3 ? 2 : 0;
            return reply("+IFC: " + std::to_string(v) + "," + std::to_string(v));
        }
        if (t == Type::test)
            return reply("+IFC: (0,2),(0,2)");
        auto a = cmd.number(0, 0, 2);
        auto b = cmd.number(1, 0, 2);
        if (t != Type::set || !a || !b)
            return error();
        state_.flow_control = *a == 2 ? 3 : 0;
        return ok();
    }
    if (n == "+IPR") {
        if (t == Type::read) {
            const uint32_t b = state_.pending_baud ? state_.pending_baud : state_.baud;
            return reply("+IPR: " + std::to_string(b));
        }
        if (t == Type::test)
            return reply(
                "+IPR: (0,300,1200,2400,4800,9600,19200,38400,57600,"
                "115200,230400,460800,921600)");
        auto v = cmd.number(0, 0, 4000000);
        if (t != Type::set || !v)
            return error();
        if (*v != 0 && std::find(kBaudRates.begin(), kBaudRates.end(), static_cast<uint32_t>(*v)) ==
                           kBaudRates.end()) {
            return error();
        }
        if (*v != 0)
            state_.pending_baud = static_cast<uint32_t>(*v);
        return ok();
    }
    if (n == "#SELINT") {
        if (t == Type::read)
            return reply("#SELINT: 2");
        return ok();
    }

    // ---- identity ----
    if (n == "+CGSN" || n == "+GSN") {
        if (t == Type::test)
            return ok();
        return reply(options_.imei);
    }
    if (n == "#CGSN") {
        if (t == Type::test)
            return ok();
        return reply("#CGSN: " + options_.imei);
    }
    if (n == "#CCID" || n == "+CCID" || n == "+ICCID") {
        if (t == Type::test)
            return ok();
        return reply(n + ": " + options_.iccid);
    }
    if (n == "+CIMI")
        return reply(options_.imsi);
    if (n == "+CGMI" || n == "+GMI")
        return reply("Telit");
    if (n == "+CGMM" || n == "+GMM")
        return reply(options_.model);
    if (n == "+CGMR" || n == "+GMR")
        return reply("M0B.660010 (telit-sim)");
    if (n == "+CPIN") {
        if (t == Type::read)
            return reply("+CPIN: READY");
        return error();
    }
    if (n == "+CFUN") {
        if (t == Type::read)
            return reply("+CFUN: 1");
        if (t == Type::test)
            return reply("+CFUN: (0,1,4,5),(0,1)");
        return ok();
    }

    // ---- network ----
    if (n == "+CREG")
        return registration(cmd, io, "+CREG", state_.creg_n);
    if (n == "+CGREG")
        return registration(cmd, io, "+CGREG", state_.cgreg_n);
    if (n == "+CEREG")
        return registration(cmd, io, "+CEREG", state_.cereg_n);
    if (n == "+CSQ") {
        if (t == Type::test)
            return reply("+CSQ: (0-31,99),(0-7,99)");
        return reply("+CSQ: 18,99");
    }
    if (n == "+COPS") {
        if (t == Type::read) {
            if (!state_.registered())
                return reply("+COPS: 0");
            return reply("+COPS: 0,0,\"Ferry Sim\"," + std::to_string(link_.profile().cops_act));
        }
        return ok();
    }
    if (n == "+CGATT") {
        if (t == Type::read)
            return reply(std::string("+CGATT: ") + (state_.registered() ? "1" : "0"));
        return ok();
    }
    if (n == "+CGDCONT")
        return context_definition(cmd, io);
    if (n == "+CGPADDR") {
        for (const auto& [cid, ctx] : state_.contexts) {
            io.info("+CGPADDR: " + std::to_string(cid) + ",\"" + (ctx.active ? state_.ip : "") +
                    "\"");
        }
        return ok();
    }
    if (n == "#SGACT")
        return activation(cmd, io);
    error();
}

std::string GeneralCommands::registration_line(const char* name, int n) {
    const int stat = state_.registered() ? 1 : 2;
    std::string line = std::string(name) + ": " + std::to_string(n) + "," + std::to_string(stat);
    if (n >= 2 && stat == 1) {
        line += ",\"1A2B\",\"01A2D101\"," + std::to_string(link_.profile().cops_act);
    }
    return line;
}

void GeneralCommands::registration(const AtCommand& cmd, CommandIo& io, const char* name, int& n) {
    if (cmd.type == Type::read) {
        io.info(registration_line(name, n));
        if (state_.searching_queries_left > 0)
            --state_.searching_queries_left;
        return io.finish(Outcome::ok());
    }
    if (cmd.type == Type::test) {
        io.info(std::string(name) + ": (0-2)");
        return io.finish(Outcome::ok());
    }
    auto v = cmd.number(0, 0, 5);
    if (cmd.type != Type::set || !v)
        return io.finish(Outcome::error());
    n = static_cast<int>(*v);
    io.finish(Outcome::ok());
}

void GeneralCommands::context_definition(const AtCommand& cmd, CommandIo& io) {
    if (cmd.type == Type::read) {
        for (const auto& [cid, ctx] : state_.contexts) {
            io.info("+CGDCONT: " + std::to_string(cid) + ",\"" + ctx.type + "\",\"" + ctx.apn +
                    "\",\"\",0,0");
        }
        return io.finish(Outcome::ok());
    }
    if (cmd.type == Type::test) {
        io.info("+CGDCONT: (1-6),\"IP\",,,(0-2),(0-4)");
        return io.finish(Outcome::ok());
    }
    auto cid = cmd.number(0, 1, 6);
    if (cmd.type != Type::set || !cid)
        return io.finish(Outcome::error());
    const int c = static_cast<int>(*cid);
    if (cmd.args.size() == 1) {  // undefine
        if (state_.context_active(c))
            return io.finish(Outcome::cme(cme::kOperationNotAllowed));
        state_.contexts.erase(c);
        return io.finish(Outcome::ok());
    }
    auto type = cmd.string(1);
    if (!type || (*type != "IP" && *type != "IPV6" && *type != "IPV4V6")) {
        return io.finish(Outcome::error());
    }
    std::string apn;
    if (cmd.args.size() > 2 && !cmd.args[2].is_empty()) {
        auto a = cmd.string(2);
        if (!a)
            return io.finish(Outcome::error());
        apn = *a;
    }
    if (state_.context_active(c))
        return io.finish(Outcome::cme(cme::kOperationNotAllowed));
    state_.contexts[c].type = *type;
    state_.contexts[c].apn = apn;
    io.finish(Outcome::ok());
}

void GeneralCommands::activation(const AtCommand& cmd, CommandIo& io) {
    if (cmd.type == Type::read) {
        for (const auto& [cid, ctx] : state_.contexts) {
            io.info("#SGACT: " + std::to_string(cid) + "," + (ctx.active ? "1" : "0"));
        }
        return io.finish(Outcome::ok());
    }
    if (cmd.type == Type::test) {
        io.info("#SGACT: (1-6),(0,1)");
        return io.finish(Outcome::ok());
    }
    auto cid = cmd.number(0, 1, 6);
    auto on = cmd.number(1, 0, 1);
    if (cmd.type != Type::set || !cid || !on || cmd.args.size() > 4) {
        return io.finish(Outcome::error());
    }
    const int c = static_cast<int>(*cid);
    auto it = state_.contexts.find(c);
    if (it == state_.contexts.end())
        return io.finish(Outcome::cme(cme::kActivationFailed));
    if (*on == 0) {
        if (it->second.active) {
            it->second.active = false;
            state_.ip.clear();
            on_context_down_();
        }
        return io.finish(Outcome::ok());
    }
    if (it->second.active) {
        return io.finish(Outcome::cme(options_.cme_already_active));
    }
    if (!state_.registered()) {
        log(1, "#SGACT before registration: activation failed");
        return io.finish(Outcome::cme(cme::kActivationFailed));
    }
    // PDP activation: signalling of about two round trips, or --slow-sgact.
    double delay = 2 * link_.rtt();
    if (options_.faults.slow_sgact_s >= 0) {
        delay = options_.faults.slow_sgact_s;
        stats_.fault(kFaultSlowSgact);
        log(1, "fault: #SGACT takes %.1f s", delay);
    }
    const double t0 = sched_.now();
    link_.mark_active(t0, t0 + delay);
    activating_ = true;
    sched_.after(delay, [this, c, &io, alive = alive_] {
        if (!*alive)
            return;
        activating_ = false;
        state_.contexts[c].active = true;
        state_.ip = options_.ip;
        io.info("#SGACT: " + state_.ip);
        io.finish(Outcome::ok());
    });
}

}  // namespace telit_sim
