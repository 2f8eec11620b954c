// ferryctl rollout create/list/show/pause/resume/abort against a real ferryd, with devices
// polling over loopback: the commands an operator runs, and what the devices see.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ferry/proto/device_api.h"
#include "server_fixture.h"

using namespace ferry;
using namespace ferry::test;

namespace {
std::string poll_action(ServerFixture& f, const std::string& dev, uint64_t counter,
                        const Bytes& secret) {
    auto r = f.http->request("GET", poll_target({dev, counter, "1.0.0", 0, 1}, secret));
    REQUIRE(r.status == 200);
    return parse_poll_answer(r.body, secret, counter)["a"];
}
}  // namespace

TEST_CASE("ferryctl drives a staged rollout from creation to abort", "[integration]") {
    ServerFixture f;
    REQUIRE(f.ctl("upload " + f.sign("1.1.0", 2)).code == 0);
    std::map<std::string, Bytes> secrets;
    for (const char* name : {"log-a", "log-b", "log-c", "log-d"}) {
        auto prov =
            f.ctl(std::string("provision ") + name + " --hw f401xe --tag field --format json");
        REQUIRE(prov.code == 0);
        secrets[name] =
            hex_decode(nlohmann::json::parse(prov.output)["secret"].get<std::string>()).value();
    }
    CHECK(f.ctl("rollout create 1 --wave 101%").code == 4);  // the server refuses it: 422
    CHECK(f.ctl("rollout create 1 --wave many").code == 2);

    auto made = f.ctl(
        "rollout create 1 --name canary --tag field --wave 1 --max-failures 1 --deadline 3600");
    INFO(made.output);
    REQUIRE(made.code == 0);
    CHECK(made.output.find("rollout 1  canary") != std::string::npos);
    CHECK(made.output.find("4 pending") != std::string::npos);

    auto members = f.api_json("/api/v1/rollouts/1/devices?wave=0")["devices"];
    REQUIRE(members.size() == 1);
    std::string first = members[0]["device"];
    std::string other = first == "log-a" ? "log-b" : "log-a";
    CHECK(poll_action(f, other, 1, secrets[other]) == "idle");
    CHECK(poll_action(f, first, 1, secrets[first]) == "offer");

    auto listing = f.ctl("rollout list");
    CHECK(listing.output.find("canary") != std::string::npos);
    CHECK(listing.output.find("running") != std::string::npos);

    REQUIRE(f.ctl("rollout pause 1").code == 0);
    CHECK(f.api_json("/api/v1/rollouts/1")["state"] == "paused");
    CHECK(f.ctl("rollout pause 1").code == 4);  // 409: already paused
    REQUIRE(f.ctl("rollout resume 1").code == 0);
    REQUIRE(f.ctl("rollout abort 1").code == 0);
    CHECK(poll_action(f, first, 2, secrets[first]) == "abort");

    auto shown = f.ctl("rollout show 1");
    INFO(shown.output);
    REQUIRE(shown.code == 0);
    for (const char* action : {"rollout.created", "rollout.started", "rollout.paused",
                               "rollout.resumed", "rollout.aborted"}) {
        CHECK(shown.output.find(action) != std::string::npos);
    }
    CHECK(shown.output.find("token:initial-admin") != std::string::npos);
    auto as_json = nlohmann::json::parse(f.ctl("rollout show 1 --json").output);
    CHECK(as_json["rollout"]["counts"]["aborted"] == 4);
}
