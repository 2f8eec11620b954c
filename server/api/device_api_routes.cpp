// The device API: GET /p (poll, in poll_work.cpp) and GET|HEAD /f/{capability} (ranged image
// download). Spec: proto/device-api.md. Answers are small on purpose: every byte crosses a paid
// link.
#include "api/api_error.h"
#include "api/byte_range.h"
#include "api/capability.h"
#include "api/ferry_app.h"
#include "api/poll_work.h"
#include "api/query.h"
#include "ferry/proto/device_api.h"

namespace ferry::api {
namespace {

// --- download ---------------------------------------------------------------------------------

std::string etag_of(const std::string& bytes_sha_hex) {
    return "\"" + bytes_sha_hex.substr(0, 16) + "\"";
}

HttpResponse fetch(FerryApp& app, RouteContext& ctx, bool head) {
    Capability cap;
    switch (check_capability(ctx.params.at(0), app.capability_key(), app.now(), &cap)) {
        case CapabilityError::none:
            break;
        case CapabilityError::expired:
            throw ApiError(403, "capability_expired", "download link expired; poll again");
        case CapabilityError::bad_mac:
        case CapabilityError::malformed:
            throw ApiError(403, "bad_capability", "not a valid download link");
    }
    auto image = app.image_bytes(cap.release_id, cap.slot);
    if (!image)
        throw not_found("release no longer exists");
    const uint64_t size = image->bytes.size();
    std::string etag = etag_of(image->sha256_hex);

    Query q = Query::parse(ctx.request.query(), false);
    for (const auto& [k, v] : q.items()) {
        if (k != proto::kRangeQueryParam)
            throw bad_request("bad_parameter", "unknown parameter " + k);
    }
    const std::string* header = ctx.request.header("range");
    auto query_range = q.get(proto::kRangeQueryParam);
    if (header && query_range)
        throw bad_request("ambiguous_range", "Range header and r= both given");
    std::optional<ByteRange> range;
    if (header || query_range) {
        RangeResult rr =
            header ? parse_range(*header, size, false) : parse_range(*query_range, size, true);
        const std::string* if_range = ctx.request.header("if-range");
        bool honour = !if_range || *if_range == etag;  // a stale validator gets the whole image
        if (rr.error != RangeError::none) {
            HttpResponse r = error_response(
                416,
                rr.error == RangeError::malformed ? "malformed_range" : "range_not_satisfiable",
                "range cannot be served; image is " + std::to_string(size) + " bytes");
            r.set_header("Content-Range", "bytes */" + std::to_string(size));
            return r;
        }
        if (honour)
            range = rr.range;
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
    // A transactional route: the app answers it from the store's commit, not on the I/O thread.
    router.add_tx("GET", proto::kPollPath, Access::device,
                  [&app](RouteContext& c) { return start_poll(app, c.request); });
    router.add("GET", "/f/{capability}", Access::device,
               [&app](RouteContext& c) { return fetch(app, c, false); });
    router.add("HEAD", "/f/{capability}", Access::device,
               [&app](RouteContext& c) { return fetch(app, c, true); });
}

}  // namespace ferry::api
