// End to end: simulated devices (real device core + telit-sim links) update from v1 to v2
// against a real ferryd; a release that never confirms rolls back; link faults are survived.
#include <catch2/catch.hpp>
#include <cstdio>

#include "fleet.h"

using namespace ferry;
using namespace ferry::test;

namespace {

struct Release {
    std::string factory_a;  // v1 image for slot A, flashed at the factory
    uint64_t image_b_size = 0;
    int64_t id = 0;
};

// v1 (factory) and v2 (assigned to tag "fleet"), both signed by the fixture's release key.
Release prepare_release(ServerFixture& f, size_t app_size, const std::string& v2 = "2.0.0") {
    Release r;
    std::string b1 = f.sign("1.0.0", 1, app_size);
    std::string b2 = f.sign(v2, 2, app_size);
    r.factory_a = f.dir.file("v1-a.img");
    REQUIRE(f.ctl("extract " + b1 + " --slot a --out " + r.factory_a).code == 0);
    auto up = f.ctl("upload " + b2 + " --json");
    REQUIRE(up.code == 0);
    auto j = nlohmann::json::parse(up.output.substr(up.output.find('{')));
    r.id = j["id"];
    r.image_b_size = j["images"][1]["size"];
    REQUIRE(f.ctl("assign fleet " + std::to_string(r.id)).code == 0);
    return r;
}

std::vector<std::string> event_kinds(ServerFixture& f, const std::string& device) {
    std::vector<std::string> kinds;
    const nlohmann::json events = f.api_json("/api/v1/devices/" + device + "/events?limit=200");
    for (const auto& e : events["events"]) {
        kinds.insert(kinds.begin(), e["kind"].get<std::string>());
    }
    return kinds;
}

bool comes_before(const std::vector<std::string>& v, const std::string& a, const std::string& b) {
    auto ia = std::find(v.begin(), v.end(), a);
    auto ib = std::find(v.begin(), v.end(), b);
    return ia != v.end() && ib != v.end() && ia < ib;
}

const char* kProfiles[] = {"lte-m", "nb-iot", "gprs", "cat1"};

}  // namespace

TEST_CASE("20 devices on mixed links update v1 -> v2, success only after check-in from the new slot",
          "[e2e]") {
    ServerFixture f({"--poll-interval", "600", "--poll-jitter", "10"});
    Release rel = prepare_release(f, 48 * 1024);
    Fleet fleet(f, rel.factory_a, 40);
    for (int i = 0; i < 20; ++i) {
        DeviceSpec spec;
        spec.name = "dev-" + std::to_string(i);
        spec.profile = kProfiles[i % 4];
        if (i % 5 == 4) spec.device_flags = {"--transport", "socket"};
        if (i % 7 == 3) spec.device_flags.insert(spec.device_flags.end(), {"--range", "query"});
        fleet.add(spec, {"--until-version", "2.0.0", "--timeout", "240"});
    }
    fleet.wait_all(300);
    for (auto& d : fleet.devices()) {
        INFO(d->spec.name << " (" << d->spec.profile << "): " << d->device->log().substr(0, 3000));
        CHECK(d->exit_code == 0);
        auto dev = f.api_json("/api/v1/devices/" + d->spec.name);
        CHECK(dev["state"] == "updated");
        CHECK(dev["version"] == "2.0.0");
        CHECK(dev["slot"] == 1);
        auto kinds = event_kinds(f, d->spec.name);
        std::string joined;
        for (const auto& k : kinds) joined += k + " ";
        INFO("events: " << joined);
        CHECK(comes_before(kinds, "trial_boot", "updated"));
        CHECK(comes_before(kinds, "pending_reboot", "trial_boot"));
    }
    // Without faults, every image byte crosses once (byte counters flush every second).
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    for (auto& d : fleet.devices()) {
        uint64_t served = f.api_json("/api/v1/devices/" + d->spec.name)["bytes_served"];
        INFO(d->spec.name);
        CHECK(served >= rel.image_b_size);
        CHECK(served <= rel.image_b_size * 102 / 100);
    }
}

