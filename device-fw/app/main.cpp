// Example application: a data-logger skeleton with the Ferry agent linked in. It drives the
// modem on a USART, polls ferryd, downloads updates into the other slot, confirms itself
// after its first successful check-in when on trial, feeds the watchdog, and reboots into a
// new image only when the logger says nothing would be lost ("reboot to update").
// Identity and server come from the configuration record (ferryctl device-config), so one
// signed image serves the whole fleet.
#include <stdint.h>

#include "agent/agent.h"
#include "boards/board.h"
#include "boot/boot_log.h"
#include "config/device_config.h"
#include "data_logger.h"
#include "ferry/errors.h"
#include "image/image_check.h"
#include "modem/at_engine.h"
#include "modem/telit.h"
#include "boot/trusted_keys.h"
#include "util/text_out.h"

extern "C" const char __ferry_slot_base[];  // the linker script: this build's slot

namespace {

using namespace ferry;

constexpr uint32_t kNetTimeoutMs = 120000;
constexpr uint32_t kBringUpRetryMs = 30000;

app::DataLogger g_logger;
uint8_t g_chunk[8192];  // where downloaded ranges land before they are written

bool logger_self_test(void*) { return g_logger.self_test(); }

void say(const char* a, const char* b = "", const char* c = "") {
    board::console_write(a);
    board::console_write(b);
    board::console_write(c);
    board::console_write("\r\n");
}

void say_num(const char* what, long v) {
    char line[64];
    TextOut out(line, sizeof line);
    out.put(what);
    if (v < 0)
        out.put_char('-').num(static_cast<uint64_t>(-v));
    else
        out.num(static_cast<uint64_t>(v));
    say(line);
}

// Without a configuration record the device still logs; it just cannot be updated.
[[noreturn]] void run_without_updates(const board::AppServices& sv) {
    for (;;) {
        sv.port.system.watchdog_kick(sv.port.system.ctx);
        g_logger.poll(sv.port.clock.millis(sv.port.clock.ctx));
        sv.port.clock.idle(sv.port.clock.ctx);
    }
}

}  // namespace

int main() {
    board::AppServices sv;
    const int flash_err = board::app_init(&sv);
    const Layout& layout = board::layout();
    const uint32_t base = reinterpret_cast<uint32_t>(__ferry_slot_base);
    const int slot = base == layout.slot_base[1] ? 1 : 0;

    proto::ImageHeader header{};
    image_read_header(sv.port.flash, base, &header);
    char banner[96];
    TextOut b(banner, sizeof banner);
    b.put("ferry-app ").num(header.ih_version.major).put_char('.').num(header.ih_version.minor).put_char('.');
    b.num(header.ih_version.patch).put(" slot ").put_char(slot ? 'B' : 'A').put(" on ").put(board::name()).put("\r\n");
    board::announce(banner);
    say("clock: ", sv.clock_note);
    say("reset cause: ", sv.reset_cause);
    if (flash_err) {
        say_num("flash unavailable: ", flash_err);
        run_without_updates(sv);
    }

    DeviceConfig cfg;
    const int cfg_err = device_config_read(sv.port.flash, layout.config_addr, &cfg);
    if (cfg_err) {
        say_num("no device configuration record, updates off: ", cfg_err);
        run_without_updates(sv);
    }
    say("device ", cfg.identity.device_id, cfg.transport == proto::ModemTransport::kSockets ? " (sockets)" : " (modem HTTP)");

    static BootLog log;
    if (log.open(sv.port.flash, layout) != FERRY_OK) {
        say("boot log unreadable, updates off");
        run_without_updates(sv);
    }
    const bool trial = log.state().pending && log.state().pending_slot == slot;
    if (trial)
        say("on trial: confirming after the first check-in");

    static TrustedKey keys[kReleaseKeyCount];
    load_trusted_keys(keys);
    static const BootConfig boot{&layout, keys, kReleaseKeyCount};
    AgentConfig acfg;
    acfg.identity = cfg.identity;
    acfg.boot = &boot;
    acfg.default_interval_s = cfg.default_interval_s;
    acfg.range_in_query = cfg.range_mode == proto::RangeMode::kQuery;
    acfg.retry_min_s = 5;
    acfg.retry_max_s = 600;
    acfg.self_test = logger_self_test;

    static AtEngine at(sv.port.serial, sv.port.clock);
    static TelitHttpClient http(at, cfg.server_host, cfg.server_port, kNetTimeoutMs);
    static TelitSocketClient sockets(at, cfg.server_host, cfg.server_port, kNetTimeoutMs);
    HttpTransport& transport = cfg.transport == proto::ModemTransport::kSockets
                                   ? static_cast<HttpTransport&>(sockets)
                                   : static_cast<HttpTransport&>(http);
    at.set_urc_handler([](void* ctx, const char* line) { static_cast<TelitSocketClient*>(ctx)->on_urc(line); },
                       &sockets);
    static Agent agent(sv.port, log, transport, acfg, g_chunk, sizeof g_chunk);

    const ClockPort& clock = sv.port.clock;
    bool modem_up = false;
    bool agent_started = false;
    uint32_t next_bring_up = clock.millis(clock.ctx);
    for (;;) {
        sv.port.system.watchdog_kick(sv.port.system.ctx);
        const uint32_t now = clock.millis(clock.ctx);
        g_logger.poll(now);
        if (!modem_up) {
            if (static_cast<int32_t>(now - next_bring_up) >= 0) {
                const ModemConfig mcfg{cfg.apn, 180000, 150000};
                ModemInfo info;
                const int err = telit_bring_up(at, clock, mcfg, &info);
                if (err == FERRY_OK) {
                    modem_up = true;
                    say("modem up, IMEI ", info.imei);
                    if (!agent_started) {
                        agent.start(slot, trial);
                        agent_started = true;
                    }
                } else {
                    say_num("modem bring-up failed, retrying: ", err);
                    next_bring_up = clock.millis(clock.ctx) + kBringUpRetryMs;
                }
            }
        } else {
            const int r = agent.step();
            if (r == kAgentReboot) {
                // Reboot to update: only once the logger has nothing in flight.
                g_logger.flush();
                if (g_logger.ready_for_reboot()) {
                    say("update ready: rebooting into it");
                    board::reset();
                }
            } else if (r < 0) {
                say_num("agent step failed (it backs off): ", r);
            }
        }
        if (agent.due_in_ms() > 0)
            clock.idle(clock.ctx);
    }
}
