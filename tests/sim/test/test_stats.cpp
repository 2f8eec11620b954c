#include <thread>

#include "fixture.h"

using namespace sim_test;

TEST_CASE("stats count the bytes on the air exactly", "[stats]") {
    ModemFixture f;
    f.start();
    f.bring_up();
    REQUIRE(f.sim->command("AT#HTTPQRY=0,0,\"/blob\"").ok());
    f.sim->wait_urc("#HTTPRING:");
    std::string body;
    REQUIRE(read_body(*f.sim, 5000, 1500, body));
    auto s = f.finish();
    auto reqs = f.server.requests();
    REQUIRE(reqs.size() == 1);
    const uint64_t up_payload = reqs[0].raw_bytes;
    const uint64_t down_payload = f.server.response_bytes();
    auto segs = [](uint64_t n) { return (n + 1359) / 1360; };
    CHECK(s["air"]["uplink"]["payload_bytes"] == up_payload);
    CHECK(s["air"]["downlink"]["payload_bytes"] == down_payload);
    // Data segments, plus SYN + ACK and FIN + ACK up, SYN-ACK and FIN-ACK down.
    CHECK(s["air"]["uplink"]["overhead_bytes"] == 40 * segs(up_payload) + 4 * 40);
    CHECK(s["air"]["downlink"]["overhead_bytes"] == 40 * segs(down_payload) + 2 * 40);
    CHECK(s["downlink_bytes"] == s["air"]["downlink"]["total_bytes"]);
    CHECK(s["uplink_bytes"] == up_payload + 40 * segs(up_payload) + 160);
    CHECK(s["requests"] == 1);
    CHECK(s["connections"] == 1);
    CHECK(s["profile"] == "cat1");
    CHECK(s["serial"]["tx_bytes"].get<uint64_t>() > 5000);
    CHECK(s["serial"]["gap_violations"] == 0);
    CHECK(s["air_time_s"].get<double>() > 0);
}

TEST_CASE("stats: written every second, on SIGTERM and on serial EOF", "[stats]") {
    {
        ModemFixture f;
        f.start();
        REQUIRE(f.sim->command("AT").ok());
        std::this_thread::sleep_for(std::chrono::milliseconds(1300));
        auto s = read_json(f.stats_path);  // while it runs
        CHECK(s["serial"]["commands"] == 1);
        REQUIRE(f.sim->command("AT+CSQ").ok());
        f.sim->close_input();  // serial EOF: the simulator writes the stats and exits
        REQUIRE(f.sim->wait_exit(5) == 0);
        CHECK(read_json(f.stats_path)["serial"]["commands"] == 2);
    }
    {
        ModemFixture f;
        f.start();
        REQUIRE(f.sim->command("AT").ok());
        REQUIRE(f.sim->terminate() == 0);
        CHECK(read_json(f.stats_path)["serial"]["commands"] == 1);
    }
}

TEST_CASE("stats: commands sent less than 20 ms after a final result", "[stats]") {
    ModemFixture f;
    f.start();
    REQUIRE(f.sim->command("ATE0").ok());
    REQUIRE(f.sim->command_now("AT").ok());  // straight after the OK: accepted, but counted
    REQUIRE(f.sim->command_now("AT").ok());
    REQUIRE(f.sim->command("AT").ok());  // after the gap: fine
    auto s = f.finish();
    CHECK(s["serial"]["gap_violations"] == 2);
    CHECK(s["serial"]["commands"] == 4);
}

TEST_CASE("stats: over-long lines are counted", "[stats]") {
    ModemFixture f;
    f.start();
    REQUIRE(f.sim->command("ATE0").ok());
    CHECK(f.sim->command("AT" + std::string(500, 'A')).final == "ERROR");
    auto s = f.finish();
    CHECK(s["serial"]["line_too_long"] == 1);
}
