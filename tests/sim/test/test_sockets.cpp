#include "fixture.h"

using namespace sim_test;

namespace {

const std::string kGet =
    "GET /blob HTTP/1.1\r\nHost: ferry.example.com\r\nConnection: close\r\n\r\n";

// Reads with #SRECV until NO CARRIER has come and the buffer is empty; returns all bytes.
std::string drain_socket(SimProcess& sim, int conn, std::string* last_error) {
    std::string all;
    for (int i = 0; i < 200; ++i) {
        std::string part, final;
        if (sim.socket_read("AT#SRECV=" + std::to_string(conn) + ",1500", part, &final)) {
            all += part;
            continue;
        }
        if (last_error)
            *last_error = final;
        if (sim.has_urc("NO CARRIER"))
            break;
        // Nothing buffered yet: wait for more data or the close.
        const std::string u = sim.wait_any_urc({"SRING:", "NO CARRIER"});
        if (u.rfind("SRING:", 0) == 0)
            sim.wait_urc("SRING:");  // take it
    }
    return all;
}

}  // namespace

TEST_CASE("socket: #SD, #SSENDEXT, SRING, #SRECV, NO CARRIER", "[socket]") {
    ModemFixture f;
    f.start();
    f.bring_up();
    REQUIRE(f.sim->command("AT#SCFG=1,1,300,90,600,50").ok());
    REQUIRE(f.sim->command("AT#SD=1,0,80,\"ferry.example.com\",0,0,1").ok());
    auto ss = f.sim->command("AT#SS=1");
    REQUIRE(ss.lines.size() == 1);
    CHECK(ss.lines[0].rfind("#SS: 1,2,10.64.12.7,", 0) == 0);

    REQUIRE(f.sim->command_with_payload("AT#SSENDEXT=1," + std::to_string(kGet.size()), "> ", kGet)
                .ok());
    CHECK(f.sim->wait_urc("SRING:") == "SRING: 1");
    std::string error;
    const std::string got = drain_socket(*f.sim, 1, &error);
    const std::string expected =
        MiniHttpServer::response(200, "OK", "application/octet-stream", test_blob(5000));
    CHECK(got == expected);  // byte-exact, headers and binary body
    CHECK(f.sim->has_urc("NO CARRIER"));
    CHECK(error == "+CME ERROR: 551");
    // After NO CARRIER and an empty buffer, the socket is closed.
    CHECK(f.sim->command("AT#SS=1").lines == std::vector<std::string>{"#SS: 1,0"});
    auto reqs = f.server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].target == "/blob");
}

TEST_CASE("socket: data stays readable after NO CARRIER, in order", "[socket]") {
    ModemFixture f;
    f.start();
    f.bring_up();
    REQUIRE(f.sim->command("AT#SD=2,0,80,\"ferry.example.com\",0,0,1").ok());
    REQUIRE(f.sim->command_with_payload("AT#SSENDEXT=2," + std::to_string(kGet.size()), "> ", kGet)
                .ok());
    // Wait for the close without reading anything.
    f.sim->wait_urc("NO CARRIER");
    REQUIRE(f.sim->has_urc("SRING: 2"));  // SRING came before NO CARRIER
    auto si = f.sim->command("AT#SI=2");
    REQUIRE(si.lines.size() == 1);
    std::string got, part, final;
    while (f.sim->socket_read("AT#SRECV=2,1000", part, &final))
        got += part;
    CHECK(final == "+CME ERROR: 551");
    CHECK(got.size() ==
          MiniHttpServer::response(200, "OK", "application/octet-stream", test_blob(5000)).size());
    CHECK(si.lines[0] == "#SI: 2," + std::to_string(kGet.size()) + "," +
                             std::to_string(got.size()) + "," + std::to_string(got.size()) + ",0");
}

TEST_CASE("socket: limits and errors", "[socket]") {
    ModemFixture f;
    f.start({"--ssend-max", "1024"});
    f.bring_up();
    CHECK(f.sim->command("AT#SSENDEXT=1,10").final == "+CME ERROR: 551");  // not connected
    CHECK(f.sim->command("AT#SD=1,1,80,\"ferry.example.com\",0,0,1").final ==
          "+CME ERROR: 4");  // UDP
    REQUIRE(f.sim->command("AT#SD=1,0,80,\"ferry.example.com\",0,0,1").ok());
    CHECK(f.sim->command("AT#SD=1,0,80,\"ferry.example.com\",0,0,1").final == "+CME ERROR: 551");
    CHECK(f.sim->command("AT#SSENDEXT=1,1025").final == "ERROR");  // old part: 1024 max
    CHECK(f.sim->command("AT#SSENDEXT=1,0").final == "ERROR");
    CHECK(f.sim->command("AT#SRECV=1,1501").final == "ERROR");
    CHECK(f.sim->command("AT#SRECV=1,100").final == "+CME ERROR: 551");  // nothing there yet
    REQUIRE(f.sim->command("AT#SH=1").ok());
    CHECK(f.sim->command("AT#SS=1").lines == std::vector<std::string>{"#SS: 1,0"});
}

TEST_CASE("socket: #SSENDEXT is capped at 1500 bytes", "[socket]") {
    ModemFixture f;
    f.start();
    f.bring_up();
    REQUIRE(f.sim->command("AT#SD=1,0,80,\"ferry.example.com\",0,0,1").ok());
    CHECK(f.sim->command("AT#SSENDEXT=1,1501").final == "ERROR");
    // 1500 bytes of a request: the server sees them all.
    std::string req = "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: ";
    const std::size_t body = 1500 - req.size() - 8;
    req += std::to_string(body) + "\r\n\r\n";
    req += std::string(1500 - req.size(), 'z');
    REQUIRE(req.size() == 1500);
    REQUIRE(f.sim->command_with_payload("AT#SSENDEXT=1,1500", "> ", req).ok());
    f.sim->wait_urc("NO CARRIER");
    auto reqs = f.server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].raw_bytes == 1500);
}
