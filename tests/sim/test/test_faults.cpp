#include <chrono>

#include "fixture.h"

using namespace sim_test;

namespace {

const std::string kGet =
    "GET /blob HTTP/1.1\r\nHost: ferry.example.com\r\nConnection: close\r\n\r\n";

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// One GET of /blob read in 1500-byte pieces; true when all 5000 bytes arrived intact.
bool get_blob(SimProcess& sim, std::string* ring_out = nullptr, std::string* error = nullptr) {
    REQUIRE(sim.command("AT#HTTPQRY=0,0,\"/blob\"").ok());
    const std::string ring = sim.wait_urc("#HTTPRING:");
    if (ring_out)
        *ring_out = ring;
    if (ring.rfind("#HTTPRING: 0,200,", 0) != 0)
        return false;
    std::string body;
    if (!read_body(sim, 5000, 1500, body, error))
        return false;
    REQUIRE(body == test_blob(5000));
    return true;
}

}  // namespace

TEST_CASE("no faults at probability 0 over HTTP and sockets", "[faults]") {
    ModemFixture f;
    f.start({"--fault-disconnect", "0", "--fault-status0", "0", "--fault-datasize0", "0",
             "--fault-cme", "0", "--fault-urc", "0", "--loss", "0"});
    f.bring_up();
    for (int i = 0; i < 3; ++i) {
        std::string ring;
        CHECK(get_blob(*f.sim, &ring));
        CHECK(ring == "#HTTPRING: 0,200,\"application/octet-stream\",5000");
    }
    REQUIRE(f.sim->command("AT#SD=1,0,80,\"ferry.example.com\",0,0,1").ok());
    REQUIRE(f.sim->command_with_payload("AT#SSENDEXT=1," + std::to_string(kGet.size()), "> ", kGet)
                .ok());
    f.sim->wait_urc("NO CARRIER");
    std::string all, part, final;
    while (f.sim->socket_read("AT#SRECV=1,1500", part, &final))
        all += part;
    CHECK(all.size() > 5000);
    CHECK(f.sim->urcs().size() == 1);  // the SRING; no injected lines
    auto stats = f.finish();
    for (auto& [kind, n] : stats["faults"].items()) {
        INFO(kind);
        CHECK(n == 0);
    }
}

TEST_CASE("fault flag --fault-cme 1: every network command fails with a Telit code", "[faults]") {
    ModemFixture f;
    f.start({"--fault-cme", "1"});
    REQUIRE(f.sim->command("ATE0").ok());  // basic commands and configuration are spared
    REQUIRE(f.sim->command("AT+CMEE=1").ok());
    CHECK(f.sim->command("AT+CSQ").final == "+CME ERROR: 100");
    auto r = f.sim->command("AT#SGACT=1,1");
    CHECK((r.final == "+CME ERROR: 555" || r.final == "+CME ERROR: 550"));
    r = f.sim->command("AT#SD=1,0,80,\"ferry.example.com\",0,0,1");
    CHECK((r.final == "+CME ERROR: 559" || r.final == "+CME ERROR: 560" ||
           r.final == "+CME ERROR: 562" || r.final == "+CME ERROR: 558"));
    REQUIRE(f.sim->command("AT+CMEE=0").ok());
    CHECK(f.sim->command("AT+CSQ").final == "ERROR");  // without +CMEE=1: plain ERROR
    auto stats = f.finish();
    CHECK(stats["faults"]["cme"] == 4);
}

TEST_CASE("fault flag --fault-urc 1: URCs between lines, never inside a binary payload",
          "[faults]") {
    ModemFixture f;
    f.start({"--fault-urc", "1"});
    f.bring_up();
    f.sim->clear_urcs();
    auto r = f.sim->command("AT+CSQ");
    REQUIRE(r.ok());
    CHECK(r.lines == std::vector<std::string>{"+CSQ: 18,99"});
    CHECK(f.sim->urcs().size() == 2);  // one before "+CSQ: 18,99", one before "OK"
    // The binary body still arrives intact, with URCs around each piece.
    CHECK(get_blob(*f.sim));
    REQUIRE(f.sim->command("AT#SD=1,0,80,\"ferry.example.com\",0,0,1").ok());
    REQUIRE(f.sim->command_with_payload("AT#SSENDEXT=1," + std::to_string(kGet.size()), "> ", kGet)
                .ok());
    f.sim->wait_urc("NO CARRIER");
    std::string all, part, final;
    while (f.sim->socket_read("AT#SRECV=1,1500", part, &final))
        all += part;
    CHECK(all == MiniHttpServer::response(200, "OK", "application/octet-stream", test_blob(5000)));
    auto stats = f.finish();
    CHECK(stats["faults"]["urc"].get<int>() > 10);
}

