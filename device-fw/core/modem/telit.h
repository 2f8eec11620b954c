// Telit module bring-up and the two ways to do HTTP through it (FIELD-NOTES.md, "Telit").
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "agent/http_transport.h"
#include "agent/http_response.h"
#include "modem/at_engine.h"

namespace ferry {

struct ModemInfo {
    char imei[20];
    char iccid[24];
    char ip[48];
};

struct ModemConfig {
    const char* apn;
    uint32_t registration_timeout_ms;  // waiting for +CEREG/+CREG stat 1 or 5
    uint32_t activation_timeout_ms;    // #SGACT can take up to 150 s
};

// Echo off, numeric errors, hardware flow control, registration, PDP context, identity.
// Every wait bounded. 0 or a negative error (kAtCmeError etc. from the engine).
int telit_bring_up(AtEngine& at, const ClockPort& clock, const ModemConfig& cfg, ModemInfo* info);

// Parses "+CEREG: <n>,<stat>[,...]" or "+CREG: ..." into stat; -1 when malformed.
int telit_parse_reg_stat(const char* value);

// The modem's own HTTP client: #HTTPCFG once, then #HTTPQRY + #HTTPRING + #HTTPRCV pieces.
// Every request pays a new connection (the module sends Connection: close).
class TelitHttpClient final : public HttpTransport {
public:
    TelitHttpClient(AtEngine& at, const char* host, uint16_t port, uint32_t timeout_ms)
        : at_(at), host_(host), port_(port), timeout_ms_(timeout_ms) {}
    int get(const char* target, const char* range, uint8_t* body, size_t body_max,
            HttpResult* out) override;
    uint32_t bytes_received() const override { return received_; }

private:
    int configure();
    AtEngine& at_;
    const char* host_;
    uint16_t port_;
    uint32_t timeout_ms_;
    bool configured_ = false;
    uint32_t received_ = 0;
};

// Raw sockets (#SD/#SSENDEXT/#SRECV) with the project's HTTP/1.1 client: one connection kept
// for many ranges, re-opened when the module reports NO CARRIER.
class TelitSocketClient final : public HttpTransport {
public:
    TelitSocketClient(AtEngine& at, const char* host, uint16_t port, uint32_t timeout_ms)
        : at_(at), host_(host), port_(port), timeout_ms_(timeout_ms) {}
    int get(const char* target, const char* range, uint8_t* body, size_t body_max,
            HttpResult* out) override;
    uint32_t bytes_received() const override { return received_; }
    // The URC handler must forward SRING / NO CARRIER here (see telit_urc()).
    void on_urc(const char* line);

private:
    int connect();
    void close();
    int exchange(const char* target, const char* range, uint8_t* body, size_t body_max,
                 HttpResult* out);
    AtEngine& at_;
    const char* host_;
    uint16_t port_;
    uint32_t timeout_ms_;
    bool connected_ = false;
    bool data_waiting_ = false;
    bool carrier_lost_ = false;
    uint32_t received_ = 0;
    HttpResponseReader reader_;
};

}  // namespace ferry
