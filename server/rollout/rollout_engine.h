// The staged-rollout engine: every decision inside the caller's store transaction, so that
// several ferryd instances on one store agree (DESIGN.md). Spec: proto/management-api.md,
// "Rollouts"; the rules in short:
//   - a rollout hands one release to the devices its target selects, wave by wave; a wave opens
//     when the share of the previous wave confirmed on the new slot reaches success_percent;
//   - failures (rolled back, failed verification or install, not confirmed within the device
//     deadline of its offer) pause the rollout by themselves once they reach failure_count or
//     failure_percent of the devices started; a resume forgives the failures seen so far;
//   - a member whose device stays silent for the deadline after its wave opened times out too,
//     not as a failure, and no longer holds its wave back; neither do members whose update was
//     stopped; a wave that can no longer reach success_percent pauses the rollout
//     (wave_stalled); a resume of a rollout whose wave cannot succeed any more opens the next;
//   - a device that matches after the start joins the last wave;
//   - a device selected by several rollouts follows the newest one that is not aborted (its
//     pending places in older ones end); a pin on the device overrides every rollout; rollouts
//     only move a device forward (a downgrade is a pin);
//   - pause stops new offers (downloads under way finish); abort also stops the downloads under
//     way at the devices' next poll; devices already rebooting into the release finish;
//   - every change of a rollout's state is written to the audit log.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "store/store.h"

namespace ferry::rollout {

// A request the engine refuses; the API turns `kind` into 404, 409 or 422.
struct RolloutError : std::runtime_error {
    enum class Kind { not_found, conflict, invalid } kind;
    RolloutError(Kind k, const std::string& message) : std::runtime_error(message), kind(k) {}
};

// The actor the engine writes into the audit log for its own decisions.
inline constexpr const char* kEngineActor = "engine";

// Checks the operator's rollout (release exists, waves, thresholds), stores it, takes in every
// device its target selects now (waves by rank) and starts it unless start_at is still ahead.
// Returns the id. Throws RolloutError.
int64_t create_rollout(store::Tx& tx, store::Rollout spec, const std::string& actor, int64_t now);

enum class Command { pause, resume, abort };
const char* command_name(Command c);
// Throws RolloutError (not_found, or conflict when the state does not allow it).
store::Rollout apply_command(store::Tx& tx, int64_t rollout_id, Command command,
                             const std::string& actor, int64_t now);

// Deletes a completed or aborted rollout (its members and audit entries about it stay in the
// log). Throws RolloutError.
void delete_rollout(store::Tx& tx, int64_t rollout_id, const std::string& actor, int64_t now);

// What a rollout says about one polling device.
struct Claim {
    store::Rollout rollout;
    store::RolloutMember member;
    bool may_start = false;  // a new offer may begin now: wave open, not paused, under the cap
};
// The rollout that decides for this device (the newest live one that has it as a member or
// whose target selects it; a late joiner is taken in here), or nullopt. `running_key` is the
// version the device reports running. Starts a scheduled rollout whose time has come. A member
// the device can never take (it runs the release already, is past it, has a higher security
// counter, or gave up on it elsewhere) is settled here: confirmed or aborted.
// What the polling device reports about itself.
struct DeviceFacts {
    uint64_t running_key = 0;  // Version::key() of what it runs
    uint32_t security_counter = 0;
    bool on_trial = false;
};
std::optional<Claim> claim_device(store::Tx& tx, const store::Device& device,
                                  const DeviceFacts& facts, int64_t now);

// The poll offers the claim's release to the device afresh: the member starts downloading.
void note_offer(store::Tx& tx, Claim& claim, int64_t now);

// The device's update from this rollout is replaced by another target (a pin, a newer
// rollout): its member row, if under way, becomes aborted instead of waiting for a deadline.
void leave(store::Tx& tx, int64_t rollout_id, int64_t device_id, int64_t now);

// A pin now decides for the device: its pending places in rollouts end (aborted), so that they
// do not hold a wave back. After an unpin the device can be offered again.
void device_pinned(store::Tx& tx, int64_t device_id, int64_t now);

// After a poll changed the device's update state: the member row follows it, and the rollout
// is evaluated (thresholds, next wave, completion) when the member's state changed.
void sync_member(store::Tx& tx, const store::Device& device, int64_t now);

// Time-driven work for every live rollout: start scheduled ones that are due, turn members past
// their deadline into timed_out (with a device event), evaluate. ferryd runs it every few
// seconds; it is idempotent, so several instances may run it.
void sweep(store::Tx& tx, int64_t now);

// Failures that say nothing about the release (the link dropped, the server aborted): the
// device may be offered the same release again, and the rollout does not count them.
bool failure_is_transient(int reason);

}  // namespace ferry::rollout
