// Figures for the record: one update of a 192 KB image and one idle poll on each simulated
// link, as telit-sim counts them (bytes on the air, TCP/IP overhead included; simulated time),
// next to what the link itself allows (image size / bandwidth). Printed on every run; the
// checks only guard against nonsense (faster than the link, fewer bytes than the image).
#include <catch2/catch.hpp>
#include <cstdio>

#include "fleet.h"

using namespace ferry;
using namespace ferry::test;

namespace {
struct LinkFigure {
    const char* profile;
    double down_kbps;
};
const LinkFigure kLinks[] = {{"lte-m", 100}, {"nb-iot", 40}, {"gprs", 30}, {"cat1", 2000}};
}  // namespace

TEST_CASE("bytes on the air and time for one 192 KB update and one idle poll, per link", "[e2e][figures]") {
    ServerFixture f({"--poll-interval", "600", "--poll-jitter", "10"});
    std::string b1 = f.sign("1.0.0", 1, 192 * 1024 - 1024);
    std::string b2 = f.sign("2.0.0", 2, 192 * 1024 - 1024);
    std::string factory = f.dir.file("v1-a.img");
    REQUIRE(f.ctl("extract " + b1 + " --slot a --out " + factory).code == 0);
    auto up = f.ctl("upload " + b2 + " --json");
    REQUIRE(up.code == 0);
    auto rel = nlohmann::json::parse(up.output.substr(up.output.find('{')));
    const double image = rel["images"][1]["size"].get<double>();

    // air time: the simulated time the link was busy (connection set-up, transfers, round
    // trips); it leaves out the device's own pauses, which the time scale would inflate.
    std::printf("\nlink     transport  image B  air down   air up  overhead  air time  link limit  ratio\n");
    for (const char* transport : {"http", "socket"}) {
        Fleet fleet(f, factory, 100);
        for (const auto& link : kLinks) {
            DeviceSpec spec;
            spec.name = std::string("fig-") + link.profile + "-" + transport;
            spec.profile = link.profile;
            spec.device_flags = {"--transport", transport};
            fleet.add(spec, {"--until-version", "2.0.0", "--timeout", "240"});
        }
        REQUIRE(f.ctl("assign fleet " + std::to_string(rel["id"].get<int64_t>())).code == 0);
        fleet.wait_all(300);
        for (auto& d : fleet.devices()) {
            INFO(d->spec.name << ": " << d->device->log().substr(0, 2000));
            REQUIRE(d->exit_code == 0);
            REQUIRE(d->modem_stats.is_object());
            double down = d->modem_stats["downlink_bytes"];
            double up_bytes = d->modem_stats["uplink_bytes"];
            double sim = d->modem_stats["air_time_s"];
            double kbps = 0;
            for (const auto& l : kLinks) {
                if (d->spec.profile == l.profile) kbps = l.down_kbps;
            }
            double limit = image * 8 / (kbps * 1000);
            std::printf("%-8s %-9s %8.0f %9.0f %8.0f %8.1f%% %8.1fs %10.1fs %6.2f\n", d->spec.profile.c_str(), transport,
                        image, down, up_bytes, 100.0 * (down + up_bytes - image) / image, sim, limit, sim / limit);
            CHECK(down >= image);
            CHECK(sim >= limit);
        }
        // Next round: the same devices are re-made with new names; unassign first.
        REQUIRE(f.ctl("unassign fleet").code == 0);
    }

    // One idle poll, alone: a device that has nothing to do polls once.
    Fleet idle(f, factory, 100);
    DeviceSpec spec;
    spec.name = "fig-idle";
    spec.profile = "lte-m";
    idle.add(spec, {"--max-polls", "1", "--timeout", "60"});
    idle.wait_all(90);
    auto& d = idle.devices().front();
    REQUIRE(d->modem_stats.is_object());
    std::printf("idle poll (lte-m, modem HTTP client): %.0f bytes down, %.0f bytes up on the air, %.2f s\n",
                d->modem_stats["downlink_bytes"].get<double>(), d->modem_stats["uplink_bytes"].get<double>(),
                d->modem_stats["air_time_s"].get<double>());
    CHECK(d->modem_stats["requests"] == 1);
}
