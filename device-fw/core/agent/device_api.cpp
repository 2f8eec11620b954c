#include "agent/device_api.h"

#include <string.h>

#include "crypto/ed25519.h"
#include "crypto/hmac_sha256.h"
#include "ferry/errors.h"
#include "image/image_check.h"
#include "util/bytes_le.h"
#include "util/text_out.h"

namespace ferry {
namespace {

const char kHex[] = "0123456789abcdef";

void mac_hex(const uint8_t* secret, const uint8_t* msg, size_t len, char out[33]) {
    uint8_t mac[32];
    crypto::hmac_sha256(secret, proto::kDeviceSecretBytes, msg, len, mac);
    for (uint32_t i = 0; i < proto::kMacBytes; ++i) {
        out[2 * i] = kHex[mac[i] >> 4];
        out[2 * i + 1] = kHex[mac[i] & 15];
    }
    out[32] = '\0';
}

bool parse_u32(const char* s, size_t n, uint32_t* out) {
    if (n == 0 || n > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + static_cast<uint32_t>(s[i] - '0');
    }
    if (v > 0xFFFFFFFFull)
        return false;
    *out = static_cast<uint32_t>(v);
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool eq(const char* s, size_t n, const char* lit) {
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

int b64_value(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

}  // namespace

int build_poll_target(const DeviceIdentity& id, const PollReport& r, char* out, size_t out_len) {
    TextOut o(out, out_len);
    o.put(proto::kPollPath);
    o.put("?d=");
    o.put(id.device_id);
    o.kv("&n=", r.counter);
    o.kv("&v=", r.version_major);
    o.kv(".", r.version_minor);
    o.kv(".", r.version_patch);
    if (r.version_build)
        o.kv("+", r.version_build);
    o.kv("&s=", r.slot);
    o.kv("&k=", r.security_counter);
    o.kv("&b=", r.boot_state);
    if (r.event) {
        o.kv("&e=", r.event);
        if (r.release_id)
            o.kv("&r=", r.release_id);
        if (r.event == proto::kEventDownloading)
            o.kv("&p=", r.progress);
        if (r.reason)
            o.kv("&c=", r.reason);
    }
    if (o.overflow())
        return FERRY_ERR_NOSPC;
    char mac[33];
    mac_hex(id.secret, reinterpret_cast<const uint8_t*>(out), o.len(), mac);
    o.put("&m=");
    o.put(mac);
    return o.overflow() ? FERRY_ERR_NOSPC : static_cast<int>(o.len());
}

int base64url_decode(const char* in, size_t len, uint8_t* out, size_t out_len) {
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; ++i) {
        int v = b64_value(in[i]);
        if (v < 0)
            return FERRY_ERR_INVALID;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n >= out_len)
                return FERRY_ERR_NOSPC;
            out[n++] = static_cast<uint8_t>(acc >> bits);
        }
    }
    if (bits >= 6 || (acc & ((1u << bits) - 1)) != 0)
        return FERRY_ERR_INVALID;
    return static_cast<int>(n);
}

int parse_poll_answer(const DeviceIdentity& id, uint64_t counter, const char* body, size_t len,
                      PollAnswer* out) {
    memset(out, 0, sizeof *out);
    if (len == 0 || len > proto::kMaxResponseBytes || body[len - 1] != '\n')
        return FERRY_ERR_INVALID;
    // The MAC line is the last line: "m=<32 hex>\n".
    if (len < 35 || memcmp(body + len - 35, "m=", 2) != 0 || (len > 35 && body[len - 36] != '\n')) {
        return FERRY_ERR_INVALID;
    }
    const size_t signed_len = len - 35;
    // MAC over "n=<counter>\n" + body[0, signed_len).
    uint8_t msg[proto::kMaxResponseBytes + 32];
    TextOut prefix(reinterpret_cast<char*>(msg), sizeof msg);
    prefix.kv("n=", counter).put_char('\n');
    memcpy(msg + prefix.len(), body, signed_len);
    char expected[33];
    mac_hex(id.secret, msg, prefix.len() + signed_len, expected);
    uint8_t diff = 0;
    for (int i = 0; i < 32; ++i)
        diff |= static_cast<uint8_t>(expected[i] ^ body[len - 33 + i]);
    if (diff)
        return FERRY_ERR_SIGNATURE;

    bool have_action = false, have_interval = false;
    size_t pos = 0;
    while (pos < signed_len) {
        const char* line = body + pos;
        const char* nl = static_cast<const char*>(memchr(line, '\n', signed_len - pos));
        if (!nl)
            return FERRY_ERR_INVALID;
        size_t n = static_cast<size_t>(nl - line);
        pos += n + 1;
        const char* eqp = static_cast<const char*>(memchr(line, '=', n));
        if (!eqp)
            return FERRY_ERR_INVALID;
        const char* key = line;
        size_t klen = static_cast<size_t>(eqp - line);
        const char* v = eqp + 1;
        size_t vlen = n - klen - 1;
        if (eq(key, klen, "a")) {
            have_action = true;
            if (eq(v, vlen, proto::kActionIdle))
                out->action = PollAnswer::kIdle;
            else if (eq(v, vlen, proto::kActionOffer))
                out->action = PollAnswer::kOffer;
            else if (eq(v, vlen, proto::kActionConfirm))
                out->action = PollAnswer::kConfirm;
            else if (eq(v, vlen, proto::kActionAbort))
                out->action = PollAnswer::kAbort;
            else
                return FERRY_ERR_INVALID;
        } else if (eq(key, klen, "i")) {
            if (!parse_u32(v, vlen, &out->interval_s))
                return FERRY_ERR_INVALID;
            have_interval = true;
        } else if (eq(key, klen, "r")) {
            if (!parse_u32(v, vlen, &out->release_id))
                return FERRY_ERR_INVALID;
        } else if (eq(key, klen, "v")) {
            if (vlen == 0 || vlen >= sizeof out->version)
                return FERRY_ERR_INVALID;
            memcpy(out->version, v, vlen);
            out->version[vlen] = '\0';
        } else if (eq(key, klen, "s")) {
            uint32_t s;
            if (!parse_u32(v, vlen, &s) || s > 1)
                return FERRY_ERR_INVALID;
            out->slot = static_cast<uint8_t>(s);
        } else if (eq(key, klen, "z")) {
            if (!parse_u32(v, vlen, &out->size))
                return FERRY_ERR_INVALID;
        } else if (eq(key, klen, "h")) {
            if (vlen != 64)
                return FERRY_ERR_INVALID;
            for (size_t i = 0; i < 32; ++i) {
                int hi = hex_value(v[2 * i]), lo = hex_value(v[2 * i + 1]);
                if (hi < 0 || lo < 0)
                    return FERRY_ERR_INVALID;
                out->sha256[i] = static_cast<uint8_t>(hi << 4 | lo);
            }
        } else if (eq(key, klen, "u")) {
            if (vlen == 0 || vlen >= sizeof out->url || v[0] != '/')
                return FERRY_ERR_INVALID;
            for (size_t i = 0; i < vlen; ++i) {
                if (v[i] <= ' ' || v[i] == '"' || v[i] > '~')
                    return FERRY_ERR_INVALID;  // goes into AT lines
            }
            memcpy(out->url, v, vlen);
            out->url[vlen] = '\0';
        } else if (eq(key, klen, "c")) {
            if (!parse_u32(v, vlen, &out->chunk))
                return FERRY_ERR_INVALID;
        } else if (eq(key, klen, "f")) {
            int m = base64url_decode(v, vlen, out->manifest, sizeof out->manifest);
            if (m != static_cast<int>(sizeof out->manifest))
                return FERRY_ERR_INVALID;
            out->has_manifest = true;
        }
        // other keys: from a newer server, skipped
    }
    if (!have_action || !have_interval)
        return FERRY_ERR_INVALID;
    if (out->action == PollAnswer::kOffer &&
        (out->size == 0 || out->url[0] != '/' || out->chunk == 0 || !out->has_manifest ||
         out->release_id == 0)) {
        return FERRY_ERR_INVALID;
    }
    return FERRY_OK;
}

int check_offer_manifest(const PollAnswer& offer, const TrustedKey* keys, size_t key_count,
                         uint32_t hw_id, uint32_t min_security_counter, uint16_t* reason) {
    const uint8_t* m = offer.manifest;
    *reason = proto::kReasonManifestInvalid;
    if (!offer.has_manifest || load32_le(m) != proto::kManifestMagic ||
        (m[4] | m[5] << 8) != proto::kManifestFormat || (m[6] | m[7] << 8) != proto::kSlotCount) {
        return FERRY_ERR_INVALID;
    }
    const size_t key_id_off = offsetof(proto::ReleaseManifest, rm_key_id);
    const TrustedKey* key = nullptr;
    for (size_t k = 0; k < key_count; ++k) {
        if (memcmp(keys[k].key_id, m + key_id_off, proto::kKeyIdSize) == 0)
            key = &keys[k];
    }
    if (!key) {
        *reason = proto::kReasonKeyUnknown;
        return FERRY_ERR_SIGNATURE;
    }
    if (crypto::ed25519_verify(m + proto::kManifestSignedSize, m, proto::kManifestSignedSize,
                               key->public_key) != 0) {
        *reason = proto::kReasonSignatureInvalid;
        return FERRY_ERR_SIGNATURE;
    }
    if (load32_le(m + offsetof(proto::ReleaseManifest, rm_hw_id)) != hw_id) {
        *reason = proto::kReasonHardwareMismatch;
        return FERRY_ERR_INVALID;
    }
    if (load32_le(m + offsetof(proto::ReleaseManifest, rm_security_counter)) <
        min_security_counter) {
        *reason = proto::kReasonSecurityCounterLower;
        return FERRY_ERR_INVALID;
    }
    const uint8_t* img =
        m + offsetof(proto::ReleaseManifest, rm_images) + offer.slot * sizeof(proto::ManifestImage);
    if (img[0] != offer.slot ||
        load32_le(img + offsetof(proto::ManifestImage, mi_size)) != offer.size ||
        memcmp(img + offsetof(proto::ManifestImage, mi_sha256), offer.sha256, 32) != 0) {
        *reason = proto::kReasonManifestInvalid;
        return FERRY_ERR_INVALID;
    }
    *reason = proto::kReasonNone;
    return FERRY_OK;
}

}  // namespace ferry