TEST_CASE("fault flag --fault-status0 1: the answer is lost, status 0 after the timeout",
          "[faults]") {
    ModemFixture f;
    f.start({"--fault-status0", "1"});
    f.bring_up(4);  // #HTTPCFG timeout 4 s = 0.2 s of wall time at scale 20
    REQUIRE(f.sim->command("AT#HTTPQRY=0,0,\"/blob\"").ok());
    CHECK(f.sim->wait_urc("#HTTPRING:") == "#HTTPRING: 0,0,\"\",0");
    std::string part, final;
    CHECK_FALSE(f.sim->http_read("AT#HTTPRCV=0,1500", 0, part, &final));
    CHECK(final == "+CME ERROR: 551");
    CHECK(f.server.requests().size() == 1);  // the request itself went out
    auto stats = f.finish();
    CHECK(stats["faults"]["status0"] == 1);
}

TEST_CASE("fault flag --fault-datasize0 1: data_size 0, the body is still there", "[faults]") {
    ModemFixture f;
    f.start({"--fault-datasize0", "1"});
    f.bring_up();
    REQUIRE(f.sim->command("AT#HTTPQRY=0,0,\"/blob\"").ok());
    CHECK(f.sim->wait_urc("#HTTPRING:") == "#HTTPRING: 0,200,\"application/octet-stream\",0");
    // A device that does not know the size reads until the error.
    std::string body, part, final;
    while (f.sim->http_read("AT#HTTPRCV=0,1500", std::min<std::size_t>(1500, 5000 - body.size()),
                            part, &final)) {
        body += part;
    }
    CHECK(body == test_blob(5000));
    CHECK(final == "+CME ERROR: 551");
    auto stats = f.finish();
    CHECK(stats["faults"]["datasize0"] == 1);
}

TEST_CASE("fault flag --fault-disconnect 1: HTTP bodies never arrive whole", "[faults]") {
    int status0 = 0, read_errors = 0;
    for (const char* seed : {"1", "2", "3", "4", "5", "6"}) {
        ModemFixture f;
        f.start({"--fault-disconnect", "1", "--seed", seed});
        f.bring_up();
        std::string ring, error;
        CHECK_FALSE(get_blob(*f.sim, &ring, &error));
        if (ring == "#HTTPRING: 0,0,\"\",0") {
            ++status0;
        } else {
            CHECK(ring == "#HTTPRING: 0,200,\"application/octet-stream\",5000");
            CHECK(error == "+CME ERROR: 561");
            ++read_errors;
        }
    }
    CHECK(status0 > 0);
    CHECK(read_errors > 0);
}

TEST_CASE("fault flag --fault-disconnect 1: sockets drop mid-response with NO CARRIER",
          "[faults]") {
    ModemFixture f;
    f.start({"--fault-disconnect", "1"});
    f.bring_up();
    REQUIRE(f.sim->command("AT#SD=1,0,80,\"ferry.example.com\",0,0,1").ok());
    REQUIRE(f.sim->command_with_payload("AT#SSENDEXT=1," + std::to_string(kGet.size()), "> ", kGet)
                .ok());
    f.sim->wait_urc("NO CARRIER");
    std::string all, part, final;
    while (f.sim->socket_read("AT#SRECV=1,1500", part, &final))
        all += part;
    const std::string full =
        MiniHttpServer::response(200, "OK", "application/octet-stream", test_blob(5000));
    CHECK(all.size() < full.size());
    CHECK(full.compare(0, all.size(), all) == 0);  // what came is a prefix of the answer
    CHECK(f.sim->command("AT#SSENDEXT=1,10").final == "+CME ERROR: 551");
    auto stats = f.finish();
    CHECK(stats["faults"]["disconnect"] == 1);
}

TEST_CASE("fault flag --slow-sgact: context activation takes that long", "[faults]") {
    ModemFixture f;
    f.start({"--slow-sgact", "20"});  // 20 s simulated = 1 s of wall time at scale 20
    REQUIRE(f.sim->command("ATE0").ok());
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(f.sim->command("AT#SGACT=1,1").ok());
    const double wall = seconds_since(t0);
    CHECK(wall > 0.95);
    CHECK(wall < 3);
    auto stats = f.finish();
    CHECK(stats["faults"]["slow_sgact"] == 1);
}

TEST_CASE("fault flag --loss 1: every segment is sent twice", "[faults]") {
    ModemFixture f;
    f.start({"--loss", "1"});
    f.bring_up();
    CHECK(get_blob(*f.sim));
    auto stats = f.finish();
    CHECK(stats["air"]["retransmitted_segments"].get<int>() >= 5);
    CHECK(stats["faults"]["loss"] == stats["air"]["retransmitted_segments"]);
}
