// /api/v1/releases: upload (verified against the trusted release keys), list, show, delete.
#include "api/api_error.h"
#include "api/audit.h"
#include "api/ferry_app.h"
#include "api/json_io.h"
#include "api/validate.h"
#include "common/crypto.h"
#include "common/log.h"

namespace ferry::api {
namespace {

// For the boards Ferry knows, the images must be linked for that board's slots and fit them.
void check_layout(const release::ParsedBundle& b) {
    const proto::SlotLayout* layout = proto::find_layout(b.manifest.rm_hw_id);
    if (!layout) return;  // custom hardware: the operator's layout, not ours to judge
    for (int slot = 0; slot < proto::kSlotCount; ++slot) {
        const auto& img = b.manifest.rm_images[slot];
        if (img.mi_load_addr != layout->slot_base[slot]) {
            throw ApiError(422, "hw_mismatch",
                           "slot " + std::string(slot == 0 ? "A" : "B") +
                               " image is not linked for " + hw_id_name(layout->hw_id) +
                               "'s slot address");
        }
        if (img.mi_size > layout->slot_image_limit) {
            throw ApiError(413, "too_large", "image does not fit " + hw_id_name(layout->hw_id) +
                                                 "'s slot (" + std::to_string(layout->slot_image_limit) +
                                                 " bytes)");
        }
    }
}

HttpResponse upload(FerryApp& app, RouteContext& ctx) {
    const std::string& body = ctx.request.body;
    try {
        if (body.size() > app.config().max_upload_bytes) {
            throw ApiError(413, "body_too_large", "a release bundle is at most " +
                                                      std::to_string(app.config().max_upload_bytes) +
                                                      " bytes");
        }
        if (body.empty()) throw bad_request("empty_body", "send the bundle file as the body");
        Bytes bundle(body.begin(), body.end());
        size_t key_index = 0;
        release::ParsedBundle parsed;
        try {
            parsed = release::verify_bundle(bundle, app.config().trusted_keys, &key_index);
        } catch (const release::BundleError& e) {
            // Well-formed but failing verification is 422; broken structure is 400.
            bool refused = e.code == "unknown_key" || e.code == "bad_signature" ||
                           e.code == "hash_mismatch" || e.code == "inconsistent";
            int status = refused ? 422 : e.code == "too_large" ? 413 : 400;
            throw ApiError(status, e.code, e.what());
        }
        check_layout(parsed);
        if (auto hw = ctx.request.header("x-ferry-expect-hw")) {
            auto expected = parse_hw_id(*hw);
            if (!expected || *expected != parsed.manifest.rm_hw_id) {
                throw ApiError(422, "hw_mismatch", "bundle is for " + hw_id_name(parsed.manifest.rm_hw_id) +
                                                       ", not " + *hw);
            }
        }

        store::Release rel;
        rel.hw_id = parsed.manifest.rm_hw_id;
        rel.version = parsed.version().str();
        rel.version_key = parsed.version().key();
        rel.security_counter = parsed.manifest.rm_security_counter;
        auto kid = parsed.key_id();
        rel.key_id = hex_encode(kid.data(), kid.size());
        rel.key_name = app.config().trusted_keys[key_index].name;
        rel.manifest = parsed.manifest_bytes;
        rel.created_at = app.now();
        rel.created_by = ctx.caller_name();
        for (int slot = 0; slot < proto::kSlotCount; ++slot) {
            const auto& img = parsed.manifest.rm_images[slot];
            rel.images.push_back({slot, img.mi_load_addr, img.mi_size,
                                  hex_encode(img.mi_sha256, sizeof img.mi_sha256)});
        }

        // Refuse a duplicate before writing any blob, then write blobs, then make the release
        // visible in one transaction. A crash between the two leaves only unreferenced blobs,
        // which start-up removes.
        bool exists = false;
        app.store().transact([&](store::Tx& tx) {
            exists = tx.release_by_version(rel.hw_id, rel.version_key).has_value();
        });
        if (exists) {
            throw ApiError(409, "duplicate_version",
                           "release " + rel.version + " already exists for " + hw_id_name(rel.hw_id));
        }
        for (int slot = 0; slot < proto::kSlotCount; ++slot) {
            try {
                app.blobs().put(rel.images[slot].sha256, parsed.images[slot]);
            } catch (const std::exception& e) {
                log::error("blob write failed", {{"error", e.what()}});
                throw ApiError(507, "storage_full", "cannot store the images now; nothing was kept");
            }
        }
        try {
            app.store().transact([&](store::Tx& tx) {
                for (const auto& img : rel.images) tx.insert_blob_if_absent(img.sha256, img.size, rel.created_at);
                rel.id = tx.insert_release(rel);
                audit(tx, ctx, rel.created_at, "release.uploaded",
                      "release " + std::to_string(rel.id) + " (" + rel.version + ")",
                      hw_id_name(rel.hw_id) + ", signed by " + rel.key_name);
            });
        } catch (const store::ConflictError& e) {
            throw ApiError(409, "duplicate_version", e.what());
        }
        log::info("release stored", {{"release", rel.id}, {"version", rel.version},
                                     {"hw", hw_id_name(rel.hw_id)}, {"key", rel.key_name}});
        return json_ok(release_json(rel), 201);
    } catch (const ApiError& e) {
        app.metrics().count_upload_failure(e.code);
        throw;
    }
}

store::Release load(FerryApp& app, const std::string& id_text) {
    int64_t id = require_id(id_text);
    std::optional<store::Release> r;
    app.store().transact([&](store::Tx& tx) { r = tx.release_by_id(id); });
    if (!r) throw not_found("no release " + std::to_string(id));
    return *r;
}

HttpResponse list(FerryApp& app, RouteContext&) {
    nlohmann::json out = nlohmann::json::array();
    app.store().transact([&](store::Tx& tx) {
        for (const auto& r : tx.list_releases()) out.push_back(release_json(r));
    });
    return json_ok({{"releases", out}});
}

HttpResponse show(FerryApp& app, RouteContext& ctx) {
    store::Release r = load(app, ctx.params[0]);
    nlohmann::json j = release_json(r);
    j["manifest"] = base64url_encode(r.manifest);
    return json_ok(j);
}

HttpResponse remove(FerryApp& app, RouteContext& ctx) {
    int64_t id = require_id(ctx.params[0]);
    std::vector<std::string> freed;
    app.store().transact([&](store::Tx& tx) {
        auto r = tx.release_by_id(id);
        if (!r) throw not_found("no release " + std::to_string(id));
        auto uses = tx.release_uses(id);
        if (!uses.empty()) {
            std::string why;
            for (const auto& u : uses) why += (why.empty() ? "" : "; ") + u;
            throw ApiError(409, "release_in_use", "release is still in use: " + why);
        }
        tx.delete_release(id);
        audit(tx, ctx, app.now(), "release.deleted",
              "release " + std::to_string(id) + " (" + r->version + ")");
        for (const auto& img : r->images) {
            if (!tx.blob_referenced(img.sha256)) {
                tx.delete_blob_row(img.sha256);
                freed.push_back(img.sha256);
            }
        }
    });
    app.images().drop_release(id);
    for (const auto& sha : freed) app.blobs().remove(sha);
    return HttpResponse{204};
}

}  // namespace

void add_release_routes(Router& router, FerryApp& app) {
    router.add("GET", "/api/v1/releases", Access::viewer, bind(app, list));
    router.add("POST", "/api/v1/releases", Access::operator_, bind(app, upload));
    router.add("GET", "/api/v1/releases/{id}", Access::viewer, bind(app, show));
    router.add("DELETE", "/api/v1/releases/{id}", Access::admin, bind(app, remove));
}

}  // namespace ferry::api
