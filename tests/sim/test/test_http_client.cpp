#include <chrono>

#include "fixture.h"

using namespace sim_test;

TEST_CASE("echo is on until ATE0 and results are framed by CRLF", "[http][basic]") {
    ModemFixture f;
    f.start();
    auto r = f.sim->command("AT");
    REQUIRE(r.ok());
    CHECK(r.lines == std::vector<std::string>{"AT\r"});  // the echo, CR included
    REQUIRE(f.sim->command("ATE0").ok());
    r = f.sim->command("AT");
    REQUIRE(r.ok());
    CHECK(r.lines.empty());
    CHECK(f.sim->transcript() == "AT\r\r\nOK\r\nATE0\r\r\nOK\r\n\r\nOK\r\n");
}

TEST_CASE("identity, registration, errors before and after AT+CMEE=1", "[http][basic]") {
    ModemFixture f;
    f.start({"--reg-queries", "2"});
    REQUIRE(f.sim->command("ATE0").ok());
    CHECK(f.sim->command("AT#BOGUS").final == "ERROR");
    CHECK(f.sim->command("AT#SGACT=1,1").final == "ERROR");  // not registered yet; plain ERROR
    REQUIRE(f.sim->command("AT+CMEE=1").ok());
    CHECK(f.sim->command("AT#SGACT=1,1").final == "+CME ERROR: 555");

    auto r = f.sim->command("AT+CEREG?");
    REQUIRE(r.lines == std::vector<std::string>{"+CEREG: 0,2"});
    r = f.sim->command("AT+CREG?");
    REQUIRE(r.lines == std::vector<std::string>{"+CREG: 0,2"});
    r = f.sim->command("AT+CEREG?");
    REQUIRE(r.lines == std::vector<std::string>{"+CEREG: 0,1"});

    r = f.sim->command("AT+CSQ");
    CHECK(r.lines == std::vector<std::string>{"+CSQ: 18,99"});
    r = f.sim->command("AT+CGSN");
    REQUIRE(r.lines.size() == 1);
    CHECK(r.lines[0].size() == 15);
    CHECK(r.lines[0].find_first_not_of("0123456789") == std::string::npos);
    CHECK(f.sim->command("AT#CGSN").lines == std::vector<std::string>{"#CGSN: " + r.lines[0]});
    auto ccid = f.sim->command("AT#CCID");
    REQUIRE(ccid.lines.size() == 1);
    CHECK(ccid.lines[0].rfind("#CCID: 89", 0) == 0);
    CHECK(f.sim->command("AT&K3").ok());
    CHECK(f.sim->command("AT+IFC=2,2").ok());
    CHECK(f.sim->command("AT+IPR=115200").ok());

    CHECK(f.sim->command("AT#HTTPQRY=0,0,\"/blob\"").final == "+CME ERROR: 556");  // no context
    auto act = f.sim->command("AT#SGACT=1,1");
    REQUIRE(act.ok());
    CHECK(act.lines == std::vector<std::string>{"#SGACT: 10.64.12.7"});
    CHECK(f.sim->command("AT#SGACT=1,1").final == "+CME ERROR: 553");  // already activated
    CHECK(f.sim->command("AT#SGACT?").lines == std::vector<std::string>{"#SGACT: 1,1"});
}

TEST_CASE("command lines over 400 characters are refused", "[http][basic]") {
    ModemFixture f;
    f.start();
    REQUIRE(f.sim->command("ATE0").ok());
    std::string line = "AT#HTTPCFG=1,\"";
    line += std::string(400 - line.size() - 1, 'h');
    line += "\"";
    REQUIRE(line.size() == 400);
    CHECK(f.sim->command(line).ok());
    line.insert(14, "x");
    CHECK(f.sim->command(line).final == "ERROR");
    CHECK(f.sim->command("AT").ok());  // and the modem carries on
}

