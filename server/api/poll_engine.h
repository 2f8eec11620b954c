// What the server answers a device poll, and how the poll's report changes the device's record.
// Runs inside one store transaction, so the replay guard, state changes and the offer decision
// hold across several ferryd instances. Spec: proto/device-api.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/api_error.h"
#include "common/version.h"
#include "store/store.h"

namespace ferry::api {

struct PollReport {
    uint64_t counter = 0;
    Version version;
    int slot = 0;
    uint32_t security_counter = 0;
    int boot_state = 0;  // proto::BootState
    int event = 0;       // proto::Event
    std::optional<int64_t> release_id;
    std::optional<uint64_t> progress;
    int reason = 0;  // proto::Reason
};

enum class PollAction { idle, offer, confirm, abort };

struct PollDecision {
    PollAction action = PollAction::idle;
    std::optional<store::Release> release;  // for offer
    int target_slot = 0;                    // for offer
};

const char* event_name(int event);
const char* action_name(PollAction action);

// The error for a poll whose counter is not above the last one accepted (409 "replayed").
ApiError replayed_poll();

// Applies the report to `device` (already authenticated), records events, decides the answer
// and writes the device back with the report's counter. That write is the replay guard: it
// throws replayed_poll() when the stored counter is not below the report's, so that the whole
// transaction, events included, rolls back.
PollDecision process_poll(store::Tx& tx, store::Device& device, const PollReport& report,
                          int64_t now);

}  // namespace ferry::api
