#include "api/poll_work.h"

#include <random>

#include "api/api_error.h"
#include "api/capability.h"
#include "api/device_auth.h"
#include "api/poll_engine.h"
#include "api/query.h"
#include "api/validate.h"
#include "ferry/proto/device_api.h"

namespace ferry::api {
namespace {

ApiError device_error(int status, const char* code, const std::string& message) {
    return ApiError(status, code, message);
}

template <typename T>
T required_number(const Query& q, const char* key, std::optional<T> (*parse)(std::string_view)) {
    auto text = q.get(key);
    if (!text)
        throw device_error(400, "missing_parameter", std::string("poll needs ") + key + "=");
    auto v = parse(*text);
    if (!v)
        throw device_error(400, "bad_parameter", std::string("bad value for ") + key + "=");
    return *v;
}

PollReport parse_report(const Query& q) {
    PollReport r;
    r.counter = required_number<uint64_t>(q, "n", parse_u64);
    if (r.counter == 0 || r.counter > static_cast<uint64_t>(INT64_MAX)) {
        throw device_error(400, "bad_parameter", "n= must be 1..2^63-1");
    }
    auto v = q.get("v");
    if (!v)
        throw device_error(400, "missing_parameter", "poll needs v=");
    auto version = parse_version(*v);
    if (!version)
        throw device_error(400, "bad_parameter", "bad value for v=");
    r.version = *version;
    r.slot = static_cast<int>(required_number<uint32_t>(q, "s", parse_u32));
    if (r.slot > 1)
        throw device_error(400, "bad_parameter", "s= must be 0 or 1");
    r.security_counter = required_number<uint32_t>(q, "k", parse_u32);
    r.boot_state = static_cast<int>(required_number<uint32_t>(q, "b", parse_u32));
    if (r.boot_state > proto::kBootRolledBack)
        throw device_error(400, "bad_parameter", "bad b=");
    if (q.has("e")) {
        r.event = static_cast<int>(required_number<uint32_t>(q, "e", parse_u32));
        if (r.event > proto::kEventFailed)
            throw device_error(400, "bad_parameter", "bad e=");
    }
    if (q.has("r"))
        r.release_id = static_cast<int64_t>(required_number<uint32_t>(q, "r", parse_u32));
    if (q.has("p"))
        r.progress = required_number<uint64_t>(q, "p", parse_u64);
    if (q.has("c")) {
        r.reason = static_cast<int>(required_number<uint32_t>(q, "c", parse_u32));
        // Reason codes newer firmware knows and this server does not are kept as numbers.
        if (r.reason > 0xFFFF)
            throw device_error(400, "bad_parameter", "bad c=");
    }
    // Parameters this server does not know are covered by the MAC and ignored, so newer
    // firmware can add one without being locked out by an older server.
    return r;
}

uint32_t jittered(uint32_t interval, uint32_t jitter) {
    if (jitter == 0 || jitter >= interval)
        return interval;
    thread_local std::mt19937 rng{std::random_device{}()};
    std::uniform_int_distribution<int64_t> dist(-int64_t(jitter), int64_t(jitter));
    return static_cast<uint32_t>(int64_t(interval) + dist(rng));
}

std::string offer_lines(FerryApp& app, const store::Device& d, const PollDecision& dec) {
    const store::Release& rel = *dec.release;
    const store::ReleaseImage* image = nullptr;
    for (const auto& img : rel.images) {
        if (img.slot == dec.target_slot)
            image = &img;
    }
    if (!image)
        throw std::runtime_error("release without an image for the target slot");
    Capability cap{static_cast<uint32_t>(d.id), static_cast<uint32_t>(rel.id),
                   static_cast<uint8_t>(dec.target_slot),
                   static_cast<uint32_t>(app.now() + app.config().capability_ttl_s)};
    std::string body;
    body += "a=offer\n";
    body += "r=" + std::to_string(rel.id) + "\n";
    body += "v=" + rel.version + "\n";
    body += "s=" + std::to_string(dec.target_slot) + "\n";
    body += "z=" + std::to_string(image->size) + "\n";
    body += "h=" + image->sha256 + "\n";
    body +=
        "u=" + std::string(proto::kFetchPrefix) + mint_capability(cap, app.capability_key()) + "\n";
    body += "c=" + std::to_string(app.config().chunk_size) + "\n";
    body += "f=" + base64url_encode(rel.manifest) + "\n";
    return body;
}

// Answers are small on purpose: every byte crosses a paid link.
class PollWork final : public TxWork {
  public:
    // Refers to `request`, which outlives the work.
    PollWork(FerryApp& app, const HttpRequest& request) : app_(app) {
        if (!split_signed_target(request.target, &signed_target_)) {
            throw device_error(401, "missing_mac", "poll must end with &m=<mac>");
        }
        Query q = Query::parse(request.query(), /*allow_escapes=*/false);
        auto name = q.get("d");
        if (!name)
            throw device_error(400, "missing_parameter", "poll needs d=");
        require_name(*name, "device");
        name_ = *name;
        report_ = parse_report(q);
    }

    void run(store::Tx& tx) override {
        auto device = tx.device_for_poll(name_);
        // Same answer for an unknown device and a wrong MAC: no probing for device ids.
        std::string expected = device ? device_mac_hex(device->secret, signed_target_.signed_part)
                                      : std::string(proto::kMacBytes * 2, '0');
        bool mac_ok =
            device && expected.size() == signed_target_.mac_hex.size() &&
            equal_constant_time(reinterpret_cast<const uint8_t*>(expected.data()),
                                reinterpret_cast<const uint8_t*>(signed_target_.mac_hex.data()),
                                expected.size());
        if (!mac_ok)
            throw device_error(401, "bad_mac", "unknown device or wrong MAC");
        // The replay guard, checked early against the counter this transaction read (no work is
        // done for a replay) and again by the write that ends process_poll.
        if (report_.counter <= device->counter)
            throw replayed_poll();
        PollDecision dec = process_poll(tx, *device, report_, app_.now());
        action_ = dec.action;
        uint32_t interval = jittered(app_.config().poll_interval_s, app_.config().poll_jitter_s);
        if (dec.action == PollAction::offer) {
            body_ = offer_lines(app_, *device, dec);
        } else {
            body_ = std::string("a=") + action_name(dec.action) + "\n";
        }
        body_ += "i=" + std::to_string(interval) + "\n";
        body_ += "m=" + response_mac_hex(device->secret, report_.counter, body_) + "\n";
    }

    HttpResponse response() override {
        app_.metrics().count_poll(action_name(action_));
        HttpResponse r;
        r.set_header("Content-Type", "text/plain");
        r.body = std::move(body_);
        return r;
    }

  private:
    FerryApp& app_;
    SignedTarget signed_target_;  // views into the request
    std::string name_;
    PollReport report_;
    std::string body_;
    PollAction action_ = PollAction::idle;
};

}  // namespace

std::unique_ptr<TxWork> start_poll(FerryApp& app, const HttpRequest& request) {
    return std::make_unique<PollWork>(app, request);
}

}  // namespace ferry::api
