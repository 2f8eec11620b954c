// The device API: GET /p (poll) and GET|HEAD /f/{capability} (ranged image download).
// Spec: proto/device-api.md. Answers are small on purpose: every byte crosses a paid link.
#include <random>

#include "api/api_error.h"
#include "api/byte_range.h"
#include "api/capability.h"
#include "api/device_auth.h"
#include "api/ferry_app.h"
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
    if (!text) throw device_error(400, "missing_parameter", std::string("poll needs ") + key + "=");
    auto v = parse(*text);
    if (!v) throw device_error(400, "bad_parameter", std::string("bad value for ") + key + "=");
    return *v;
}

PollReport parse_report(const Query& q) {
    PollReport r;
    r.counter = required_number<uint64_t>(q, "n", parse_u64);
    if (r.counter == 0 || r.counter > static_cast<uint64_t>(INT64_MAX)) {
        throw device_error(400, "bad_parameter", "n= must be 1..2^63-1");
    }
    auto v = q.get("v");
    if (!v) throw device_error(400, "missing_parameter", "poll needs v=");
    auto version = parse_version(*v);
    if (!version) throw device_error(400, "bad_parameter", "bad value for v=");
    r.version = *version;
    r.slot = static_cast<int>(required_number<uint32_t>(q, "s", parse_u32));
    if (r.slot > 1) throw device_error(400, "bad_parameter", "s= must be 0 or 1");
    r.security_counter = required_number<uint32_t>(q, "k", parse_u32);
    r.boot_state = static_cast<int>(required_number<uint32_t>(q, "b", parse_u32));
    if (r.boot_state > proto::kBootRolledBack) throw device_error(400, "bad_parameter", "bad b=");
    if (q.has("e")) {
        r.event = static_cast<int>(required_number<uint32_t>(q, "e", parse_u32));
        if (r.event > proto::kEventFailed) throw device_error(400, "bad_parameter", "bad e=");
    }
    if (q.has("r")) r.release_id = static_cast<int64_t>(required_number<uint32_t>(q, "r", parse_u32));
    if (q.has("p")) r.progress = required_number<uint64_t>(q, "p", parse_u64);
    if (q.has("c")) {
        r.reason = static_cast<int>(required_number<uint32_t>(q, "c", parse_u32));
        // Reason codes newer firmware knows and this server does not are kept as numbers.
        if (r.reason > 0xFFFF) throw device_error(400, "bad_parameter", "bad c=");
    }
    // Parameters this server does not know are covered by the MAC and ignored, so newer
    // firmware can add one without being locked out by an older server.
    return r;
}

uint32_t jittered(uint32_t interval, uint32_t jitter) {
    if (jitter == 0 || jitter >= interval) return interval;
    thread_local std::mt19937 rng{std::random_device{}()};
    std::uniform_int_distribution<int64_t> dist(-int64_t(jitter), int64_t(jitter));
    return static_cast<uint32_t>(int64_t(interval) + dist(rng));
}

std::string offer_lines(FerryApp& app, const store::Device& d, const PollDecision& dec) {
    const store::Release& rel = *dec.release;
    const store::ReleaseImage* image = nullptr;
    for (const auto& img : rel.images) {
        if (img.slot == dec.target_slot) image = &img;
    }
    if (!image) throw std::runtime_error("release without an image for the target slot");
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
    body += "u=" + std::string(proto::kFetchPrefix) + mint_capability(cap, app.capability_key()) + "\n";
    body += "c=" + std::to_string(app.config().chunk_size) + "\n";
    body += "f=" + base64url_encode(rel.manifest) + "\n";
    return body;
}

