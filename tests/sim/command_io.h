// What a command handler (HTTP client, sockets, general commands) may do on the serial line. The
// modem runs one command at a time; the handler answers through this interface, now or later, and
// calls finish() exactly once.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace telit_sim {

struct Outcome {
    enum class Kind { ok, error, cme };
    Kind kind = Kind::ok;
    int code = 0;  // +CME ERROR code (ERROR when +CMEE is 0)

    static Outcome ok() { return {}; }
    static Outcome error() { return {Kind::error, 0}; }
    static Outcome cme(int code) { return {Kind::cme, code}; }
};

// Telit IP-stack error codes (LE910/ME910 family, +CME ERROR with AT+CMEE=1).
namespace cme {
inline constexpr int kOperationNotAllowed = 3;
inline constexpr int kOperationNotSupported = 4;
inline constexpr int kNoNetworkService = 30;
inline constexpr int kUnknown = 100;
inline constexpr int kGenericUndocumented = 550;
inline constexpr int kWrongState = 551;
inline constexpr int kContextAlreadyActivated = 553;
inline constexpr int kActivationFailed = 555;
inline constexpr int kContextNotOpened = 556;
inline constexpr int kCannotResolveDn = 558;
inline constexpr int kTimeoutOpeningSocket = 559;
inline constexpr int kCannotOpenSocket = 560;
inline constexpr int kRemoteDisconnected = 561;
inline constexpr int kConnectionFailed = 562;
inline constexpr int kTxError = 563;
// Verbose text for AT+CMEE=2; nullptr when unknown.
const char* text(int code);
}  // namespace cme

struct PayloadSpec {
    std::size_t exact = 0;   // > 0: exactly this many bytes (#SSENDEXT, #HTTPSND)
    bool ctrl_z = false;     // true: up to Ctrl-Z, ESC cancels (#SSEND)
    std::size_t max = 1500;  // cap for ctrl_z mode
};

class CommandIo {
  public:
    virtual ~CommandIo() = default;
    // An intermediate response line: "\r\n<line>\r\n".
    virtual void info(std::string_view line) = 0;
    // Bytes sent as they are, in one piece: nothing is ever inserted inside them.
    virtual void raw(std::string bytes) = 0;
    // Sends the prompt, then collects the payload the device sends; got(payload) runs once it
    // is complete (got(nullopt-like empty + cancelled=true) when cancelled with ESC).
    virtual void prompt(std::string_view prompt, PayloadSpec spec,
                        std::function<void(std::string payload, bool cancelled)> got) = 0;
    // The final result of the command in progress.
    virtual void finish(Outcome outcome) = 0;
    // An unsolicited result code, sent between lines (never inside raw bytes).
    virtual void urc(std::string_view line) = 0;
};

}  // namespace telit_sim