TEST_CASE("GET: 5000 binary bytes containing OK, read in 1500-byte pieces", "[http]") {
    ModemFixture f;
    f.start();
    f.bring_up();
    REQUIRE(f.sim->command("AT#HTTPQRY=0,0,\"/blob\"").ok());
    CHECK(f.sim->wait_urc("#HTTPRING:") == "#HTTPRING: 0,200,\"application/octet-stream\",5000");
    std::string body;
    REQUIRE(read_body(*f.sim, 5000, 1500, body));
    CHECK(body == test_blob(5000));
    std::string part, final;
    CHECK_FALSE(f.sim->http_read("AT#HTTPRCV=0,1500", 0, part, &final));
    CHECK(final == "+CME ERROR: 551");

    auto reqs = f.server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "GET");
    CHECK(reqs[0].target == "/blob");
    CHECK(reqs[0].headers.at("connection") == "close");
    CHECK(reqs[0].headers.at("host") == "ferry.example.com");
    CHECK(reqs[0].header_lines.size() == 2);
}

TEST_CASE("maxByte 0 gives the whole rest and maxByte below 64 is refused", "[http]") {
    ModemFixture f;
    f.start();
    f.bring_up();
    REQUIRE(f.sim->command("AT#HTTPQRY=0,0,\"/blob\"").ok());
    f.sim->wait_urc("#HTTPRING:");
    CHECK(f.sim->command("AT#HTTPRCV=0,10").final == "ERROR");
    std::string first, rest, final;
    REQUIRE(f.sim->http_read("AT#HTTPRCV=0,64", 64, first, &final));
    REQUIRE(f.sim->http_read("AT#HTTPRCV=0,0", 5000 - 64, rest, &final));
    CHECK(first + rest == test_blob(5000));
    REQUIRE(f.sim->command("AT#HTTPQRY=0,0,\"/blob\"").ok());
    f.sim->wait_urc("#HTTPRING:");
    REQUIRE(f.sim->http_read("AT#HTTPRCV=0", 5000, rest, &final));  // no maxByte: all
    CHECK(rest == test_blob(5000));
}

TEST_CASE("HEAD reports the size and has no body", "[http]") {
    ModemFixture f;
    f.start();
    f.bring_up();
    REQUIRE(f.sim->command("AT#HTTPQRY=0,1,\"/blob\"").ok());
    CHECK(f.sim->wait_urc("#HTTPRING:") == "#HTTPRING: 0,200,\"application/octet-stream\",5000");
    std::string part, final;
    CHECK_FALSE(f.sim->http_read("AT#HTTPRCV=0,1500", 0, part, &final));
    CHECK(final == "+CME ERROR: 551");
    auto reqs = f.server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "HEAD");
}

TEST_CASE("the one extra header line (Range) reaches the server", "[http]") {
    ModemFixture f;
    f.start();
    f.bring_up();
    REQUIRE(f.sim->command("AT#HTTPQRY=0,0,\"/range\",\"Range: bytes=100-1699\"").ok());
    CHECK(f.sim->wait_urc("#HTTPRING:") == "#HTTPRING: 0,206,\"application/octet-stream\",1600");
    std::string body;
    REQUIRE(read_body(*f.sim, 1600, 1500, body));
    CHECK(body == test_blob(5000).substr(100, 1600));
    auto reqs = f.server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].headers.at("range") == "bytes=100-1699");
    CHECK(reqs[0].header_lines.size() == 3);  // Host, Connection, Range
}

TEST_CASE("error answers come through with their status and body", "[http]") {
    ModemFixture f;
    f.start();
    f.bring_up();
    REQUIRE(f.sim->command("AT#HTTPQRY=0,0,\"/nothing\"").ok());
    const std::string ring = f.sim->wait_urc("#HTTPRING:");
    CHECK(ring.rfind("#HTTPRING: 0,404,\"application/json\",", 0) == 0);
    std::string body;
    const std::size_t n = std::stoul(ring.substr(ring.rfind(',') + 1));
    REQUIRE(read_body(*f.sim, n, 1500, body));
    CHECK(body.find("not_found") != std::string::npos);
}

