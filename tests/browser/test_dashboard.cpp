// Browser test (label browser): a real ferryd, eight simulated devices (ferry-sim + telit-sim on
// mixed links) and Debian's Chromium driven by playwright-core (dashboard.mjs). This side starts
// the server and the fleet and prepares the signed bundles; the script does what an operator
// does in the dashboard; afterwards the store is checked for what the page showed.
#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "../e2e/fleet.h"

using namespace ferry;
using namespace ferry::test;

namespace {
const char* kProfiles[] = {"lte-m", "nb-iot", "cat1", "gprs"};
constexpr int kDevices = 8;

void wait_until_all_polled(ServerFixture& f, double timeout_s) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
        if (f.api_json("/api/v1/fleet")["never_seen"] == 0)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    FAIL("not every simulated device polled within " << timeout_s << " s");
}
}  // namespace

TEST_CASE(
    "dashboard: log in, upload, staged rollout to 100 % live, pause and resume, a bad release "
    "pauses by itself",
    "[browser]") {
    REQUIRE(std::filesystem::exists(CHROMIUM_BIN));
    ServerFixture f({"--poll-interval", "3", "--poll-jitter", "1", "--price-per-mb", "0.25",
                     "--web-root", WEB_DIST});
    std::string b1 = f.sign("1.0.0", 1, 24 * 1024);
    std::string good = f.sign("2.0.0", 2, 24 * 1024);
    std::string bad = f.sign("3.0.0", 3, 24 * 1024);
    std::string factory = f.dir.file("v1-a.img");
    REQUIRE(f.ctl("extract " + b1 + " --slot a --out " + factory).code == 0);

    Fleet fleet(f, factory, 20);
    for (int i = 0; i < kDevices; ++i) {
        DeviceSpec spec;
        spec.name = "logger-" + std::to_string(i + 1);
        spec.profile = kProfiles[i % 4];
        spec.device_flags = {"--fail-versions", "3.0.0", "--interval", "3"};
        fleet.add(spec, {"--timeout", "900"});
    }
    wait_until_all_polled(f, 60);

    std::string out = std::string(ARTIFACT_DIR);
    std::filesystem::create_directories(out);
    auto r =
        run_command("node " + std::string(SCRIPT) + " --url " + f.ferryd->base_url() +
                    " --user admin --password " + f.ferryd->admin_password() + " --good " + good +
                    " --bad " + bad + " --devices " + std::to_string(kDevices) + " --out " + out);
    write_file_atomic(out + "/dashboard.log", reinterpret_cast<const uint8_t*>(r.output.data()),
                      r.output.size());
    INFO(r.output);
    INFO("screenshots and the script's log: " << out);
    CHECK(r.code == 0);

    // What the page showed is what the store holds.
    auto first = f.api_json("/api/v1/rollouts/1");
    CHECK(first["state"] == "completed");
    CHECK(first["counts"]["confirmed"] == kDevices);
    auto second = f.api_json("/api/v1/rollouts/2");
    CHECK(second["state"] == "paused");
    CHECK(second["pause_reason"] == "failure_threshold");
    CHECK(second["counts"]["rolled_back"].get<int>() >= 1);
    CHECK(second["counts"]["confirmed"] == 0);
}
