// How the agent reaches ferryd: one GET at a time, body into the caller's buffer. Two Telit
// implementations (the modem's HTTP client, and raw sockets with our own HTTP/1.1 client);
// tests may add their own.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ferry {

struct HttpResult {
    int status = 0;          // HTTP status; 0 when none arrived
    uint32_t body_len = 0;   // bytes placed in the buffer
};

class HttpTransport {
public:
    // GET `target` (path and query). `range` is an optional "bytes=a-b" sent as a Range
    // header (nullptr: none). Returns 0 with *out filled, or a negative error (link down,
    // timeout, malformed answer, body larger than body_max). After an error mid-body, *out
    // still tells the status and how many bytes from the body's start arrived intact, so a
    // download can keep them instead of paying for them again.
    virtual int get(const char* target, const char* range, uint8_t* body, size_t body_max,
                    HttpResult* out) = 0;
    // Bytes moved over the link so far (for reports); 0 when unknown.
    virtual uint32_t bytes_received() const { return 0; }

protected:
    ~HttpTransport() = default;  // never deleted through the interface: no heap on the device
};

}  // namespace ferry
