// The device's HTTP/1.1 response reader, fed in pieces of every size: never past the body
// buffer, never stuck.
#include "agent/http_response.h"

using namespace ferry;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const size_t piece = 1 + data[0] % 64;
    uint8_t body[2048];
    HttpResponseReader r;
    r.reset(body, sizeof body);
    for (size_t pos = 1; pos < size && !r.done();) {
        size_t n = size - pos < piece ? size - pos : piece;
        int used = r.feed(data + pos, n);
        if (used < 0) break;
        pos += static_cast<size_t>(used);
        if (used == 0) break;
    }
    return 0;
}
