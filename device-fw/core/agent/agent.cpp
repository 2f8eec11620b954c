#include "agent/agent.h"

#include <string.h>

#include "ferry/errors.h"
#include "image/image_check.h"
#include "util/text_out.h"

namespace ferry {
namespace {

// Counters are reserved in blocks: one boot-log record per block, not per poll, and a reset
// skips the rest of the block, so a counter is never used twice.
constexpr uint64_t kCounterBlock = 256;
constexpr uint32_t kMinChunk = 1024;
constexpr uint32_t kGoodChunksToGrow = 4;

}  // namespace

Agent::Agent(const Port& port, BootLog& log, HttpTransport& http, const AgentConfig& cfg,
             uint8_t* buffer, size_t buffer_len)
    : port_(port), log_(log), http_(http), cfg_(cfg), installer_(port.flash, log, *cfg.boot),
      buf_(buffer), buf_len_(buffer_len) {}

int Agent::start(int running_slot, bool trial) {
    running_slot_ = running_slot;
    trial_ = trial;
    interval_s_ = cfg_.default_interval_s;
    counter_ = log_.state().poll_counter;  // everything below was (or may have been) used
    int err = image_read_header(port_.flash, cfg_.boot->layout->slot_base[running_slot], &running_);
    due_ms_ = now() + cfg_.first_poll_delay_ms;
    return err;
}

uint32_t Agent::due_in_ms() const {
    int32_t left = static_cast<int32_t>(due_ms_ - now());
    return left > 0 ? static_cast<uint32_t>(left) : 0;
}

void Agent::schedule_in_s(uint32_t seconds, bool jitter) {
    uint32_t ms = seconds * 1000u;
    if (jitter && ms >= 4) {
        // +-25 %: a fleet that failed together does not retry together.
        uint32_t spread = ms / 2;
        ms = ms - ms / 4 + port_.system.random(port_.system.ctx) % (spread + 1);
    }
    due_ms_ = now() + ms;
}

void Agent::back_off() {
    backoff_s_ = backoff_s_ == 0 ? cfg_.retry_min_s : backoff_s_ * 2;
    if (backoff_s_ > cfg_.retry_max_s) backoff_s_ = cfg_.retry_max_s;
    schedule_in_s(backoff_s_, true);
}

void Agent::set_event(uint8_t event, uint32_t release, uint16_t reason, uint32_t progress) {
    event_ = event;
    event_release_ = release;
    event_reason_ = reason;
    event_progress_ = progress;
}

int Agent::next_counter(uint64_t* n) {
    const uint64_t reserved = log_.state().poll_counter;
    if (counter_ + 1 > reserved) {
        const uint64_t top = counter_ + kCounterBlock;
        int err = log_.append({kRecCounter, 0, 0, static_cast<uint32_t>(top), static_cast<uint32_t>(top >> 32), 0, 0});
        if (err) return err;
    }
    *n = ++counter_;
    return FERRY_OK;
}

int Agent::step() {
    if (due_in_ms() > 0) return kAgentWaiting;
    if (downloading_) return download_chunk();
    return poll();
}

int Agent::poll() {
    const BootState& s = log_.state();
    PollReport r{};
    int err = next_counter(&r.counter);
    if (err) {
        back_off();
        return err;
    }
    r.version_major = running_.ih_version.major;
    r.version_minor = running_.ih_version.minor;
    r.version_patch = running_.ih_version.patch;
    r.version_build = running_.ih_version.build;
    r.slot = static_cast<uint8_t>(running_slot_);
    r.security_counter = running_.ih_security_counter;
    r.boot_state = trial_ ? proto::kBootTrial : (s.rollback_unreported ? proto::kBootRolledBack : proto::kBootConfirmed);
    // What to report: what this boot saw first, then what the boot log holds.
    uint32_t reported_seq = 0;
    if (event_) {
        r.event = event_;
        r.release_id = event_release_;
        r.reason = event_reason_;
        r.progress = event_progress_;
    } else if (s.rollback_unreported) {
        r.event = proto::kEventRolledBack;
        r.release_id = s.rollback_release;
        r.reason = static_cast<uint16_t>(s.rollback_reason);
        reported_seq = s.rollback_seq;
    } else if (s.confirm_unreported && !trial_) {
        r.event = proto::kEventConfirmed;
        r.release_id = s.confirm_release;
        reported_seq = s.confirm_seq;
    }
    char target[256];
    int len = build_poll_target(cfg_.identity, r, target, sizeof target);
    if (len < 0) return len;
    HttpResult res;
    err = http_.get(target, nullptr, buf_, buf_len_ > proto::kMaxResponseBytes ? proto::kMaxResponseBytes : buf_len_, &res);
    if (err || res.status != 200) {
        back_off();
        return err ? err : FERRY_ERR_IO;
    }
    PollAnswer a;
    err = parse_poll_answer(cfg_.identity, r.counter, reinterpret_cast<const char*>(buf_), res.body_len, &a);
    if (err) {
        back_off();  // not from our server (or damaged): act on nothing in it
        return err;
    }
    // The server has the report now.
    backoff_s_ = 0;
    if (r.event == event_) set_event(0, 0, 0);
    if (reported_seq) log_.append({kRecReported, 0, 0, reported_seq, 0, 0, 0});
    if (a.interval_s) interval_s_ = a.interval_s;
    schedule_in_s(interval_s_, false);  // the server already jittered it

    if (reboot_after_poll_) return kAgentReboot;
    switch (a.action) {
        case PollAnswer::kConfirm:
            if (trial_ && (!cfg_.self_test || cfg_.self_test(cfg_.self_test_ctx))) {
                err = log_.append({kRecConfirmed, static_cast<uint8_t>(running_slot_), 0,
                                   running_.ih_security_counter, log_.state().pending_release, 0, 0});
                if (err) return err;
                trial_ = false;
                due_ms_ = now();  // tell the server at once: that poll records the success
            }
            return kAgentWorked;
        case PollAnswer::kAbort:
            downloading_ = false;
            return kAgentWorked;
        case PollAnswer::kOffer:
            return take_offer(a);
        case PollAnswer::kIdle:
            return kAgentWorked;
    }
    return kAgentWorked;
}

int Agent::take_offer(const PollAnswer& a) {
    if (trial_) return kAgentWorked;  // first confirm what runs
    uint16_t reason = 0;
    int err = check_offer_manifest(a, cfg_.boot->keys, cfg_.boot->key_count, cfg_.boot->layout->hw_id,
                                   log_.state().min_security_counter, &reason);
    if (err == FERRY_OK && a.slot == running_slot_) {
        reason = proto::kReasonManifestInvalid;  // never overwrite the running slot
        err = FERRY_ERR_INVALID;
    }
    if (err == FERRY_OK && a.size > cfg_.boot->layout->image_limit) {
        reason = proto::kReasonImageTooLarge;
        err = FERRY_ERR_NOSPC;
    }
    if (err) {
        set_event(proto::kEventFailed, a.release_id, reason);
        due_ms_ = now();
        return err;
    }
    InstallTarget t{a.slot, a.release_id, a.size, {}};
    memcpy(t.sha_prefix, a.sha256, sizeof t.sha_prefix);
    int32_t at = installer_.prepare(t);
    if (at < 0) {
        set_event(proto::kEventFailed, a.release_id, proto::kReasonFlashError);
        back_off();
        return at;
    }
    offer_ = a;
    if (offer_.chunk > buf_len_) offer_.chunk = static_cast<uint32_t>(buf_len_);
    offer_.chunk -= offer_.chunk % port_.flash.geometry->program_unit;
    if (offer_.chunk < kMinChunk) offer_.chunk = kMinChunk;
    downloading_ = true;
    chunk_failures_ = 0;
    chunk_ = offer_.chunk;
    chunk_successes_ = 0;
    due_ms_ = now();
    return kAgentWorked;
}

int Agent::download_chunk() {
    const uint32_t at = installer_.progress();
    if (at >= offer_.size) {
        downloading_ = false;
        uint16_t reason = 0;
        ImageInfo info;
        int err = installer_.finish(&reason, &info);
        if (err) {
            set_event(proto::kEventFailed, offer_.release_id, reason);
            due_ms_ = now();
            return err;
        }
        // Report it, then reboot into it.
        set_event(proto::kEventPendingReboot, offer_.release_id, 0);
        reboot_after_poll_ = true;
        due_ms_ = now();
        return kAgentWorked;
    }
    uint32_t n = offer_.size - at < chunk_ ? offer_.size - at : chunk_;
    char range[40];
    TextOut rg(range, sizeof range);
    rg.put("bytes=").num(at).put_char('-').num(at + n - 1);
    char target[kMaxUrl + 40];
    TextOut t(target, sizeof target);
    t.put(offer_.url);
    if (cfg_.range_in_query) t.put("?r=").num(at).put_char('-').num(at + n - 1);
    HttpResult res;
    int err = http_.get(target, cfg_.range_in_query ? nullptr : range, buf_, buf_len_, &res);
    bool ok = err == FERRY_OK && res.status == 206 && res.body_len == n;
    if (!ok && res.status == 206 && res.body_len > 0 && res.body_len < n) {
        // The link dropped mid-chunk: keep the whole program units that arrived.
        const uint32_t unit = port_.flash.geometry->program_unit;
        const uint32_t usable = res.body_len - res.body_len % unit;
        if (usable > 0 && installer_.write(at, buf_, usable) == FERRY_OK) chunk_failures_ = 0;
    }
    if (!ok) {
        chunk_successes_ = 0;
        // Only a lost answer or a broken body cost data; a refused command (+CME ERROR before
        // anything was sent) does not, and keeps the chunk size.
        const bool data_lost = err == FERRY_ERR_TIMEOUT || err == FERRY_ERR_IO || res.status == 206;
        if (data_lost && chunk_ / 2 >= kMinChunk) {
            chunk_ = chunk_ / 2 - (chunk_ / 2) % port_.flash.geometry->program_unit;
        }
        // 403: the link expired; a fresh poll gets a new one for the same release, and the
        // download resumes where the boot log says.
        if (err == FERRY_OK && (res.status == 403 || res.status == 404 || res.status == 416)) {
            downloading_ = false;
            due_ms_ = now();
            return FERRY_ERR_INVALID;
        }
        if (++chunk_failures_ >= cfg_.failures_before_report) {
            downloading_ = false;
            set_event(proto::kEventDownloading, offer_.release_id, proto::kReasonDownloadFailed, at);
        }
        back_off();
        return err ? err : FERRY_ERR_IO;
    }
    chunk_failures_ = 0;
    backoff_s_ = 0;
    if (++chunk_successes_ >= kGoodChunksToGrow && chunk_ < offer_.chunk) {
        chunk_ = chunk_ * 2 > offer_.chunk ? offer_.chunk : chunk_ * 2;
        chunk_successes_ = 0;
    }
    err = installer_.write(at, buf_, n);
    if (err) {
        downloading_ = false;
        set_event(proto::kEventFailed, offer_.release_id, proto::kReasonFlashError);
        back_off();
        return err;
    }
    due_ms_ = now();
    return kAgentWorked;
}

}  // namespace ferry
