#include "modem/telit.h"

#include <stdlib.h>
#include <string.h>

#include "ferry/errors.h"
#include "util/text_out.h"

namespace ferry {
namespace {

constexpr uint32_t kShortTimeoutMs = 2000;

bool starts_with(const char* s, const char* p) { return strncmp(s, p, strlen(p)) == 0; }

// Copies a value up to the end of its line (or a quote), bounded.
void copy_value(const char* v, char* out, size_t out_len) {
    size_t n = 0;
    if (*v == '"') ++v;
    while (v[n] && v[n] != '\n' && v[n] != '"' && n + 1 < out_len) {
        out[n] = v[n];
        ++n;
    }
    out[n] = '\0';
}

bool registered(int stat) { return stat == 1 || stat == 5; }  // home or roaming

// "#SGACT: <cid>,<stat>" lines; context 1 active?
bool context_active(AtEngine& at) {
    AtResponse r;
    if (at.command("AT#SGACT?", kShortTimeoutMs, &r) != kAtOk) return false;
    for (const char* p = r.text; (p = strstr(p, "#SGACT: 1,")) != nullptr; p += 10) {
        if (p[10] == '1') return true;
    }
    return false;
}

}  // namespace

int telit_parse_reg_stat(const char* value) {
    // "<n>,<stat>[,...]": the second field.
    const char* comma = strchr(value, ',');
    if (!comma || comma[1] < '0' || comma[1] > '9') return -1;
    return atoi(comma + 1);
}

int telit_bring_up(AtEngine& at, const ClockPort& clock, const ModemConfig& cfg, ModemInfo* info) {
    AtResponse r;
    memset(info, 0, sizeof *info);
    // The module may still be booting: a few tries of plain AT.
    int err = kAtTimeout;
    for (int i = 0; i < 5 && err != kAtOk; ++i) err = at.command("AT", 1000, &r);
    if (err != kAtOk) return err;
    const char* setup[] = {"ATE0", "AT+CMEE=1", "AT&K3"};
    for (const char* cmd : setup) {
        err = at.command(cmd, kShortTimeoutMs, &r);
        if (err != kAtOk) return err;
    }
    // Registration: LTE first (+CEREG), then 2G (+CREG), polled every 2 s up to the limit.
    const uint32_t start = clock.millis(clock.ctx);
    for (;;) {
        int stat = -1;
        if (at.command("AT+CEREG?", kShortTimeoutMs, &r) == kAtOk && r.find("+CEREG:")) {
            stat = telit_parse_reg_stat(r.find("+CEREG:"));
        }
        if (!registered(stat) && at.command("AT+CREG?", kShortTimeoutMs, &r) == kAtOk && r.find("+CREG:")) {
            stat = telit_parse_reg_stat(r.find("+CREG:"));
        }
        if (registered(stat)) break;
        if (stat == 3) return FERRY_ERR_INVALID;  // registration denied: waiting will not help
        if (clock.millis(clock.ctx) - start >= cfg.registration_timeout_ms) return FERRY_ERR_TIMEOUT;
        const uint32_t pause = clock.millis(clock.ctx);
        while (clock.millis(clock.ctx) - pause < 2000) clock.idle(clock.ctx);
    }
    // An active context (the MCU was reset, the module was not) is fine and may not be
    // redefined (+CGDCONT on an active context is refused). The error code for "already
    // activated" differs between module families, so ask for the state instead of a code.
    if (!context_active(at)) {
        char line[128];
        TextOut cgd(line, sizeof line);
        cgd.put("AT+CGDCONT=1,\"IP\",\"").put(cfg.apn).put("\"");
        if (cgd.overflow()) return FERRY_ERR_INVALID;
        err = at.command(line, kShortTimeoutMs, &r);
        if (err != kAtOk) return err;
        err = at.command("AT#SGACT=1,1", cfg.activation_timeout_ms, &r);
        if (err == kAtOk) {
            if (const char* ip = r.find("#SGACT:")) copy_value(ip, info->ip, sizeof info->ip);
        } else if (!context_active(at)) {
            return err;
        }
    }
    // IMEI: plain digits from +CGSN on most parts, "#CGSN: <imei>" on the ME310.
    if (at.command("AT+CGSN", kShortTimeoutMs, &r) == kAtOk && r.len > 0) {
        const char* v = r.find("+CGSN:");
        copy_value(v ? v : r.text, info->imei, sizeof info->imei);
    } else if (at.command("AT#CGSN", kShortTimeoutMs, &r) == kAtOk && r.find("#CGSN:")) {
        copy_value(r.find("#CGSN:"), info->imei, sizeof info->imei);
    }
    if (at.command("AT#CCID", kShortTimeoutMs, &r) == kAtOk && r.find("#CCID:")) {
        copy_value(r.find("#CCID:"), info->iccid, sizeof info->iccid);
    }
    return FERRY_OK;
}

// ---- the module's HTTP client -----------------------------------------------------------

int TelitHttpClient::configure() {
    char line[160];
    TextOut o(line, sizeof line);
    o.put("AT#HTTPCFG=0,\"").put(host_).put("\",").num(port_).put(",0,\"\",\"\",0,");
    o.num(timeout_ms_ / 1000).put(",1");
    if (o.overflow()) return FERRY_ERR_INVALID;
    AtResponse r;
    int err = at_.command(line, kShortTimeoutMs, &r);
    if (err == kAtOk) configured_ = true;
    return err;
}

int TelitHttpClient::get(const char* target, const char* range, uint8_t* body, size_t body_max,
                         HttpResult* out) {
    *out = HttpResult{};
    if (!configured_) {
        int err = configure();
        if (err) return err;
    }
    char line[400];  // the module's command line limit
    TextOut o(line, sizeof line);
    o.put("AT#HTTPQRY=0,0,\"").put(target).put("\"");
    if (range) o.put(",\"Range: ").put(range).put("\"");
    if (o.overflow()) return FERRY_ERR_NOSPC;
    AtResponse r;
    int err = at_.command(line, kShortTimeoutMs, &r);
    if (err != kAtOk) return err;
    char ring[96];
    err = at_.wait_urc("#HTTPRING:", ring, sizeof ring, timeout_ms_);
    if (err != kAtOk) return FERRY_ERR_TIMEOUT;
    // "#HTTPRING: <prof>,<status>,"<content type>",<data_size>"
    const char* p = strchr(ring, ',');
    if (!p) return FERRY_ERR_INVALID;
    out->status = atoi(p + 1);
    const char* last = strrchr(ring, ',');
    long size = last ? atol(last + 1) : -1;
    if (out->status == 0) return FERRY_ERR_TIMEOUT;  // no answer within the module's timeout
    if (size < 0 || static_cast<size_t>(size) > body_max) return FERRY_ERR_NOSPC;
    // data_size 0: the length did not reach the module (ferryd always sends Content-Length).
    // The body may still be there: read pieces until the module says there is no more.
    const bool unknown = size == 0;
    const uint32_t total = unknown ? static_cast<uint32_t>(body_max) : static_cast<uint32_t>(size);
    uint32_t got = 0;
    while (got < total) {
        uint32_t want = total - got;
        if (want > 1500) want = 1500;
        TextOut rcv(line, sizeof line);
        rcv.put("AT#HTTPRCV=0,").num(want < 64 ? 64 : want);  // 64 is the smallest maxByte
        int n = at_.command_read_binary(line, "<<<", body + got, want, timeout_ms_, &r);
        // A +CME ERROR on a read is usually passing; the body is still in the module, and
        // asking again costs a command, not a new download of the chunk.
        for (int retry = 0; retry < 2 && n == kAtCmeError && !unknown; ++retry) {
            n = at_.command_read_binary(line, "<<<", body + got, want, timeout_ms_, &r);
        }
        if (n <= 0 && unknown && got > 0) break;  // read past the end: that was all of it
        if (n < 0) {
            out->body_len = got;  // what arrived before the link failed is still good
            return n;
        }
        if (n == 0) {
            out->body_len = got;
            return FERRY_ERR_IO;
        }
        got += static_cast<uint32_t>(n);
        received_ += static_cast<uint32_t>(n);
        if (unknown && static_cast<uint32_t>(n) < want) break;
    }
    out->body_len = got;
    return FERRY_OK;
}

// ---- raw sockets and our own HTTP/1.1 client ------------------------------------------------

void TelitSocketClient::on_urc(const char* line) {
    if (starts_with(line, "SRING:")) data_waiting_ = true;
    if (starts_with(line, "NO CARRIER")) carrier_lost_ = true;
}

void TelitSocketClient::close() {
    if (!connected_) return;
    AtResponse r;
    at_.command("AT#SH=1", kShortTimeoutMs, &r);
    connected_ = false;
}

int TelitSocketClient::connect() {
    char line[160];
    TextOut o(line, sizeof line);
    o.put("AT#SD=1,0,").num(port_).put(",\"").put(host_).put("\",0,0,1");
    if (o.overflow()) return FERRY_ERR_INVALID;
    AtResponse r;
    carrier_lost_ = false;
    data_waiting_ = false;
    int err = at_.command(line, timeout_ms_, &r);
    if (err != kAtOk) return err;
    connected_ = true;
    return FERRY_OK;
}

int TelitSocketClient::exchange(const char* target, const char* range, uint8_t* body,
                                size_t body_max, HttpResult* out) {
    char req[400];
    TextOut o(req, sizeof req);
    o.put("GET ").put(target).put(" HTTP/1.1\r\nHost: ").put(host_).put("\r\n");
    if (range) o.put("Range: ").put(range).put("\r\n");
    o.put("\r\n");
    if (o.overflow()) return FERRY_ERR_NOSPC;
    char cmd[32];
    TextOut c(cmd, sizeof cmd);
    c.put("AT#SSENDEXT=1,").num(o.len());
    AtResponse r;
    int err = at_.command_with_payload(cmd, "> ", reinterpret_cast<const uint8_t*>(req), o.len(),
                                       timeout_ms_, &r);
    if (err != kAtOk) return err;
    reader_.reset(body, body_max);
    uint8_t piece[1500];
    uint32_t quiet_ms = 0;  // time spent waiting without data, bounded by timeout_ms_
    while (!reader_.done()) {
        data_waiting_ = false;
        int n = at_.command_read_binary("AT#SRECV=1,1500", "#SRECV:", piece, sizeof piece, timeout_ms_, &r);
        if (n > 0) {
            quiet_ms = 0;
            received_ += static_cast<uint32_t>(n);
            int used = reader_.feed(piece, static_cast<size_t>(n));
            if (used < 0) return used;
            continue;
        }
        if (carrier_lost_) return FERRY_ERR_IO;
        if (n == kAtTimeout) return FERRY_ERR_TIMEOUT;
        // Nothing buffered yet. An SRING may already have come in the middle of the last
        // command (then it went to on_urc); otherwise wait for one, a slice at a time, and
        // ask again after each slice in case a URC was lost.
        if (data_waiting_) continue;
        if (quiet_ms >= timeout_ms_) return FERRY_ERR_TIMEOUT;
        char ring[48];
        const uint32_t slice = timeout_ms_ - quiet_ms < 5000 ? timeout_ms_ - quiet_ms : 5000;
        if (at_.wait_urc("SRING:", ring, sizeof ring, slice) != kAtOk) quiet_ms += slice;
    }
    out->status = reader_.status();
    out->body_len = static_cast<uint32_t>(reader_.body_len());
    if (reader_.connection_close()) close();
    return FERRY_OK;
}

int TelitSocketClient::get(const char* target, const char* range, uint8_t* body, size_t body_max,
                           HttpResult* out) {
    *out = HttpResult{};
    // One retry on a fresh connection: a kept connection may have been closed by the server.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!connected_ || carrier_lost_) {
            if (connected_) close();
            int err = connect();
            if (err) return err;
        }
        int err = exchange(target, range, body, body_max, out);
        if (err == FERRY_OK) return FERRY_OK;
        close();
        // Part of a body already arrived: give it to the caller rather than fetch it again.
        out->status = reader_.status();
        out->body_len = static_cast<uint32_t>(reader_.body_len());
        if (out->body_len > 0 || err != FERRY_ERR_IO) return err;
    }
    return FERRY_ERR_IO;
}

}  // namespace ferry
