#include <catch2/catch.hpp>

#include "link_model.h"

using namespace telit_sim;

TEST_CASE("TCP/IP overhead: 40 bytes per segment of MSS 1360", "[link]") {
    CHECK(bytes_on_air(0) == 0);
    CHECK(bytes_on_air(1) == 41);
    CHECK(bytes_on_air(1360) == 1400);
    CHECK(bytes_on_air(1361) == 1441);
    CHECK(segments_for(196608) == 145);
}

TEST_CASE("the profile table", "[link]") {
    REQUIRE(link_profiles().size() == 4);
    auto lte = find_profile("lte-m");
    REQUIRE(lte);
    CHECK(lte->down_kbps == 100);
    CHECK(lte->up_kbps == 375);
    CHECK(lte->rtt_ms == 150);
    CHECK(find_profile("nb-iot")->down_kbps == 40);
    CHECK(find_profile("nb-iot")->rtt_ms == 3000);
    CHECK(find_profile("gprs")->rtt_ms == 700);
    CHECK(find_profile("cat1")->down_kbps == 2000);
    CHECK_FALSE(find_profile("5g"));
}

TEST_CASE("transfer times, handshake and busy time", "[link]") {
    Stats stats;
    Random random(1);
    LinkModel link(*find_profile("nb-iot"), 0, random, stats);  // 5000 bytes/s down, RTT 3 s
    const double t1 = link.open_connection(0);
    CHECK(t1 == Approx(3.0));
    // 196608 bytes: 145 segments, 202408 bytes on air = 40.48 s, plus RTT/2.
    const double t2 = link.send_down(t1, 196608);
    CHECK(t2 == Approx(3.0 + 202408.0 / 5000.0 + 1.5));
    CHECK(stats.down.payload == 196608);
    CHECK(stats.down.overhead == 40 + 145 * 40);  // SYN-ACK + data segments
    CHECK(stats.up.overhead == 80);               // SYN, ACK
    CHECK(stats.connections == 1);
    CHECK(stats.air_time_s == Approx(t2));
    CHECK(stats.transfer_time_s == Approx(202408.0 / 5000.0));
}

TEST_CASE("a stream fills its last segment before starting a new one", "[link]") {
    Stats stats;
    Random random(1);
    LinkModel link(*find_profile("lte-m"), 0, random, stats);
    StreamTail tail;
    link.send_down(0, 1000, &tail);  // one segment, 360 bytes of room left
    CHECK(stats.down.packets == 1);
    link.send_down(0.01, 300, &tail);  // still on the link: fits into the same segment
    CHECK(stats.down.packets == 1);
    link.send_down(0.02, 100, &tail);  // 60 bytes fill it, 40 need a new segment
    CHECK(stats.down.packets == 2);
    CHECK(stats.down.overhead == 80);
    link.send_down(100, 10, &tail);  // long after: a new segment
    CHECK(stats.down.packets == 3);
}

TEST_CASE("segment loss costs bytes and one RTT per lost segment", "[link]") {
    Stats stats;
    Random random(7);
    LinkModel link(*find_profile("lte-m"), 1.0, random, stats);
    const double t = link.send_down(0, 2720);  // 2 segments, both lost once
    CHECK(stats.retransmitted_segments == 2);
    CHECK(stats.down.overhead == 2 * 40 + 2 * 1400);
    CHECK(t == Approx(2 * 2800.0 / 12500.0 + 2 * 0.15 + 0.075));
}
