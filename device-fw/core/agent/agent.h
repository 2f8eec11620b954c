// The update agent: polls ferryd at the interval it is given (with jitter), takes offers,
// downloads the inactive slot in ranged chunks (resuming from the boot log after a reset),
// verifies, marks the image pending and asks for a reboot; confirms a trial image only after a
// check-in from it; reports every outcome with a reason code on the next poll; backs off with
// jitter on failures. One network exchange per step(), so the application keeps running.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "agent/device_api.h"
#include "agent/http_transport.h"
#include "agent/installer.h"
#include "boot/boot_log.h"
#include "boot/boot_select.h"
#include "ferry/port.h"

namespace ferry {

struct AgentConfig {
    DeviceIdentity identity;
    const BootConfig* boot;
    uint32_t first_poll_delay_ms = 0;
    uint32_t default_interval_s = 3600;  // until the server says otherwise
    uint32_t retry_min_s = 30;           // backoff after a failure: doubles up to retry_max_s,
    uint32_t retry_max_s = 3600;         // with +-25 % jitter
    bool range_in_query = false;         // ?r=a-b instead of the Range header
    uint32_t failures_before_report = 5;  // chunk failures in a row before reporting one
    // The application's self-test while on trial; the agent confirms only when it passes.
    bool (*self_test)(void* ctx) = nullptr;
    void* self_test_ctx = nullptr;
};

enum AgentStatus : int {
    kAgentWaiting = 0,   // nothing due yet
    kAgentWorked = 1,    // did one exchange
    kAgentReboot = 2,    // a new image is pending: reset now (the bootloader takes it from here)
};

class Agent {
public:
    // buffer: where chunks land before they are written (at least 1 KB; chunks are capped to it).
    Agent(const Port& port, BootLog& log, HttpTransport& http, const AgentConfig& cfg, uint8_t* buffer,
          size_t buffer_len);

    // Learns what runs: slot (from the bootloader hand-off) and its header. 0 or an error.
    int start(int running_slot, bool trial);
    // One step, when due. Returns an AgentStatus or a negative error (already handled: the
    // agent backs off by itself; the value is for logs).
    int step();
    // Milliseconds until the next step is due.
    uint32_t due_in_ms() const;

    bool downloading() const { return downloading_; }
    uint32_t last_interval_s() const { return interval_s_; }
    uint64_t counter() const { return counter_; }

private:
    int poll();
    int download_chunk();
    int take_offer(const PollAnswer& a);
    int next_counter(uint64_t* n);
    void schedule_in_s(uint32_t seconds, bool jitter);
    void back_off();
    void set_event(uint8_t event, uint32_t release, uint16_t reason, uint32_t progress = 0);
    uint32_t now() const { return port_.clock.millis(port_.clock.ctx); }

    Port port_;
    BootLog& log_;
    HttpTransport& http_;
    AgentConfig cfg_;
    Installer installer_;
    uint8_t* buf_;
    size_t buf_len_;

    int running_slot_ = 0;
    bool trial_ = false;
    proto::ImageHeader running_{};
    uint64_t counter_ = 0;

    uint32_t due_ms_ = 0;
    uint32_t interval_s_ = 0;
    uint32_t backoff_s_ = 0;
    bool reboot_after_poll_ = false;

    // An outcome to report on the next poll (the boot log holds the ones that must survive
    // a reset: confirm and rollback).
    uint8_t event_ = 0;
    uint32_t event_release_ = 0;
    uint16_t event_reason_ = 0;
    uint32_t event_progress_ = 0;

    bool downloading_ = false;
    PollAnswer offer_{};
    uint32_t chunk_failures_ = 0;
    // Range size now: halved after a failed chunk (a dropped chunk is paid for whole), grown
    // back after a run of good ones, never above the offer's or below kMinChunk.
    uint32_t chunk_ = 0;
    uint32_t chunk_successes_ = 0;
};

}  // namespace ferry