TEST_CASE("HTTPSND: >>> prompt, exact payload, then #HTTPRING", "[http]") {
    ModemFixture f;
    f.start();
    f.bring_up();
    const std::string payload = "a=1\r\nOK\r\nb=2";
    auto r = f.sim->command_with_payload(
        "AT#HTTPSND=0,0,\"/echo\"," + std::to_string(payload.size()) + ",\"1\"", ">>>", payload);
    REQUIRE(r.ok());
    CHECK(f.sim->wait_urc("#HTTPRING:") ==
          "#HTTPRING: 0,200,\"text/plain\"," + std::to_string(payload.size()));
    std::string body;
    REQUIRE(read_body(*f.sim, payload.size(), 1500, body));
    CHECK(body == payload);
    auto reqs = f.server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "POST");
    CHECK(reqs[0].headers.at("content-type") == "text/plain");
    CHECK(reqs[0].body == payload);
}

TEST_CASE("a request waits for the modelled link: lte-m, 2 RTT + transfer", "[http][timing]") {
    ModemFixture f;
    f.start({"--profile", "lte-m", "--time-scale", "2"});
    f.bring_up();
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(f.sim->command("AT#HTTPQRY=0,0,\"/blob\"").ok());
    f.sim->wait_urc("#HTTPRING:");
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // 2 RTT (0.3 s) + ~5.3 KB at 12.5 KB/s (0.43 s) = 0.73 s simulated = 0.36 s at scale 2.
    CHECK(wall > 0.30);
    CHECK(wall < 1.5);
}

TEST_CASE("time scale: 192 KB over NB-IoT in seconds of wall time, ~45 s of air time",
          "[http][timing]") {
    ModemFixture f;
    f.start({"--profile", "nb-iot", "--time-scale", "40"});
    f.bring_up();
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(f.sim->command("AT#HTTPQRY=0,0,\"/big\"").ok());
    CHECK(f.sim->wait_urc("#HTTPRING:", 20) ==
          "#HTTPRING: 0,200,\"application/octet-stream\",196608");
    std::string body;
    REQUIRE(read_body(*f.sim, 196608, 1500, body));
    CHECK(body == test_blob(196608));
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(wall < 8);
    auto stats = f.finish();
    // 202.5 KB on air at 5 KB/s = 40.5 s, plus the handshake (3 s) and both ways (3 s).
    const double air = stats["air_time_s"].get<double>();
    // #SGACT adds its 2 RTT (6 s) of signalling: ~52.6 s in all.
    CHECK(air > 51.0);
    CHECK(air < 55.0);
    CHECK(stats["transfer_time_s"].get<double>() > 40.4);
    CHECK(stats["sim_time_s"].get<double>() > air);
    CHECK(stats["requests"] == 1);
}

TEST_CASE("the UART paces bytes at baud/10 per second and AT+IPR changes the rate",
          "[http][timing]") {
    ModemFixture f;
    f.start({"--time-scale", "1"});  // cat1: the UART is the bottleneck
    f.bring_up();
    REQUIRE(f.sim->command("AT#HTTPQRY=0,0,\"/blob\"").ok());
    f.sim->wait_urc("#HTTPRING:");
    std::string part, final;
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE(f.sim->http_read("AT#HTTPRCV=0,1500", 1500, part, &final));
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(wall > 1500.0 / 11520 - 0.01);  // ~0.13 s at 115200 baud
    CHECK(wall < 0.6);
    REQUIRE(f.sim->command("AT+IPR=57600").ok());
    t0 = std::chrono::steady_clock::now();
    REQUIRE(f.sim->http_read("AT#HTTPRCV=0,1500", 1500, part, &final));
    wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(wall > 1500.0 / 5760 - 0.01);  // ~0.26 s at 57600 baud
    CHECK(f.sim->command("AT+IPR?").lines == std::vector<std::string>{"+IPR: 57600"});
}

TEST_CASE("bad command lines of telit-sim itself exit with status 2", "[basic]") {
    SimProcess bad({"--fault-cme", "1.5"});
    CHECK(bad.wait_exit(5) == 2);
    SimProcess unknown({"--frobnicate"});
    CHECK(unknown.wait_exit(5) == 2);
}
