// The device-API answer parser: once as the raw bytes arrive (MAC check first), and once with a
// correct MAC appended, so the field parsing behind the MAC is reached too.
#include <string.h>

#include "agent/device_api.h"
#include "image/image_check.h"
#include "crypto/hmac_sha256.h"
#include "util/text_out.h"

using namespace ferry;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    DeviceIdentity id{};
    memcpy(id.device_id, "fuzz", 5);
    PollAnswer a;
    parse_poll_answer(id, 7, reinterpret_cast<const char*>(data), size, &a);
    if (size > 900) return 0;
    char body[1024];
    memcpy(body, data, size);
    // MAC over "n=7\n" + body, as ferryd computes it.
    uint8_t msg[1100];
    memcpy(msg, "n=7\n", 4);
    memcpy(msg + 4, data, size);
    uint8_t mac[32];
    crypto::hmac_sha256(id.secret, sizeof id.secret, msg, 4 + size, mac);
    static const char hex[] = "0123456789abcdef";
    TextOut o(body + size, sizeof body - size);
    o.put("m=");
    for (int i = 0; i < 16; ++i) o.put_char(hex[mac[i] >> 4]).put_char(hex[mac[i] & 15]);
    o.put_char('\n');
    if (parse_poll_answer(id, 7, body, size + o.len(), &a) == 0 && a.action == PollAnswer::kOffer) {
        TrustedKey key{};
        uint16_t reason;
        check_offer_manifest(a, &key, 1, 1, 0, &reason);
    }
    return 0;
}
