#include "image/image_check.h"

#include <string.h>

#include "crypto/ed25519.h"
#include "crypto/sha256.h"
#include "ferry/errors.h"
#include "ferry/proto/device_api.h"
#include "util/bytes_le.h"

namespace ferry {
namespace {

int fail(uint16_t* reason, uint16_t why, int err) {
    *reason = why;
    return err;
}

// SHA-256 of [addr, addr+len) read in pieces from flash.
int hash_flash(const FlashPort& flash, uint32_t addr, uint32_t len, uint8_t out[32]) {
    crypto::Sha256 h;
    uint8_t buf[256];
    while (len > 0) {
        uint32_t n = len < sizeof buf ? len : sizeof buf;
        int err = flash.read(flash.ctx, addr, buf, n);
        if (err)
            return err;
        h.update(buf, n);
        addr += n;
        len -= n;
    }
    h.final(out);
    return FERRY_OK;
}

}  // namespace

int image_read_header(const FlashPort& flash, uint32_t slot_addr, proto::ImageHeader* header) {
    int err = flash.read(flash.ctx, slot_addr, header, sizeof *header);
    if (err)
        return err;
    if (header->ih_magic != proto::kImageMagic)
        return FERRY_ERR_CORRUPT;
    return FERRY_OK;
}

int image_check(const FlashPort& flash, const ImageExpect& expect, const TrustedKey* keys,
                size_t key_count, ImageInfo* info, uint16_t* reason) {
    *reason = proto::kReasonNone;
    proto::ImageHeader& h = info->header;
    int err = flash.read(flash.ctx, expect.load_addr, &h, sizeof h);
    if (err)
        return fail(reason, proto::kReasonFlashError, err);
    if (h.ih_magic != proto::kImageMagic || h.ih_header_version != proto::kImageHeaderVersion ||
        h.ih_header_size != proto::kImageHeaderSize) {
        return fail(reason, proto::kReasonHashMismatch, FERRY_ERR_CORRUPT);
    }
    if (h.ih_hw_id != expect.hw_id)
        return fail(reason, proto::kReasonHardwareMismatch, FERRY_ERR_INVALID);
    if (h.ih_slot != expect.slot || h.ih_load_addr != expect.load_addr) {
        return fail(reason, proto::kReasonHardwareMismatch, FERRY_ERR_INVALID);
    }
    if (h.ih_security_counter < expect.min_security_counter) {
        return fail(reason, proto::kReasonSecurityCounterLower, FERRY_ERR_INVALID);
    }
    // Sizes checked before they are added, so nothing can wrap.
    if (h.ih_app_size == 0 || h.ih_app_size > expect.slot_limit) {
        return fail(reason, proto::kReasonImageTooLarge, FERRY_ERR_CORRUPT);
    }
    const uint32_t signed_len = h.ih_header_size + h.ih_app_size;
    if (signed_len + sizeof(proto::TrailerInfo) > expect.slot_limit) {
        return fail(reason, proto::kReasonImageTooLarge, FERRY_ERR_CORRUPT);
    }
    uint8_t trailer[proto::kMaxTrailerSize];
    err = flash.read(flash.ctx, expect.load_addr + signed_len, trailer, sizeof(proto::TrailerInfo));
    if (err)
        return fail(reason, proto::kReasonFlashError, err);
    const uint16_t total = load16_le(trailer + 2);
    if (load16_le(trailer) != proto::kTrailerMagic || total < sizeof(proto::TrailerInfo) ||
        total > proto::kMaxTrailerSize || signed_len + total > expect.slot_limit) {
        return fail(reason, proto::kReasonHashMismatch, FERRY_ERR_CORRUPT);
    }
    err = flash.read(flash.ctx, expect.load_addr + signed_len, trailer, total);
    if (err)
        return fail(reason, proto::kReasonFlashError, err);
    info->image_size = signed_len + total;

    // Walk the records: each header and value must lie inside the trailer.
    const uint8_t* recorded_hash = nullptr;
    const uint8_t* sig_record = nullptr;
    uint32_t pos = sizeof(proto::TrailerInfo);
    while (pos < total) {
        if (total - pos < sizeof(proto::TlvHeader))
            return fail(reason, proto::kReasonHashMismatch, FERRY_ERR_CORRUPT);
        const uint16_t type = load16_le(trailer + pos);
        const uint16_t len = load16_le(trailer + pos + 2);
        pos += sizeof(proto::TlvHeader);
        if (len > total - pos)
            return fail(reason, proto::kReasonHashMismatch, FERRY_ERR_CORRUPT);
        if (type == proto::kTlvSha256) {
            if (len != proto::kSha256Size || recorded_hash)
                return fail(reason, proto::kReasonHashMismatch, FERRY_ERR_CORRUPT);
            recorded_hash = trailer + pos;
        } else if (type == proto::kTlvEd25519) {
            if (len != sizeof(proto::Ed25519SigRecord) || sig_record) {
                return fail(reason, proto::kReasonSignatureInvalid, FERRY_ERR_CORRUPT);
            }
            sig_record = trailer + pos;
        } else if (type & proto::kTlvCriticalBit) {
            return fail(reason, proto::kReasonManifestInvalid, FERRY_ERR_CORRUPT);
        }
        pos += (len + 3u) & ~3u;
    }
    if (!recorded_hash)
        return fail(reason, proto::kReasonHashMismatch, FERRY_ERR_HASH);
    if (!sig_record)
        return fail(reason, proto::kReasonSignatureInvalid, FERRY_ERR_SIGNATURE);

    err = hash_flash(flash, expect.load_addr, signed_len, info->sha256);
    if (err)
        return fail(reason, proto::kReasonFlashError, err);
    if (memcmp(info->sha256, recorded_hash, proto::kSha256Size) != 0) {
        return fail(reason, proto::kReasonHashMismatch, FERRY_ERR_HASH);
    }
    for (size_t k = 0; k < key_count; ++k) {
        if (memcmp(keys[k].key_id, sig_record, proto::kKeyIdSize) != 0)
            continue;
        if (crypto::ed25519_verify(sig_record + proto::kKeyIdSize, info->sha256, proto::kSha256Size,
                                   keys[k].public_key) == 0) {
            return FERRY_OK;
        }
        return fail(reason, proto::kReasonSignatureInvalid, FERRY_ERR_SIGNATURE);
    }
    return fail(reason, proto::kReasonKeyUnknown, FERRY_ERR_SIGNATURE);
}

}  // namespace ferry