TEST_CASE("a release whose application never confirms: every device falls back, recorded with the reason",
          "[e2e]") {
    ServerFixture f({"--poll-interval", "600", "--poll-jitter", "10"});
    Release rel = prepare_release(f, 24 * 1024);
    Fleet fleet(f, rel.factory_a, 40);
    for (int i = 0; i < 4; ++i) {
        DeviceSpec spec;
        spec.name = "bad-" + std::to_string(i);
        spec.profile = kProfiles[i % 4];
        spec.device_flags = {"--self-test", "fail"};
        fleet.add(spec, {"--until-rollback", "--timeout", "180"});
    }
    fleet.wait_all(240);
    for (auto& d : fleet.devices()) {
        std::string mlog = d->modem->log();
        INFO(d->spec.name << ": " << d->device->log().substr(0, 3000) << "\nMODEM:\n"
                          << mlog.substr(mlog.size() > 6000 ? mlog.size() - 6000 : 0));
        CHECK(d->exit_code == 0);
        auto dev = f.api_json("/api/v1/devices/" + d->spec.name);
        CHECK(dev["state"] == "rolled_back");
        CHECK(dev["last_reason"] == 7);  // proto::kReasonTrialLimitReached
        CHECK(dev["version"] == "1.0.0");
        CHECK(dev["slot"] == 0);
    }
}

TEST_CASE("random link faults during downloads: every device finishes, resuming, within 1.10x the image",
          "[e2e]") {
    ServerFixture f({"--poll-interval", "600", "--poll-jitter", "10"});
    Release rel = prepare_release(f, 190 * 1024);  // about the F401xE limit: many ranges
    Fleet fleet(f, rel.factory_a, 60);
    for (int i = 0; i < 6; ++i) {
        DeviceSpec spec;
        spec.name = "faulty-" + std::to_string(i);
        spec.profile = kProfiles[i % 4];
        spec.modem_flags = {"--seed", std::to_string(100 + i), "--fault-disconnect", "0.02", "--fault-status0", "0.01",
                            "--fault-cme", "0.02", "--fault-urc", "0.2", "--fault-datasize0", "0.02"};
        if (i % 2) spec.device_flags = {"--transport", "socket"};
        fleet.add(spec, {"--until-version", "2.0.0", "--timeout", "240"});
    }
    fleet.wait_all(300);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    uint64_t faults = 0;
    for (auto& d : fleet.devices()) {
        std::string mlog = d->modem->log();
        INFO(d->spec.name << ": " << d->device->log().substr(0, 4000) << "\nMODEM:\n"
                          << mlog.substr(mlog.size() > 5000 ? mlog.size() - 5000 : 0));
        CHECK(d->exit_code == 0);
        CHECK(f.api_json("/api/v1/devices/" + d->spec.name)["state"] == "updated");
        uint64_t served = f.api_json("/api/v1/devices/" + d->spec.name)["bytes_served"];
        CHECK(served <= rel.image_b_size * 110 / 100);
        if (d->modem_stats.is_object()) {
            for (const auto& [k, v] : d->modem_stats["faults"].items()) faults += v.get<uint64_t>();
        }
    }
    CHECK(faults > 0);  // the faults really happened
}

TEST_CASE("ferry-sim fleet runs several devices, each in its own process", "[e2e]") {
    ServerFixture f({"--poll-interval", "600", "--poll-jitter", "10"});
    Release rel = prepare_release(f, 16 * 1024);
    const std::string dir = f.dir.path();
    std::vector<std::unique_ptr<ChildProcess>> modems;
    std::ofstream devices(dir + "/fleet.txt");
    devices << "# one line of `ferry-sim run` arguments per device\n";
    for (int i = 0; i < 3; ++i) {
        std::string name = "fleet-" + std::to_string(i);
        auto prov = f.ctl("provision " + name + " --hw f401xe --tag fleet --format json");
        REQUIRE(prov.code == 0);
        std::string secret = nlohmann::json::parse(prov.output)["secret"];
        std::string link = dir + "/modem-" + name;
        modems.push_back(std::make_unique<ChildProcess>(
            std::vector<std::string>{TELIT_SIM_BIN, "--pty", link, "--server",
                                     "127.0.0.1:" + std::to_string(f.ferryd->port()), "--profile", kProfiles[i],
                                     "--time-scale", "40"},
            dir + "/modem-" + name + ".log"));
        for (int t = 0; t < 500 && !std::filesystem::exists(link); ++t) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        devices << "--flash " << dir << "/flash-" << name << ".bin --factory " << rel.factory_a << " --device-id "
                << name << " --secret " << secret << " --pubkey " << dir << "/release.pub --serial " << link
                << " --until-version 2.0.0 --timeout 120\n";
    }
    devices.close();
    auto r = run_command(std::string(FERRY_SIM_BIN) + " fleet --devices " + dir + "/fleet.txt");
    INFO(r.output);
    CHECK(r.code == 0);
    CHECK(r.output.find("\"succeeded\":3") != std::string::npos);
    for (int i = 0; i < 3; ++i) {
        CHECK(f.api_json("/api/v1/devices/fleet-" + std::to_string(i))["state"] == "updated");
    }
    for (auto& m : modems) m->terminate();
}