HttpResponse poll(FerryApp& app, RouteContext& ctx) {
    SignedTarget signed_target;
    if (!split_signed_target(ctx.request.target, &signed_target)) {
        throw device_error(401, "missing_mac", "poll must end with &m=<mac>");
    }
    Query q = Query::parse(ctx.request.query(), /*allow_escapes=*/false);
    auto name = q.get("d");
    if (!name) throw device_error(400, "missing_parameter", "poll needs d=");
    require_name(*name, "device");
    PollReport report = parse_report(q);

    std::string body;
    PollAction action = PollAction::idle;
    app.store().transact([&](store::Tx& tx) {
        auto device = tx.device_for_poll(*name);
        // Same answer for an unknown device and a wrong MAC: no probing for device ids.
        std::string expected = device ? device_mac_hex(device->secret, signed_target.signed_part)
                                      : std::string(proto::kMacBytes * 2, '0');
        bool mac_ok = device && expected.size() == signed_target.mac_hex.size() &&
                      equal_constant_time(reinterpret_cast<const uint8_t*>(expected.data()),
                                          reinterpret_cast<const uint8_t*>(signed_target.mac_hex.data()),
                                          expected.size());
        if (!mac_ok) throw device_error(401, "bad_mac", "unknown device or wrong MAC");
        if (!tx.advance_counter(device->id, report.counter)) {
            throw device_error(409, "replayed", "counter not above the last accepted one");
        }
        PollDecision dec = process_poll(tx, *device, report, app.now());
        action = dec.action;
        uint32_t interval = jittered(app.config().poll_interval_s, app.config().poll_jitter_s);
        if (dec.action == PollAction::offer) {
            body = offer_lines(app, *device, dec);
        } else {
            body = std::string("a=") + action_name(dec.action) + "\n";
        }
        body += "i=" + std::to_string(interval) + "\n";
        body += "m=" + response_mac_hex(device->secret, report.counter, body) + "\n";
    });
    app.metrics().count_poll(action_name(action));
    HttpResponse r;
    r.set_header("Content-Type", "text/plain");
    r.body = std::move(body);
    return r;
}

// --- download ---------------------------------------------------------------------------------

std::string etag_of(const std::string& bytes_sha_hex) { return "\"" + bytes_sha_hex.substr(0, 16) + "\""; }

HttpResponse fetch(FerryApp& app, RouteContext& ctx, bool head) {
    Capability cap;
    switch (check_capability(ctx.params.at(0), app.capability_key(), app.now(), &cap)) {
        case CapabilityError::none: break;
        case CapabilityError::expired:
            throw ApiError(403, "capability_expired", "download link expired; poll again");
        case CapabilityError::bad_mac:
        case CapabilityError::malformed:
            throw ApiError(403, "bad_capability", "not a valid download link");
    }
    auto image = app.image_bytes(cap.release_id, cap.slot);
    if (!image) throw not_found("release no longer exists");
    const uint64_t size = image->bytes.size();
    std::string etag = etag_of(image->sha256_hex);

    Query q = Query::parse(ctx.request.query(), false);
    for (const auto& [k, v] : q.items()) {
        if (k != proto::kRangeQueryParam) throw bad_request("bad_parameter", "unknown parameter " + k);
    }
    const std::string* header = ctx.request.header("range");
    auto query_range = q.get(proto::kRangeQueryParam);
    if (header && query_range) throw bad_request("ambiguous_range", "Range header and r= both given");
    std::optional<ByteRange> range;
    if (header || query_range) {
        RangeResult rr = header ? parse_range(*header, size, false) : parse_range(*query_range, size, true);
        const std::string* if_range = ctx.request.header("if-range");
        bool honour = !if_range || *if_range == etag;  // a stale validator gets the whole image
        if (rr.error != RangeError::none) {
            HttpResponse r = error_response(416, rr.error == RangeError::malformed ? "malformed_range"
                                                                                   : "range_not_satisfiable",
                                            "range cannot be served; image is " + std::to_string(size) + " bytes");
            r.set_header("Content-Range", "bytes */" + std::to_string(size));
            return r;
        }
        if (honour) range = rr.range;
    }

    HttpResponse r;
    r.set_header("Content-Type", "application/octet-stream");
    r.set_header("ETag", etag);
    r.set_header("Accept-Ranges", "bytes");
    ByteRange span = range.value_or(ByteRange{0, size - 1});
    if (range) {
        r.status = 206;
        r.set_header("Content-Range", "bytes " + std::to_string(span.first) + "-" +
                                          std::to_string(span.last) + "/" + std::to_string(size));
    }
    if (head) {
        r.head_only = true;
        r.head_length = span.length();
        return r;
    }
    r.shared_body = std::shared_ptr<const std::string>(image, &image->bytes);
    r.shared_offset = span.first;
    r.shared_length = span.length();
    app.byte_counter().add(cap.device_id, cap.release_id, span.length());
    app.metrics().add_bytes_served(span.length());
    return r;
}

}  // namespace

void add_device_api_routes(Router& router, FerryApp& app) {
    router.add("GET", proto::kPollPath, Access::device, [&app](RouteContext& c) { return poll(app, c); });
    router.add("GET", "/f/{capability}", Access::device,
               [&app](RouteContext& c) { return fetch(app, c, false); });
    router.add("HEAD", "/f/{capability}", Access::device,
               [&app](RouteContext& c) { return fetch(app, c, true); });
}

}  // namespace ferry::api
