#include "api/poll_engine.h"

#include <set>

#include "ferry/proto/device_api.h"
#include "rollout/rollout_engine.h"

namespace ferry::api {
namespace st = store::state;

namespace {

bool in_progress(const std::string& s) {
    static const std::set<std::string> busy = {st::kOffered, st::kDownloading, st::kVerified,
                                               st::kPendingReboot, st::kTrial};
    return busy.count(s) > 0;
}

// A release a device gave up on is not offered again by itself, except after failures that say
// nothing about the release (the link dropped, the server aborted).
bool retry_allowed(const store::Device& d) {
    return rollout::failure_is_transient(d.last_reason);
}

void record(store::Tx& tx, const store::Device& d, const std::string& kind, int64_t now,
            std::optional<int64_t> release, int reason = 0, std::optional<uint64_t> progress = {},
            const std::string& detail = {}) {
    store::DeviceEvent e;
    e.device_id = d.id;
    e.at = now;
    e.kind = kind;
    e.release_id = release;
    e.version = d.version;
    e.slot = d.slot;
    e.progress = progress;
    e.reason = reason;
    e.detail = detail;
    tx.insert_event(e);
}

// What this device should run, and whether an update towards it may begin now.
struct Wanted {
    std::optional<store::Release> release;
    std::optional<rollout::Claim> claim;  // when a rollout decided
    // The rollout holds the device back and nothing of it is under way: the answer is idle,
    // and the release need not even be read (most polls during a staged rollout).
    bool hold = false;
};

// The documented order: a pin on the device, else the newest live rollout that has the device
// (rollout_engine.h), else the newest tag assignment.
Wanted wanted_release(store::Tx& tx, const store::Device& d, const PollReport& r, int64_t now) {
    Wanted w;
    if (d.pinned_release_id) {
        w.release = tx.release_by_id(*d.pinned_release_id);
        return w;
    }
    rollout::DeviceFacts facts{r.version.key(), r.security_counter,
                               r.boot_state == proto::kBootTrial};
    if (auto claim = rollout::claim_device(tx, d, facts, now)) {
        bool under_way = d.target_release_id == claim->rollout.release_id && in_progress(d.state);
        if (!claim->may_start && !under_way) {
            w.hold = true;
            return w;
        }
        w.release = tx.release_by_id(claim->rollout.release_id);
        w.claim = std::move(claim);
        return w;
    }
    if (auto a = tx.assignment_for_device(d.id))
        w.release = tx.release_by_id(a->release_id);
    return w;
}

bool runs_target(const store::Device& d, const store::Release& target, const PollReport& r) {
    return r.version.key() == target.version_key && r.slot == d.target_slot;
}

void apply_reported_event(store::Tx& tx, store::Device& d, const PollReport& r, int64_t now) {
    if (r.event == proto::kEventNone)
        return;
    record(tx, d, event_name(r.event), now, r.release_id, r.reason, r.progress);
    // A report changes the state only when it is about the release being installed now and
    // the update is still under way: a late or repeated report must not move a device back.
    bool about_target =
        d.target_release_id && (!r.release_id || *r.release_id == *d.target_release_id);
    if (!about_target || !in_progress(d.state))
        return;
    switch (r.event) {
        case proto::kEventDownloading:
            if (d.state == st::kOffered)
                d.state = st::kDownloading;
            break;
        case proto::kEventVerified:
            if (d.state == st::kOffered || d.state == st::kDownloading)
                d.state = st::kVerified;
            break;
        case proto::kEventPendingReboot:
            if (d.state != st::kTrial)
                d.state = st::kPendingReboot;
            break;
        case proto::kEventRolledBack:
            d.state = st::kRolledBack;
            d.last_result = "rolled_back";
            d.last_reason = r.reason;
            break;
        case proto::kEventFailed:
            d.state = st::kFailed;
            d.last_result = "failed";
            d.last_reason = r.reason;
            break;
        default:
            break;  // confirmed: decided from what the device runs, below
    }
}

// Success and rollback are read off what the device says it runs, not only off its events: an
// event can be lost with a dropped poll, the running version and slot cannot.
void apply_boot_state(store::Tx& tx, store::Device& d, const PollReport& r, int64_t now) {
    if (!d.target_release_id)
        return;
    auto target = tx.release_by_id(*d.target_release_id);
    if (!target)
        return;
    bool on_target = runs_target(d, *target, r);
    if (on_target && r.boot_state == proto::kBootTrial && d.state != st::kTrial &&
        d.state != st::kUpdated) {
        d.state = st::kTrial;
        record(tx, d, "trial_boot", now, target->id);
    } else if (on_target && r.boot_state == proto::kBootConfirmed && d.state != st::kUpdated &&
               (in_progress(d.state) || r.event == proto::kEventConfirmed)) {
        d.state = st::kUpdated;
        d.last_result = "updated";
        d.last_reason = 0;
        record(tx, d, "updated", now, target->id);
    } else if (r.boot_state == proto::kBootRolledBack && !on_target &&
               (d.state == st::kPendingReboot || d.state == st::kTrial ||
                d.state == st::kVerified)) {
        d.state = st::kRolledBack;
        d.last_result = "rolled_back";
        d.last_reason = r.reason != 0 ? r.reason : proto::kReasonTrialLimitReached;
        if (r.event != proto::kEventRolledBack) {
            record(tx, d, "rolled_back", now, target->id, d.last_reason);
        }
    }
}

// What the device is installing is no longer wanted: stop it at this poll. Past pending_reboot
// there is nothing left to stop; the boot outcome decides.
void stop_if_under_way(store::Tx& tx, store::Device& d, int64_t now, PollDecision& out) {
    if (d.target_release_id && in_progress(d.state) && d.state != st::kTrial &&
        d.state != st::kPendingReboot) {
        d.state = st::kAborted;
        d.last_result = "aborted";
        d.last_reason = proto::kReasonAbortedByServer;
        record(tx, d, "aborted", now, d.target_release_id, proto::kReasonAbortedByServer);
        out.action = PollAction::abort;
    }
}

PollDecision decide(store::Tx& tx, store::Device& d, const PollReport& r, int64_t now) {
    PollDecision out;
    if (r.boot_state == proto::kBootTrial) {
        // The new image reached us: that check-in is what lets the device confirm it.
        out.action = PollAction::confirm;
        return out;
    }
    Wanted wanted = wanted_release(tx, d, r, now);
    if (wanted.hold) {
        // The rollout that has the device says "not now": whatever else it is downloading (the
        // release of an aborted rollout, an older assignment) is not wanted any more.
        stop_if_under_way(tx, d, now, out);
        return out;
    }
    std::optional<store::Release>& want = wanted.release;
    bool offerable = want && want->hw_id == d.hw_id && want->version_key != r.version.key() &&
                     want->security_counter >= r.security_counter;  // never a lower counter
    if (!offerable) {
        stop_if_under_way(tx, d, now, out);
        return out;
    }
    bool same_target = d.target_release_id && *d.target_release_id == want->id;
    if (same_target && (d.state == st::kRolledBack || d.state == st::kFailed) &&
        !retry_allowed(d)) {
        return out;
    }
    std::optional<int64_t> rollout_id;
    if (wanted.claim)
        rollout_id = wanted.claim->rollout.id;
    bool new_attempt = !same_target || !in_progress(d.state);
    if (new_attempt) {
        // (A rollout that holds the device back answered above, with hold.)
        d.target_release_id = want->id;
        d.target_slot = r.slot == 0 ? 1 : 0;
        d.state = st::kOffered;
        record(tx, d, "offered", now, want->id);
    }
    // The rollout that has the device counts the update: a new attempt, or one already under
    // way for another reason (an assignment, an older rollout), which it takes over.
    if (new_attempt || d.target_rollout_id != rollout_id) {
        if (d.target_rollout_id && d.target_rollout_id != rollout_id)
            rollout::leave(tx, *d.target_rollout_id, d.id, now);
        d.target_rollout_id = rollout_id;
        if (wanted.claim)
            rollout::note_offer(tx, *wanted.claim, now);
    }
    out.action = PollAction::offer;
    out.target_slot = d.target_slot;
    out.release = std::move(want);
    return out;
}

}  // namespace

const char* event_name(int event) {
    switch (event) {
        case proto::kEventDownloading:
            return "downloading";
        case proto::kEventVerified:
            return "verified";
        case proto::kEventPendingReboot:
            return "pending_reboot";
        case proto::kEventConfirmed:
            return "confirmed";
        case proto::kEventRolledBack:
            return "rolled_back";
        case proto::kEventFailed:
            return "failed";
        default:
            return "none";
    }
}

const char* action_name(PollAction action) {
    switch (action) {
        case PollAction::idle:
            return "idle";
        case PollAction::offer:
            return "offer";
        case PollAction::confirm:
            return "confirm";
        case PollAction::abort:
            return "abort";
    }
    return "idle";
}

ApiError replayed_poll() {
    return ApiError(409, "replayed", "counter not above the last accepted one");
}

PollDecision process_poll(store::Tx& tx, store::Device& d, const PollReport& r, int64_t now) {
    d.version = r.version.str();
    d.slot = r.slot;
    d.security_counter = r.security_counter;
    d.boot_state = r.boot_state;
    d.last_seen = now;
    if (d.state == st::kNew)
        d.state = st::kIdle;
    apply_reported_event(tx, d, r, now);
    apply_boot_state(tx, d, r, now);
    PollDecision decision = decide(tx, d, r, now);
    rollout::sync_member(tx, d, now);
    if (!tx.update_device_after_poll(d, r.counter))
        throw replayed_poll();
    d.counter = r.counter;
    return decision;
}

}  // namespace ferry::api
