// The AT engine against whatever a modem (or line noise) sends: every wait must end, nothing
// may be read or written out of bounds, binary reads must stop at their count.
#include "fake_ports.h"
#include "modem/at_engine.h"

using namespace ferry;

namespace {
void urc_sink(void*, const char*) {}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::FeedSerial serial{data, size};
    fuzz::StepClock clock;
    AtEngine at(serial.port(), clock.port());
    at.set_urc_handler(urc_sink, nullptr);
    AtResponse r;
    at.command("AT+CEREG?", 200, &r);
    (void)r.find("+CEREG:");
    uint8_t buf[1500];
    at.command_read_binary("AT#HTTPRCV=0,1500", "<<<", buf, sizeof buf, 200, &r);
    at.command_read_binary("AT#SRECV=1,1500", "#SRECV:", buf, sizeof buf, 200, &r);
    const uint8_t payload[4] = {'G', 'E', 'T', ' '};
    at.command_with_payload("AT#SSENDEXT=1,4", "> ", payload, sizeof payload, 200, &r);
    char line[64];
    at.wait_urc("#HTTPRING:", line, sizeof line, 200);
    at.poll();
    return 0;
}
