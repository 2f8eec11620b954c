#include "rollout/rollout_engine.h"

#include <algorithm>
#include <cstdint>

#include "common/version.h"
#include "ferry/proto/device_api.h"
#include "rollout/rollout_plan.h"

namespace ferry::rollout {
namespace rs = store::rollout_state;
namespace ms = store::member_state;
namespace ds = store::state;

namespace {

void audit(store::Tx& tx, const store::Rollout& r, const std::string& actor,
           const std::string& action, const std::string& detail, int64_t now) {
    store::AuditEntry e;
    e.at = now;
    e.actor = actor;
    e.action = action;
    e.rollout_id = r.id;
    e.subject = "rollout " + std::to_string(r.id) + " (" + r.name + ")";
    e.detail = detail;
    tx.insert_audit(e);
}

// Changes the rollout's state and says so in the audit log as "rollout.<action>".
void set_state(store::Tx& tx, store::Rollout& r, const char* state, const std::string& reason,
               const std::string& actor, const char* action, const std::string& detail,
               int64_t now) {
    r.state = state;
    r.pause_reason = reason;
    r.updated_at = now;
    tx.update_rollout(r);
    audit(tx, r, actor, std::string("rollout.") + action, detail, now);
}

bool is_final(const std::string& member) {
    return member == ms::kConfirmed || member == ms::kRolledBack || member == ms::kFailed ||
           member == ms::kTimedOut || member == ms::kAborted;
}

bool is_failure(const std::string& member) {
    return member == ms::kRolledBack || member == ms::kFailed || member == ms::kTimedOut;
}

// The member state a device's update state stands for; nullopt when it says nothing new.
std::optional<std::string> member_state_of(const store::Device& d) {
    const std::string& s = d.state;
    if (s == ds::kOffered || s == ds::kDownloading)
        return ms::kDownloading;
    if (s == ds::kVerified || s == ds::kPendingReboot || s == ds::kTrial)
        return ms::kInstalled;
    if (s == ds::kUpdated)
        return ms::kConfirmed;
    if (s == ds::kRolledBack)
        return ms::kRolledBack;
    if (s == ds::kFailed)
        return failure_is_transient(d.last_reason) ? ms::kPending : ms::kFailed;
    if (s == ds::kAborted)
        return ms::kAborted;
    return std::nullopt;
}

struct Tally {
    struct Wave {
        int64_t total = 0;
        int64_t counted = 0;     // total less the members that left or fell silent unoffered
        int64_t confirmed = 0;
        int64_t unfinished = 0;  // pending, downloading or installed
    };
    std::vector<Wave> waves;
    int64_t failures = 0;    // rolled back, failed, and timed out after an offer
    int64_t forgiven = 0;    // of those, answered by a resume
    int64_t started = 0;     // offered the release (members already on it at joining are not)
    int64_t unfinished = 0;
};

Tally tally(store::Tx& tx, const store::Rollout& r) {
    Tally t;
    t.waves.resize(r.waves.size());
    for (const store::MemberCount& c : tx.member_counts(r.id)) {
        if (c.wave < 0 || static_cast<size_t>(c.wave) >= t.waves.size())
            continue;
        Tally::Wave& w = t.waves[c.wave];
        w.total += c.count;
        // A member whose update was stopped (abort, a pin, a newer rollout), or whose device
        // never came for its offer, cannot confirm: it does not hold its wave back.
        int64_t gone = c.state == ms::kAborted ? c.count
                       : c.state == ms::kTimedOut ? c.count - c.offered
                                                  : 0;
        w.counted += c.count - gone;
        if (c.state == ms::kConfirmed)
            w.confirmed += c.count;
        if (c.state == ms::kRolledBack || c.state == ms::kFailed)
            t.failures += c.count;
        if (c.state == ms::kTimedOut)
            t.failures += c.offered;
        t.forgiven += c.forgiven;  // only members in a failure state are forgiven
        if (c.state != ms::kPending && c.state != ms::kAborted)
            t.started += c.offered;
        if (!is_final(c.state)) {
            w.unfinished += c.count;
            t.unfinished += c.count;
        }
    }
    return t;
}

bool wave_succeeded(const store::Rollout& r, const Tally::Wave& w) {
    return w.confirmed * 100 >= static_cast<int64_t>(r.success_percent) * w.counted;
}

// Whether the wave can still reach its success share with the members not yet finished.
bool wave_reachable(const store::Rollout& r, const Tally::Wave& w) {
    return (w.confirmed + w.unfinished) * 100 >= static_cast<int64_t>(r.success_percent) * w.counted;
}

void open_next_wave(store::Tx& tx, store::Rollout& r, const Tally& t, const std::string& actor,
                    const std::string& why, int64_t now) {
    ++r.current_wave;
    tx.open_wave(r.id, r.current_wave, now);
    audit(tx, r, actor, "rollout.wave_opened",
          "wave " + std::to_string(r.current_wave + 1) + " of " + std::to_string(r.waves.size()) +
              ": " + std::to_string(t.waves[r.current_wave].total) + " device(s)" + why,
          now);
}

// Thresholds, the next wave, completion: run after anything that changed a member.
void evaluate(store::Tx& tx, store::Rollout& r, int64_t now) {
    if (r.state != rs::kRunning)
        return;
    Tally t = tally(tx, r);
    // Forgiveness is per member: a forgiven failure that comes good (a timed-out device that
    // confirms) leaves the count without hiding any new failure.
    int64_t fresh = t.failures - t.forgiven;
    bool by_count = r.failure_count > 0 && fresh >= r.failure_count;
    bool by_percent = r.failure_percent > 0 && t.started > 0 && fresh > 0 &&
                      fresh * 100 >= static_cast<int64_t>(r.failure_percent) * t.started;
    if (by_count || by_percent) {
        std::string detail = std::to_string(fresh) + " failure(s) of " + std::to_string(t.started) +
                             " device(s) started (limit " +
                             (by_count ? std::to_string(r.failure_count)
                                       : std::to_string(r.failure_percent) + " %") +
                             ")";
        set_state(tx, r, rs::kPaused, "failure_threshold", kEngineActor, "paused", detail, now);
        return;
    }
    const int last = static_cast<int>(r.waves.size()) - 1;
    bool advanced = false;
    while (r.current_wave < last && wave_succeeded(r, t.waves[r.current_wave])) {
        open_next_wave(tx, r, t, kEngineActor, "", now);
        advanced = true;
    }
    if (advanced) {
        r.updated_at = now;
        tx.update_rollout(r);
    }
    if (r.current_wave < last) {
        // Failures below the pause limit can still leave a wave short of its success share
        // for good: say so instead of waiting for ever. A resume opens the next wave.
        const Tally::Wave& w = t.waves[r.current_wave];
        if (!wave_reachable(r, w)) {
            set_state(tx, r, rs::kPaused, "wave_stalled", kEngineActor, "paused",
                      "wave " + std::to_string(r.current_wave + 1) + " can no longer reach " +
                          std::to_string(r.success_percent) + " % confirmed (" +
                          std::to_string(w.confirmed) + " of " + std::to_string(w.counted) + ")",
                      now);
        }
        return;
    }
    if (t.unfinished == 0) {
        set_state(tx, r, rs::kCompleted, "", kEngineActor, "completed",
                  std::to_string(t.waves.empty() ? 0 : t.waves.back().confirmed) +
                      " confirmed in the last wave, " + std::to_string(t.failures) + " failure(s)",
                  now);
    }
}

void start(store::Tx& tx, store::Rollout& r, int64_t now) {
    tx.open_wave(r.id, r.current_wave, now);
    set_state(tx, r, rs::kRunning, "", kEngineActor, "started",
              r.start_at ? "start time reached" : "", now);
    evaluate(tx, r, now);
}

// A newer rollout or a pin has these devices now: their pending places in older rollouts
// end (aborted), and those rollouts are looked at again, since their waves may be done.
void reevaluate(store::Tx& tx, const std::vector<int64_t>& rollout_ids, int64_t now) {
    for (int64_t id : rollout_ids) {
        if (auto r = tx.rollout_by_id(id))
            evaluate(tx, *r, now);
    }
}

bool start_due(const store::Rollout& r, int64_t now) {
    return r.state == rs::kScheduled && (!r.start_at || *r.start_at <= now);
}

std::optional<uint64_t> version_key(const std::string& text) {
    auto v = parse_version(text);
    if (!v)
        return std::nullopt;
    return v->key();
}

// Rollouts only move a device forward; one newer than the release is never taken in.
bool may_take(const store::Rollout& r, const store::Device& d) {
    auto running = version_key(d.version);
    return !running || *running <= r.release_version_key;
}

store::RolloutMember new_member(const store::Rollout& r, const store::Device& d, int wave,
                                int64_t now) {
    store::RolloutMember m;
    m.rollout_id = r.id;
    m.device_id = d.id;
    m.device_name = d.name;
    m.wave = wave;
    m.rank = member_rank(r.id, d.name);
    m.joined_at = now;
    if (version_key(d.version) == r.release_version_key) {
        m.state = ms::kConfirmed;  // already there
        m.finished_at = now;
    }
    return m;
}

void take_in_fleet(store::Tx& tx, const store::Rollout& r, int64_t now) {
    std::vector<store::Device> chosen;
    for (store::Device& d : tx.devices_of_hw(r.hw_id)) {
        if (target_selects(r.target, d) && may_take(r, d))
            chosen.push_back(std::move(d));
    }
    std::vector<std::pair<int64_t, size_t>> order;
    for (size_t i = 0; i < chosen.size(); ++i)
        order.emplace_back(member_rank(r.id, chosen[i].name), i);
    std::sort(order.begin(), order.end());
    std::vector<size_t> reach = wave_reach(r.waves, chosen.size());
    for (size_t pos = 0; pos < order.size(); ++pos) {
        tx.insert_member(
            new_member(r, chosen[order[pos].second], wave_of_position(reach, pos), now));
    }
}

void check_spec(store::Tx& tx, store::Rollout& spec) {
    using K = RolloutError::Kind;
    auto release = tx.release_by_id(spec.release_id);
    if (!release)
        throw RolloutError(K::invalid, "release " + std::to_string(spec.release_id) + " not found");
    spec.hw_id = release->hw_id;
    spec.release_version = release->version;
    spec.release_version_key = release->version_key;
    if (spec.name.empty())
        spec.name = "rollout of " + release->version;
    if (spec.name.size() > 200)
        throw RolloutError(K::invalid, "name longer than 200 characters");
    std::string wave_error = normalise_waves(spec.waves);
    if (!wave_error.empty())
        throw RolloutError(K::invalid, wave_error);
    if (spec.success_percent < 1 || spec.success_percent > 100)
        throw RolloutError(K::invalid, "success_percent must be 1..100");
    if (spec.failure_percent > 100)
        throw RolloutError(K::invalid, "failure_percent must be 0..100");
    if (spec.device_deadline < 60 || spec.device_deadline > 90 * 86400)
        throw RolloutError(K::invalid, "device_deadline_s must be 60 s .. 90 days");
    for (const std::string& v : spec.target.versions) {
        if (!parse_version(v))
            throw RolloutError(K::invalid, "target version '" + v + "' is not a version");
    }
}

}  // namespace

bool failure_is_transient(int reason) {
    return reason == proto::kReasonDownloadFailed || reason == proto::kReasonAbortedByServer;
}

const char* command_name(Command c) {
    switch (c) {
        case Command::pause:
            return "pause";
        case Command::resume:
            return "resume";
        case Command::abort:
            return "abort";
    }
    return "?";
}

int64_t create_rollout(store::Tx& tx, store::Rollout spec, const std::string& actor, int64_t now) {
    check_spec(tx, spec);
    spec.state = rs::kScheduled;
    spec.pause_reason.clear();
    spec.current_wave = 0;
    spec.created_at = now;
    spec.created_by = actor;
    spec.updated_at = now;
    spec.id = tx.insert_rollout(spec);
    take_in_fleet(tx, spec, now);
    reevaluate(tx, tx.supersede_pending_for(spec.id, now), now);
    audit(tx, spec, actor, "rollout.created",
          "release " + spec.release_version + ", " + std::to_string(spec.waves.size()) + " wave(s)",
          now);
    if (start_due(spec, now))
        start(tx, spec, now);
    return spec.id;
}

store::Rollout apply_command(store::Tx& tx, int64_t id, Command command, const std::string& actor,
                             int64_t now) {
    using K = RolloutError::Kind;
    auto found = tx.rollout_by_id(id);
    if (!found)
        throw RolloutError(K::not_found, "rollout " + std::to_string(id) + " not found");
    store::Rollout r = std::move(*found);
    auto refuse = [&] {
        throw RolloutError(K::conflict, std::string("cannot ") + command_name(command) +
                                            " a rollout that is " + r.state);
    };
    switch (command) {
        case Command::pause:
            if (r.state != rs::kRunning && r.state != rs::kScheduled)
                refuse();
            set_state(tx, r, rs::kPaused, "operator", actor, "paused", "", now);
            break;
        case Command::resume: {
            if (r.state != rs::kPaused)
                refuse();
            // The failures that paused it are answered by this resume; only new ones count.
            tx.forgive_failures(r.id);
            Tally t = tally(tx, r);
            bool later = r.start_at && *r.start_at > now;
            set_state(tx, r, later ? rs::kScheduled : rs::kRunning, "", actor, "resumed",
                      std::to_string(t.failures) + " failure(s) so far", now);
            if (!later)
                tx.open_wave(r.id, r.current_wave, now);  // paused before it ever started
            if (!later && r.current_wave + 1 < static_cast<int>(r.waves.size()) &&
                !wave_reachable(r, t.waves[r.current_wave])) {
                // The operator has seen the wave fall short (by failures, timeouts or a stall)
                // and goes on regardless: the next wave opens.
                open_next_wave(tx, r, t, actor, ", opened by the resume", now);
                tx.update_rollout(r);
            }
            evaluate(tx, r, now);
            break;
        }
        case Command::abort: {
            if (r.state == rs::kAborted)
                refuse();
            // Devices not yet started are done with; the ones downloading are told at their
            // next poll (the poll no longer finds this rollout), and those rebooting finish.
            store::MemberFilter pending;
            pending.state = ms::kPending;
            pending.limit = 1'000'000;
            for (store::RolloutMember& m : tx.list_members(r.id, pending)) {
                m.state = ms::kAborted;
                m.finished_at = now;
                m.reason = proto::kReasonAbortedByServer;
                tx.update_member(m);
            }
            set_state(tx, r, rs::kAborted, "", actor, "aborted", "", now);
            break;
        }
    }
    return r;
}

void delete_rollout(store::Tx& tx, int64_t id, const std::string& actor, int64_t now) {
    using K = RolloutError::Kind;
    auto r = tx.rollout_by_id(id);
    if (!r)
        throw RolloutError(K::not_found, "rollout " + std::to_string(id) + " not found");
    if (r->state != rs::kCompleted && r->state != rs::kAborted)
        throw RolloutError(K::conflict, "only a completed or aborted rollout can be deleted");
    audit(tx, *r, actor, "rollout.deleted", "", now);
    tx.delete_rollout(id);
}

namespace {

// A member waiting for an offer that this device can never take ends here, so that it does not
// keep its wave (and the rollout) unfinished for ever: the device runs the release already (by
// another path), is past it, has a higher security counter, or already gave up on it.
bool settle_unofferable(store::Tx& tx, const store::Rollout& r, store::RolloutMember& m,
                        const store::Device& d, const DeviceFacts& f, int64_t now) {
    bool waiting = m.state == ms::kPending || m.state == ms::kAborted ||
                   (m.state == ms::kTimedOut && !m.offered_at);
    if (!waiting)
        return false;
    const char* settled = nullptr;
    int reason = 0;
    if (f.running_key == r.release_version_key && !f.on_trial) {
        settled = ms::kConfirmed;
    } else if (f.running_key > r.release_version_key) {
        settled = ms::kAborted;  // rollouts only move devices forward
    } else if (f.security_counter > r.release_counter) {
        settled = ms::kAborted;
        reason = proto::kReasonSecurityCounterLower;
    } else if (d.target_release_id == r.release_id &&
               (d.state == ds::kRolledBack || d.state == ds::kFailed) &&
               !failure_is_transient(d.last_reason)) {
        settled = ms::kAborted;  // it will not be offered again; counted where it failed
        reason = d.last_reason;
    }
    if (!settled || m.state == settled)
        return false;
    m.state = settled;
    m.reason = reason;
    m.finished_at = now;
    tx.update_member(m);
    return true;
}

}  // namespace

std::optional<Claim> claim_device(store::Tx& tx, const store::Device& d, const DeviceFacts& facts,
                                  int64_t now) {
    const uint64_t running_key = facts.running_key;
    std::optional<store::Device> with_tags;  // loaded once, only for a possible late joiner
    for (store::Rollout& r : tx.live_rollouts(d.hw_id)) {
        auto member = tx.member(r.id, d.id);
        if (!member) {
            if (!with_tags)
                with_tags = tx.device_by_id(d.id);
            if (!with_tags)
                return std::nullopt;
            with_tags->version = d.version;
            if (!target_selects(r.target, *with_tags) || !may_take(r, *with_tags))
                continue;
            const int last = static_cast<int>(r.waves.size()) - 1;
            member = new_member(r, *with_tags, last, now);
            if (r.state != rs::kScheduled && r.current_wave == last)
                member->waiting_since = now;  // its wave is open already
            tx.insert_member(*member);
            reevaluate(tx, tx.supersede_pending(d.id, r.id, r.id, now), now);
            if (member->state == ms::kConfirmed)
                evaluate(tx, r, now);
        }
        if (start_due(r, now))
            start(tx, r, now);
        if (settle_unofferable(tx, r, *member, d, facts, now))
            evaluate(tx, r, now);
        Claim c{r, *member, false};
        bool open = (r.state == rs::kRunning || r.state == rs::kCompleted) &&
                    member->wave <= r.current_wave;
        // A member still downloading may be offered again (its link dropped): it holds its
        // place under the cap already.
        bool downloading = member->state == ms::kDownloading;
        // A device that fell silent before its offer and comes back may still take it.
        bool silent_returned = member->state == ms::kTimedOut && !member->offered_at;
        bool startable = downloading || silent_returned || member->state == ms::kPending ||
                         member->state == ms::kAborted;
        bool forward = running_key < r.release_version_key;
        bool under_cap = r.max_downloads == 0 || downloading ||
                         tx.count_members(r.id, ms::kDownloading) < r.max_downloads;
        c.may_start = open && startable && forward && under_cap;
        return c;
    }
    return std::nullopt;
}

void note_offer(store::Tx& tx, Claim& c, int64_t now) {
    // The deadline runs from the first offer of an attempt: a device whose link keeps failing is
    // offered the release again at once, and its clock does not restart (else it could never
    // time out).
    if (c.member.state != ms::kDownloading || !c.member.offered_at)
        c.member.offered_at = now;  // a new attempt (after a hold, an abort, a silence)
    c.member.state = ms::kDownloading;
    c.member.finished_at.reset();
    c.member.reason = 0;
    c.member.forgiven = false;
    tx.update_member(c.member);
}

void leave(store::Tx& tx, int64_t rollout_id, int64_t device_id, int64_t now) {
    auto m = tx.member(rollout_id, device_id);
    if (!m || is_final(m->state))
        return;
    m->state = ms::kAborted;
    m->reason = proto::kReasonAbortedByServer;
    m->finished_at = now;
    tx.update_member(*m);
    if (auto r = tx.rollout_by_id(rollout_id))
        evaluate(tx, *r, now);
}

void device_pinned(store::Tx& tx, int64_t device_id, int64_t now) {
    reevaluate(tx, tx.supersede_pending(device_id, 0, INT64_MAX, now), now);
}

void sync_member(store::Tx& tx, const store::Device& d, int64_t now) {
    if (!d.target_rollout_id)
        return;
    auto m = tx.member(*d.target_rollout_id, d.id);
    auto wanted = member_state_of(d);
    if (!m || !wanted || m->state == *wanted)
        return;
    // An ended place (abort, pin, newer rollout) is taken up again only by a new offer.
    if (m->state == ms::kAborted)
        return;
    // A member past its deadline stays timed out until the device reaches an outcome.
    if (m->state == ms::kTimedOut && !(*wanted == ms::kConfirmed ||
                                       *wanted == ms::kRolledBack || *wanted == ms::kFailed))
        return;
    m->state = *wanted;
    m->forgiven = m->forgiven && is_failure(*wanted);  // a forgiven failure that came good
    m->reason = is_failure(*wanted) || *wanted == ms::kAborted ? d.last_reason : 0;
    m->finished_at = is_final(*wanted) ? std::optional<int64_t>(now) : std::nullopt;
    tx.update_member(*m);
    if (auto r = tx.rollout_by_id(m->rollout_id))
        evaluate(tx, *r, now);
}

void sweep(store::Tx& tx, int64_t now) {
    for (store::Rollout& r : tx.list_rollouts()) {
        if (start_due(r, now)) {
            start(tx, r, now);
            continue;
        }
        // Aborted ones too: a device that went silent mid-download must not stay
        // "downloading" in their counts for ever.
        for (store::RolloutMember& m : tx.overdue_members(r.id, now - r.device_deadline)) {
            bool offered = m.offered_at.has_value();
            m.state = ms::kTimedOut;
            m.finished_at = now;
            tx.update_member(m);
            store::DeviceEvent e;
            e.device_id = m.device_id;
            e.at = now;
            e.kind = "timed_out";
            e.release_id = r.release_id;
            e.detail = (offered ? "not confirmed within " : "silent for ") +
                       std::to_string(r.device_deadline) +
                       (offered ? " s of the offer (rollout " : " s since its wave opened (rollout ") +
                       std::to_string(r.id) + ")";
            tx.insert_event(e);
        }
        // Every time, not only after a change here: members also go with deleted devices.
        evaluate(tx, r, now);
    }
}

}  // namespace ferry::rollout
