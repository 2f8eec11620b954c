#include "modem/at_engine.h"

#include <stdlib.h>
#include <string.h>

#include "ferry/errors.h"

namespace ferry {
namespace {

bool starts_with(const char* s, const char* prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

// Lines a Telit module sends on its own, whatever command is in flight.
const char* const kUrcPrefixes[] = {"#HTTPRING:", "SRING:", "NO CARRIER", "+CEREG:", "+CREG:",
                                    "+CGREG:", "#SGACT:", "+CIEV:"};

// "AT#SGACT=1,1" -> "#SGACT"; a response line of that command starts with it and ':'.
size_t command_name(const char* cmd, char* out, size_t out_len) {
    if (!starts_with(cmd, "AT")) return 0;
    size_t n = 0;
    for (const char* p = cmd + 2; *p && *p != '=' && *p != '?' && n + 1 < out_len; ++p) out[n++] = *p;
    out[n] = '\0';
    return n;
}

}  // namespace

const char* AtResponse::find(const char* prefix) const {
    const char* p = text;
    const size_t plen = strlen(prefix);
    while (p < text + len) {
        if (strncmp(p, prefix, plen) == 0) {
            const char* v = p + plen;
            while (*v == ' ') ++v;
            return v;
        }
        const char* nl = static_cast<const char*>(memchr(p, '\n', text + len - p));
        if (!nl) break;
        p = nl + 1;
    }
    return nullptr;
}

bool AtEngine::expired(uint32_t deadline) const {
    return static_cast<int32_t>(clock_.millis(clock_.ctx) - deadline) >= 0;
}

int AtEngine::read_byte(uint32_t deadline) {
    if (pushed_ >= 0) {
        int b = pushed_;
        pushed_ = -1;
        return b;
    }
    for (;;) {
        uint8_t b;
        int n = serial_.read(serial_.ctx, &b, 1);
        if (n < 0) return n;
        if (n == 1) return b;
        if (expired(deadline)) return FERRY_ERR_TIMEOUT;
        clock_.idle(clock_.ctx);
    }
}

AtEngine::LineKind AtEngine::read_line(const char* prompt, uint32_t deadline) {
    for (;;) {
        int b = read_byte(deadline);
        if (b < 0) return LineKind::none;
        if (b == '\r') continue;
        if (b == '\n') {
            if (line_len_ == 0) continue;  // the blank lines around every Telit answer
            line_[line_len_] = '\0';
            line_len_ = 0;
            return LineKind::line;
        }
        if (line_len_ + 1 < sizeof line_) line_[line_len_++] = static_cast<char>(b);
        if (prompt && line_len_ == strlen(prompt) && memcmp(line_, prompt, line_len_) == 0) {
            line_[line_len_] = '\0';
            line_len_ = 0;
            return LineKind::prompt;
        }
    }
}

bool AtEngine::is_urc(const char* line) const {
    for (const char* p : kUrcPrefixes) {
        if (starts_with(line, p)) return true;
    }
    return false;
}

void AtEngine::dispatch_urc(const char* line) {
    if (awaited_urc_ && !awaited_seen_ && starts_with(line, awaited_urc_)) {
        size_t n = strlen(line);
        if (n >= awaited_out_len_) n = awaited_out_len_ - 1;
        memcpy(awaited_out_, line, n);
        awaited_out_[n] = '\0';
        awaited_seen_ = true;
        return;
    }
    if (urc_) urc_(urc_ctx_, line);
}

void AtEngine::wait_gap() {
    if (!have_final_) return;
    // Strictly more than the gap: a millisecond tick can be most of a millisecond late.
    while (clock_.millis(clock_.ctx) - last_final_ms_ <= kAtCommandGapMs) clock_.idle(clock_.ctx);
}

int AtEngine::write_all(const uint8_t* data, size_t len, uint32_t deadline) {
    while (len > 0) {
        int n = serial_.write(serial_.ctx, data, len);
        if (n < 0) return n;
        data += n;
        len -= static_cast<size_t>(n);
        if (len > 0) {
            if (expired(deadline)) return FERRY_ERR_TIMEOUT;
            clock_.idle(clock_.ctx);
        }
    }
    return FERRY_OK;
}

int AtEngine::handle_line(AtResponse* resp) {
    const char* line = line_;
    int final = 1;
    if (strcmp(line, "OK") == 0) {
        final = kAtOk;
    } else if (strcmp(line, "ERROR") == 0) {
        final = kAtError;
    } else if (starts_with(line, "+CME ERROR:") || starts_with(line, "+CMS ERROR:")) {
        resp->cme = atoi(line + 11);
        final = kAtCmeError;
    }
    if (final != 1) {
        last_final_ms_ = clock_.millis(clock_.ctx);
        have_final_ = true;
        return final;
    }
    bool own = command_name_len_ > 0 && strncmp(line, command_name_, command_name_len_) == 0 &&
               line[command_name_len_] == ':';
    if (!own && is_urc(line)) {
        dispatch_urc(line);
        return 1;
    }
    size_t n = strlen(line);
    if (resp->len + n + 1 < sizeof resp->text) {
        memcpy(resp->text + resp->len, line, n);
        resp->len += n;
        resp->text[resp->len++] = '\n';
        resp->text[resp->len] = '\0';
    }
    return 1;
}

int AtEngine::command(const char* cmd, uint32_t timeout_ms, AtResponse* resp) {
    return command_with_payload(cmd, nullptr, nullptr, 0, timeout_ms, resp);
}

int AtEngine::command_with_payload(const char* cmd, const char* prompt, const uint8_t* payload,
                                   size_t len, uint32_t timeout_ms, AtResponse* resp) {
    poll();
    wait_gap();
    resp->len = 0;
    resp->text[0] = '\0';
    resp->cme = 0;
    command_name_len_ = command_name(cmd, command_name_, sizeof command_name_);
    const uint32_t deadline = clock_.millis(clock_.ctx) + timeout_ms;
    int err = write_all(reinterpret_cast<const uint8_t*>(cmd), strlen(cmd), deadline);
    if (!err) err = write_all(reinterpret_cast<const uint8_t*>("\r"), 1, deadline);
    if (err) return err;
    bool prompted = prompt == nullptr;
    for (;;) {
        LineKind k = read_line(prompted ? nullptr : prompt, deadline);
        if (k == LineKind::none) return kAtTimeout;
        if (k == LineKind::prompt) {
            prompted = true;
            err = write_all(payload, len, deadline);
            if (err) return err;
            continue;
        }
        int r = handle_line(resp);
        if (r != 1) {
            command_name_len_ = 0;
            if (r == kAtOk && !prompted) return kAtError;  // OK without the prompt: nothing sent
            return r;
        }
    }
}

int AtEngine::command_read_binary(const char* cmd, const char* header_prefix, uint8_t* buf,
                                  size_t len, uint32_t timeout_ms, AtResponse* resp) {
    poll();
    wait_gap();
    resp->len = 0;
    resp->text[0] = '\0';
    resp->cme = 0;
    command_name_len_ = command_name(cmd, command_name_, sizeof command_name_);
    const uint32_t deadline = clock_.millis(clock_.ctx) + timeout_ms;
    int err = write_all(reinterpret_cast<const uint8_t*>(cmd), strlen(cmd), deadline);
    if (!err) err = write_all(reinterpret_cast<const uint8_t*>("\r"), 1, deadline);
    if (err) return err;
    // "<<<" is followed directly by the bytes; "#SRECV: c,n" is a line, then the bytes.
    const bool inline_prompt = strcmp(header_prefix, "<<<") == 0;
    size_t count = len;
    for (;;) {
        LineKind k = read_line(inline_prompt ? header_prefix : nullptr, deadline);
        if (k == LineKind::none) return kAtTimeout;
        if (k == LineKind::prompt) break;
        if (!inline_prompt && starts_with(line_, header_prefix)) {
            const char* comma = strrchr(line_, ',');
            long n = comma ? atol(comma + 1) : -1;
            if (n < 0 || static_cast<size_t>(n) > len) return FERRY_ERR_INVALID;
            count = static_cast<size_t>(n);
            break;
        }
        int r = handle_line(resp);
        if (r != 1) {
            command_name_len_ = 0;
            return r == kAtOk ? FERRY_ERR_INVALID : r;  // OK or an error before any data
        }
    }
    for (size_t i = 0; i < count; ++i) {
        int b = read_byte(deadline);
        if (b < 0) return kAtTimeout;
        buf[i] = static_cast<uint8_t>(b);
    }
    for (;;) {
        LineKind k = read_line(nullptr, deadline);
        if (k == LineKind::none) return kAtTimeout;
        int r = handle_line(resp);
        if (r != 1) {
            command_name_len_ = 0;
            return r == kAtOk ? static_cast<int>(count) : r;
        }
    }
}

int AtEngine::wait_urc(const char* prefix, char* out, size_t out_len, uint32_t timeout_ms) {
    awaited_urc_ = prefix;
    awaited_out_ = out;
    awaited_out_len_ = out_len;
    awaited_seen_ = false;
    const uint32_t deadline = clock_.millis(clock_.ctx) + timeout_ms;
    AtResponse scratch;
    while (!awaited_seen_) {
        LineKind k = read_line(nullptr, deadline);
        if (k == LineKind::none) break;
        if (is_urc(line_)) {
            dispatch_urc(line_);
        } else {
            handle_line(&scratch);  // stray lines: nothing waits for them
        }
    }
    awaited_urc_ = nullptr;
    return awaited_seen_ ? kAtOk : kAtTimeout;
}

void AtEngine::poll() {
    // Only whole lines already received; never wait.
    const uint32_t now = clock_.millis(clock_.ctx);
    AtResponse scratch;
    for (;;) {
        uint8_t b;
        if (pushed_ < 0) {
            int n = serial_.read(serial_.ctx, &b, 1);
            if (n <= 0) return;
            pushed_ = b;
        }
        LineKind k = read_line(nullptr, now);
        if (k == LineKind::none) return;
        if (is_urc(line_)) dispatch_urc(line_);
    }
}

}  // namespace ferry
