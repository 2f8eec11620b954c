#include "agent/http_response.h"

#include <string.h>

#include "ferry/errors.h"

namespace ferry {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive "Name:" match; returns the value start (spaces skipped) or nullptr.
const char* header_value(const char* line, size_t len, const char* name) {
    size_t n = strlen(name);
    if (len <= n || line[n] != ':') return nullptr;
    for (size_t i = 0; i < n; ++i) {
        if (lower(line[i]) != name[i]) return nullptr;
    }
    const char* v = line + n + 1;
    while (v < line + len && (*v == ' ' || *v == '\t')) ++v;
    return v;
}

// Decimal u32 in [p, end); advances p. False on no digits or overflow.
bool number(const char*& p, const char* end, uint32_t* out) {
    uint64_t v = 0;
    const char* start = p;
    while (p < end && *p >= '0' && *p <= '9') {
        v = v * 10 + static_cast<uint32_t>(*p - '0');
        if (v > 0xFFFFFFFFull) return false;
        ++p;
    }
    *out = static_cast<uint32_t>(v);
    return p > start;
}

}  // namespace

void HttpResponseReader::reset(uint8_t* body, size_t body_max) {
    *this = HttpResponseReader{};
    body_ = body;
    body_max_ = body_max;
}

int HttpResponseReader::header_line(const char* line, size_t len) {
    const char* end = line + len;
    if (const char* v = header_value(line, len, "content-length")) {
        if (!number(v, end, &content_length_) || v != end) return FERRY_ERR_INVALID;
        has_length_ = true;
    } else if (const char* v2 = header_value(line, len, "content-range")) {
        // "bytes first-last/total"
        if (end - v2 < 6 || memcmp(v2, "bytes ", 6) != 0) return FERRY_ERR_INVALID;
        const char* p = v2 + 6;
        uint32_t last;
        if (!number(p, end, &range_first_) || p == end || *p++ != '-' || !number(p, end, &last) ||
            p == end || *p++ != '/' || !number(p, end, &range_total_) || p != end || last < range_first_) {
            return FERRY_ERR_INVALID;
        }
        has_range_ = true;
    } else if (const char* v3 = header_value(line, len, "transfer-encoding")) {
        (void)v3;
        return FERRY_ERR_INVALID;  // chunked bodies are not for a device
    } else if (const char* v4 = header_value(line, len, "connection")) {
        close_ = (end - v4 == 5) && lower(v4[0]) == 'c' && lower(v4[1]) == 'l';
    }
    return FERRY_OK;
}

int HttpResponseReader::end_line() {
    const char* line = line_;
    size_t len = line_len_;
    line_len_ = 0;
    if (state_ == State::status_line) {
        // "HTTP/1.1 206 Partial Content"
        if (len < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ') return FERRY_ERR_INVALID;
        const char* p = line + 9;
        uint32_t code;
        if (!number(p, line + len, &code) || p - (line + 9) != 3) return FERRY_ERR_INVALID;
        status_ = static_cast<int>(code);
        state_ = State::headers;
        return FERRY_OK;
    }
    if (len == 0) {  // end of headers
        if (!has_length_) return FERRY_ERR_INVALID;  // Ferry always sends Content-Length
        if (content_length_ > body_max_) return FERRY_ERR_NOSPC;
        state_ = content_length_ == 0 ? State::done : State::body;
        return FERRY_OK;
    }
    return header_line(line, len);
}

int HttpResponseReader::feed(const uint8_t* data, size_t len) {
    size_t i = 0;
    while (i < len && state_ != State::done) {
        if (state_ == State::error) return FERRY_ERR_INVALID;
        if (state_ == State::body) {
            size_t want = content_length_ - body_len_;
            size_t n = len - i < want ? len - i : want;
            memcpy(body_ + body_len_, data + i, n);
            body_len_ += n;
            i += n;
            if (body_len_ == content_length_) state_ = State::done;
            continue;
        }
        char c = static_cast<char>(data[i++]);
        if (c == '\r') continue;
        if (c == '\n') {
            int err = end_line();
            if (err) {
                state_ = State::error;
                return err;
            }
            continue;
        }
        if (line_len_ + 1 >= sizeof line_) {
            state_ = State::error;
            return FERRY_ERR_INVALID;  // no header of ours is that long
        }
        line_[line_len_++] = c;
    }
    return static_cast<int>(i);
}

}  // namespace ferry
