// The AT engine against a scripted modem: answers, URCs in the middle of a response, binary
// payloads that contain "OK", +CME ERROR, timeouts and the 20 ms gap.
#include <catch2/catch.hpp>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "ferry/errors.h"
#include "modem/at_engine.h"

using namespace ferry;

namespace {

// Answers each command line (up to '\r') with the next scripted reply; records what was sent
// and when, on a clock that moves 1 ms per idle.
struct ScriptedModem {
    std::deque<std::string> replies;
    std::string pending;  // bytes the device has yet to read
    std::string line;
    std::vector<std::string> sent;
    std::vector<uint32_t> sent_at;
    uint32_t now = 0;
    size_t expect_payload = 0;  // raw bytes after a prompt

    static int read(void* ctx, uint8_t* buf, size_t max) {
        auto* m = static_cast<ScriptedModem*>(ctx);
        size_t n = std::min(max, m->pending.size());
        std::memcpy(buf, m->pending.data(), n);
        m->pending.erase(0, n);
        return static_cast<int>(n);
    }
    static int write(void* ctx, const uint8_t* data, size_t len) {
        auto* m = static_cast<ScriptedModem*>(ctx);
        for (size_t i = 0; i < len; ++i) {
            char c = static_cast<char>(data[i]);
            if (m->expect_payload > 0) {
                m->line.push_back(c);
                if (--m->expect_payload == 0) m->finish_line();
                continue;
            }
            if (c == '\r') {
                m->finish_line();
            } else {
                m->line.push_back(c);
            }
        }
        return static_cast<int>(len);
    }
    void finish_line() {
        sent.push_back(line);
        sent_at.push_back(now);
        line.clear();
        if (!replies.empty()) {
            pending += replies.front();
            replies.pop_front();
        }
    }
    static uint32_t millis(void* ctx) { return static_cast<ScriptedModem*>(ctx)->now; }
    static void idle(void* ctx) { static_cast<ScriptedModem*>(ctx)->now += 1; }
    SerialPort serial() { return SerialPort{this, read, write}; }
    ClockPort clock() { return ClockPort{this, millis, idle}; }
};

std::vector<std::string> g_urcs;
void collect(void*, const char* line) { g_urcs.push_back(line); }

}  // namespace

TEST_CASE("answers, own response lines and URCs in the middle", "[at]") {
    ScriptedModem m;
    m.replies = {"\r\n+CEREG: 0,1\r\n\r\nSRING: 1\r\n\r\nOK\r\n", "\r\n#SGACT: 10.1.2.3\r\n\r\nOK\r\n"};
    AtEngine at(m.serial(), m.clock());
    g_urcs.clear();
    at.set_urc_handler(collect, nullptr);
    AtResponse r;
    REQUIRE(at.command("AT+CEREG?", 1000, &r) == kAtOk);
    CHECK(std::string(r.find("+CEREG:")) == "0,1\n");
    REQUIRE(g_urcs.size() == 1);
    CHECK(g_urcs[0] == "SRING: 1");
    // #SGACT: is a URC prefix, but during AT#SGACT it is the command's own answer.
    REQUIRE(at.command("AT#SGACT=1,1", 1000, &r) == kAtOk);
    CHECK(r.find("#SGACT:") != nullptr);
    CHECK(g_urcs.size() == 1);
    // 20 ms between a final result and the next command.
    REQUIRE(m.sent_at.size() == 2);
    CHECK(m.sent_at[1] - m.sent_at[0] >= kAtCommandGapMs);
}

TEST_CASE("+CME ERROR, ERROR and timeouts", "[at]") {
    ScriptedModem m;
    m.replies = {"\r\n+CME ERROR: 555\r\n", "\r\nERROR\r\n", ""};
    AtEngine at(m.serial(), m.clock());
    AtResponse r;
    CHECK(at.command("AT#SGACT=1,1", 1000, &r) == kAtCmeError);
    CHECK(r.cme == 555);
    CHECK(at.command("AT+FOO", 1000, &r) == kAtError);
    uint32_t before = m.now;
    CHECK(at.command("AT", 300, &r) == kAtTimeout);
    CHECK(m.now - before >= 300);
    CHECK(m.now - before < 400);
}

TEST_CASE("binary reads count bytes: an image may contain OK and CRLF", "[at]") {
    std::string payload = "\r\nOK\r\n\x00\xff<<<ERROR\r\n";
    payload.push_back('\0');
    ScriptedModem m;
    m.replies = {"\r\n<<<" + payload + "\r\nOK\r\n",
                 "\r\n#SRECV: 1,5\r\nOK\r\nX\r\n\r\nOK\r\n"};
    AtEngine at(m.serial(), m.clock());
    AtResponse r;
    uint8_t buf[64];
    int n = at.command_read_binary("AT#HTTPRCV=0,64", "<<<", buf, payload.size(), 1000, &r);
    REQUIRE(n == static_cast<int>(payload.size()));
    CHECK(std::memcmp(buf, payload.data(), payload.size()) == 0);
    n = at.command_read_binary("AT#SRECV=1,1500", "#SRECV:", buf, sizeof buf, 1000, &r);
    REQUIRE(n == 5);
    CHECK(std::memcmp(buf, "OK\r\nX", 5) == 0);
}

TEST_CASE("payload after a prompt, and a URC awaited", "[at]") {
    ScriptedModem m;
    m.replies = {"> ", "\r\nOK\r\n", "", "\r\n#HTTPRING: 0,206,\"application/octet-stream\",4096\r\n"};
    AtEngine at(m.serial(), m.clock());
    AtResponse r;
    const uint8_t req[] = "GET / HTTP/1.1\r\n\r\n";
    m.expect_payload = 0;
    // The modem script answers the command with the prompt, then the payload line with OK.
    REQUIRE(at.command_with_payload("AT#SSENDEXT=1,18", "> ", req, 18, 1000, &r) == kAtOk);
    CHECK(m.sent.size() >= 2);
    REQUIRE(at.command("AT#HTTPQRY=0,0,\"/f/x\"", 1000, &r) == kAtTimeout);  // its OK never came
    m.pending += "\r\n#HTTPRING: 0,206,\"application/octet-stream\",4096\r\n";
    char line[96];
    REQUIRE(at.wait_urc("#HTTPRING:", line, sizeof line, 1000) == kAtOk);
    CHECK(std::string(line).find("206") != std::string::npos);
}
