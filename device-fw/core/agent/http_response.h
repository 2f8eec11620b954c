// An incremental HTTP/1.1 response reader for the device's own socket client: bytes arrive in
// pieces of at most 1500 (#SRECV), the status line and headers may be split anywhere, and the
// body goes straight to the caller's buffer. Only what Ferry needs: status, Content-Length,
// Content-Range, Connection: close. Chunked encoding is refused (ferryd never sends it).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ferry {

class HttpResponseReader {
public:
    // body/body_max: where the body goes; a longer body is an error (FERRY_ERR_NOSPC).
    void reset(uint8_t* body, size_t body_max);
    // Feeds received bytes. Returns the number consumed (bytes after the end of this response
    // are left for the next one), or a negative error for a malformed response.
    int feed(const uint8_t* data, size_t len);
    bool done() const { return state_ == State::done; }
    int status() const { return status_; }
    uint32_t content_length() const { return content_length_; }
    bool has_content_range() const { return has_range_; }
    uint32_t range_first() const { return range_first_; }
    uint32_t range_total() const { return range_total_; }
    bool connection_close() const { return close_; }
    size_t body_len() const { return body_len_; }

private:
    enum class State { status_line, headers, body, done, error };
    int end_line();
    int header_line(const char* line, size_t len);

    State state_ = State::status_line;
    char line_[256];
    size_t line_len_ = 0;
    int status_ = 0;
    bool has_length_ = false;
    uint32_t content_length_ = 0;
    bool has_range_ = false;
    uint32_t range_first_ = 0;
    uint32_t range_total_ = 0;
    bool close_ = false;
    uint8_t* body_ = nullptr;
    size_t body_max_ = 0;
    size_t body_len_ = 0;
};

}  // namespace ferry
