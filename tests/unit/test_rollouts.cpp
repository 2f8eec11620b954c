// The staged-rollout engine through the management API and real device polls (FerryApp over a
// real SQLite file, clock under the test's control): waves, thresholds, deadlines, pause,
// resume, abort, late joiners, two rollouts on one device, the download cap.
#include <algorithm>
#include <catch2/catch.hpp>

#include "app_fixture.h"
#include "ferry/proto/device_api.h"
#include "rollout/rollout_plan.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <tuple>

using namespace ferry;
using namespace ferry::test;
using nlohmann::json;

namespace {

// One simulated device speaking the device API as the agent does.
struct Dev {
    AppFixture& f;
    std::string name;
    Bytes secret;
    uint64_t counter = 0;
    std::string version = "1.0.0";
    int slot = 0;

    Dev(AppFixture& fx, std::string n, std::vector<std::string> tags = {"field"})
        : f(fx), name(std::move(n)), secret(f.provision(name, "f401xe", tags)) {}

    std::map<std::string, std::string> poll(int boot = proto::kBootConfirmed, int event = 0,
                                            std::optional<int64_t> release = {}, int reason = 0) {
        PollParams p{name, ++counter, version, slot, 1, boot, event, release, {}, reason};
        return f.poll(p, secret);
    }
    std::string action() { return poll()["a"]; }

    // From an offer to the new slot confirmed, as a healthy device does it.
    void install(const std::map<std::string, std::string>& offer) {
        int64_t rel = std::stoll(offer.at("r"));
        poll(proto::kBootConfirmed, proto::kEventVerified, rel);
        poll(proto::kBootConfirmed, proto::kEventPendingReboot, rel);
        version = offer.at("v");
        slot = std::stoi(offer.at("s"));
        REQUIRE(poll(proto::kBootTrial)["a"] == "confirm");
        poll(proto::kBootConfirmed, proto::kEventConfirmed, rel);
    }
    // Takes the offer, reboots into it, and falls back to the old slot.
    void roll_back(const std::map<std::string, std::string>& offer) {
        int64_t rel = std::stoll(offer.at("r"));
        poll(proto::kBootConfirmed, proto::kEventPendingReboot, rel);
        poll(proto::kBootRolledBack, proto::kEventRolledBack, rel, proto::kReasonTrialLimitReached);
    }
    bool update_if_offered() {
        auto a = poll();
        if (a["a"] != "offer")
            return false;
        install(a);
        return true;
    }
};

struct Fleet {
    AppFixture f;
    std::vector<std::unique_ptr<Dev>> devs;
    int64_t v2 = 0;

    explicit Fleet(int n, std::vector<std::string> tags = {"field"}) {
        for (int i = 0; i < n; ++i)
            devs.push_back(std::make_unique<Dev>(f, "dev-" + std::to_string(100 + i), tags));
        v2 = f.upload(make_bundle(f.release_key, "2.0.0", 1, proto::kHwF401xE));
        for (auto& d : devs)
            d->poll();  // every device has reported 1.0.0
    }
    Dev& dev(const std::string& name) {
        for (auto& d : devs) {
            if (d->name == name)
                return *d;
        }
        throw std::runtime_error("no " + name);
    }
    json create(json body) {
        if (!body.contains("release_id"))
            body["release_id"] = v2;
        auto r = f.call("POST", "/api/v1/rollouts", body.dump());
        if (r.status != 201)
            throw std::runtime_error("create: " + std::to_string(r.status) + " " + r.body);
        return f.json(r);
    }
    json show(int64_t id) {
        return f.json(f.call("GET", "/api/v1/rollouts/" + std::to_string(id)));
    }
    std::vector<std::string> members(int64_t id, const std::string& query) {
        auto j =
            f.json(f.call("GET", "/api/v1/rollouts/" + std::to_string(id) + "/devices?" + query));
        std::vector<std::string> out;
        for (const auto& m : j["devices"])
            out.push_back(m["device"]);
        return out;
    }
    std::vector<std::string> audit_actions(int64_t id) {
        auto j = f.json(f.call("GET", "/api/v1/rollouts/" + std::to_string(id) + "/audit"));
        std::vector<std::string> out;
        for (const auto& e : j["entries"])
            out.insert(out.begin(), e["action"].get<std::string>());
        return out;
    }
    int command(int64_t id, const std::string& what) {
        return f.call("POST", "/api/v1/rollouts/" + std::to_string(id) + "/" + what).status;
    }
};

}  // namespace

TEST_CASE("wave reach is cumulative, never shrinks and always ends with everyone", "[rollout]") {
    using store::WaveSpec;
    using K = WaveSpec::Kind;
    CHECK(rollout::wave_reach({{K::percent, 1}, {K::percent, 10}, {K::percent, 100}}, 1000) ==
          std::vector<size_t>{10, 100, 1000});
    CHECK(rollout::wave_reach({{K::percent, 1}, {K::percent, 100}}, 20) ==
          std::vector<size_t>{1, 20});  // a canary of at least one device
    CHECK(rollout::wave_reach({{K::count, 5}, {K::percent, 10}, {K::percent, 100}}, 20) ==
          std::vector<size_t>{5, 5, 20});
    CHECK(rollout::wave_reach({{K::count, 50}, {K::percent, 100}}, 7) == std::vector<size_t>{7, 7});
    std::vector<WaveSpec> w = {{K::percent, 5}, {K::count, 40}};
    CHECK(rollout::normalise_waves(w).empty());
    REQUIRE(w.size() == 3);
    CHECK(w.back().value == 100);
    std::vector<WaveSpec> bad = {{K::percent, 50}, {K::percent, 10}};
    CHECK_FALSE(rollout::normalise_waves(bad).empty());
    CHECK(rollout::member_rank(1, "dev-1") == rollout::member_rank(1, "dev-1"));
    CHECK(rollout::member_rank(1, "dev-1") != rollout::member_rank(2, "dev-1"));
}

TEST_CASE("wave membership is deterministic: the lowest ranks form the first wave", "[rollout]") {
    Fleet fl(20);
    auto r = fl.create({{"waves", json::array({{{"percent", 10}}, {{"percent", 50}}})}});
    int64_t id = r["id"];
    CHECK(r["total"] == 20);
    CHECK(r["waves"].size() == 3);
    CHECK(r["waves"][0]["total"] == 2);
    CHECK(r["waves"][1]["total"] == 8);
    CHECK(r["waves"][2]["total"] == 10);
    std::vector<std::pair<int64_t, std::string>> ranked;
    for (auto& d : fl.devs)
        ranked.emplace_back(rollout::member_rank(id, d->name), d->name);
    std::sort(ranked.begin(), ranked.end());
    std::vector<std::string> expected = {ranked[0].second, ranked[1].second};
    CHECK(fl.members(id, "wave=0") == expected);
}

TEST_CASE("a wave opens only when the previous one is confirmed on the new slot", "[rollout]") {
    Fleet fl(10);
    auto r = fl.create(
        {{"waves", json::array({{{"count", 2}}, {{"count", 5}}})}, {"success_percent", 100}});
    int64_t id = r["id"];
    CHECK(r["state"] == "running");
    auto wave0 = fl.members(id, "wave=0");
    auto wave1 = fl.members(id, "wave=1");
    REQUIRE(wave0.size() == 2);
    REQUIRE(wave1.size() == 3);

    CHECK(fl.dev(wave1[0]).action() == "idle");  // not its turn
    auto offer = fl.dev(wave0[0]).poll();
    REQUIRE(offer["a"] == "offer");
    // Installed but not yet confirmed is not a success: wave 1 stays closed.
    fl.dev(wave0[0]).poll(proto::kBootConfirmed, proto::kEventPendingReboot, fl.v2);
    CHECK(fl.show(id)["waves"][0]["counts"]["installed"] == 1);
    CHECK(fl.dev(wave1[0]).action() == "idle");
    fl.dev(wave0[0]).version = "2.0.0";
    fl.dev(wave0[0]).slot = 1;
    fl.dev(wave0[0]).poll(proto::kBootTrial);
    fl.dev(wave0[0]).poll(proto::kBootConfirmed, proto::kEventConfirmed, fl.v2);
    CHECK(fl.show(id)["current_wave"] == 0);
    REQUIRE(fl.dev(wave0[1]).update_if_offered());
    auto now = fl.show(id);
    CHECK(now["current_wave"] == 1);
    CHECK(now["waves"][0]["counts"]["confirmed"] == 2);
    CHECK(fl.dev(wave1[0]).update_if_offered());

    for (auto& d : fl.devs)
        d->update_if_offered();  // wave 1's success opens the last wave, which takes the rest
    for (auto& d : fl.devs)
        d->update_if_offered();
    auto done = fl.show(id);
    CHECK(done["state"] == "completed");
    CHECK(done["counts"]["confirmed"] == 10);
    CHECK(done["progress_percent"] == 100.0);
    auto actions = fl.audit_actions(id);
    CHECK(actions == std::vector<std::string>{"rollout.created", "rollout.started",
                                              "rollout.wave_opened", "rollout.wave_opened",
                                              "rollout.completed"});
}

TEST_CASE("rollbacks and failed verifications pause the rollout by themselves", "[rollout]") {
    Fleet fl(10);
    auto r = fl.create({{"waves", json::array({{{"count", 4}}})},
                        {"success_percent", 50},
                        {"failure_threshold", {{"count", 2}}}});
    int64_t id = r["id"];
    auto wave0 = fl.members(id, "wave=0");
    auto offer = fl.dev(wave0[0]).poll();
    REQUIRE(offer["a"] == "offer");
    fl.dev(wave0[0]).roll_back(offer);
    CHECK(fl.show(id)["state"] == "running");  // one failure, limit two
    REQUIRE(fl.dev(wave0[1]).poll()["a"] == "offer");
    fl.dev(wave0[1]).poll(proto::kBootConfirmed, proto::kEventFailed, fl.v2,
                          proto::kReasonSignatureInvalid);
    auto paused = fl.show(id);
    CHECK(paused["state"] == "paused");
    CHECK(paused["pause_reason"] == "failure_threshold");
    CHECK(paused["counts"]["rolled_back"] == 1);
    CHECK(paused["counts"]["failed"] == 1);
    CHECK(fl.dev(wave0[2]).action() == "idle");  // nothing new while paused

    // The operator resumes: the two failures are forgiven, new ones count afresh.
    CHECK(fl.command(id, "resume") == 200);
    CHECK(fl.show(id)["state"] == "running");
    CHECK(fl.dev(wave0[2]).update_if_offered());
    auto actions = fl.audit_actions(id);
    CHECK(std::count(actions.begin(), actions.end(), "rollout.paused") == 1);
    CHECK(actions.back() == "rollout.resumed");
}

TEST_CASE("a failure percentage counts against the devices started", "[rollout]") {
    Fleet fl(10);
    auto r = fl.create({{"failure_threshold", {{"percent", 50}}}});
    int64_t id = r["id"];
    auto all = fl.members(id, "limit=100");
    REQUIRE(fl.dev(all[0]).update_if_offered());
    auto offer = fl.dev(all[1]).poll();
    fl.dev(all[1]).roll_back(offer);  // 1 of 2 started: 50 %
    CHECK(fl.show(id)["state"] == "paused");
}

TEST_CASE("a device silent past its deadline times out and counts as a failure", "[rollout]") {
    Fleet fl(3);
    auto r = fl.create({{"device_deadline_s", 600}, {"failure_threshold", {{"count", 1}}}});
    int64_t id = r["id"];
    auto all = fl.members(id, "");
    REQUIRE(fl.dev(all[0]).poll()["a"] == "offer");  // and then never heard from again
    fl.f.clock += 599;
    fl.f.app->sweep_rollouts();
    CHECK(fl.show(id)["counts"]["downloading"] == 1);
    fl.f.clock += 2;
    fl.f.app->sweep_rollouts();
    auto after = fl.show(id);
    // The offered device is a failure; the two that never came for their offer time out as
    // silent, which is not the release's failure.
    CHECK(after["counts"]["timed_out"] == 3);
    CHECK(after["state"] == "paused");
    auto audit = fl.f.json(fl.f.call("GET", "/api/v1/rollouts/" + std::to_string(id) + "/audit"));
    CHECK(audit["entries"][0]["detail"].get<std::string>().rfind("1 failure(s) of 1", 0) == 0);
    auto events = fl.f.json(fl.f.call("GET", "/api/v1/devices/" + all[0] + "/events"))["events"];
    CHECK(events[0]["kind"] == "timed_out");
    auto silent = fl.f.json(fl.f.call("GET", "/api/v1/devices/" + all[1] + "/events"))["events"];
    CHECK(silent[0]["detail"].get<std::string>().rfind("silent for 600 s", 0) == 0);
    fl.f.app->sweep_rollouts();  // idempotent
    CHECK(fl.show(id)["counts"]["timed_out"] == 3);
}

TEST_CASE("abort tells a device mid-download to stop at its next poll", "[rollout]") {
    Fleet fl(4);
    auto r = fl.create({});
    int64_t id = r["id"];
    auto all = fl.members(id, "");
    Dev& busy = fl.dev(all[0]);
    REQUIRE(busy.poll()["a"] == "offer");
    busy.poll(proto::kBootConfirmed, proto::kEventDownloading, fl.v2);
    CHECK(fl.command(id, "abort") == 200);
    auto aborted = fl.show(id);
    CHECK(aborted["state"] == "aborted");
    CHECK(aborted["counts"]["aborted"] == 3);  // the ones not started
    CHECK(aborted["counts"]["downloading"] == 1);
    CHECK(busy.action() == "abort");
    CHECK(fl.show(id)["counts"]["aborted"] == 4);
    CHECK(fl.dev(all[1]).action() == "idle");
    CHECK(fl.command(id, "abort") == 409);
    CHECK(fl.command(id, "resume") == 409);
}

TEST_CASE("pause stops new offers and lets downloads under way finish", "[rollout]") {
    Fleet fl(3);
    int64_t id = fl.create({})["id"];
    auto all = fl.members(id, "");
    auto offer = fl.dev(all[0]).poll();
    REQUIRE(offer["a"] == "offer");
    CHECK(fl.command(id, "pause") == 200);
    CHECK(fl.dev(all[1]).action() == "idle");
    CHECK(fl.dev(all[0]).poll()["a"] == "offer");  // the same offer again: keep going
    fl.dev(all[0]).install(offer);
    CHECK(fl.show(id)["counts"]["confirmed"] == 1);
    CHECK(fl.command(id, "pause") == 409);
    CHECK(fl.command(id, "resume") == 200);
    CHECK(fl.dev(all[1]).update_if_offered());
}

TEST_CASE("a device registered after the start joins the last wave when it matches", "[rollout]") {
    Fleet fl(4);
    int64_t id = fl.create(
        {{"target", {{"tags", {"field"}}}}, {"waves", json::array({{{"count", 1}}})}})["id"];
    Dev late(fl.f, "dev-late", {"field"});
    Dev other(fl.f, "dev-other", {"lab"});
    CHECK(late.action() == "idle");  // joined, but the last wave is not open yet
    CHECK(other.action() == "idle");
    auto members = fl.members(id, "limit=100");
    CHECK(std::count(members.begin(), members.end(), "dev-late") == 1);
    CHECK(std::count(members.begin(), members.end(), "dev-other") == 0);
    CHECK(fl.members(id, "wave=1").size() == 4);
    for (int round = 0; round < 2; ++round) {
        for (auto& d : fl.devs)
            d->update_if_offered();
    }
    CHECK(late.update_if_offered());
    CHECK(fl.show(id)["state"] == "completed");
    // Even after completion, a newcomer that matches still gets the release.
    Dev later(fl.f, "dev-later", {"field"});
    CHECK(later.update_if_offered());
}

TEST_CASE("the newest rollout wins for a device two rollouts select, and a pin beats both",
          "[rollout]") {
    Fleet fl(2, {"field", "beta"});
    int64_t v3 = fl.f.upload(make_bundle(fl.f.release_key, "3.0.0", 1, proto::kHwF401xE));
    int64_t older = fl.create({{"target", {{"tags", {"field"}}}}})["id"];
    int64_t newer = fl.create({{"release_id", v3}, {"target", {{"tags", {"beta"}}}}})["id"];
    Dev& d = *fl.devs[0];
    auto offer = d.poll();
    REQUIRE(offer["a"] == "offer");
    CHECK(offer["v"] == "3.0.0");
    CHECK(fl.show(older)["counts"]["downloading"] == 0);
    CHECK(fl.show(newer)["counts"]["downloading"] == 1);

    // A pin overrides every rollout: the download under way is replaced by the pinned release.
    int64_t v21 = fl.f.upload(make_bundle(fl.f.release_key, "2.1.0", 1, proto::kHwF401xE));
    fl.f.call("PUT", "/api/v1/devices/" + d.name + "/pin", json{{"release_id", v21}}.dump());
    auto pinned = d.poll();
    REQUIRE(pinned["a"] == "offer");
    CHECK(pinned["v"] == "2.1.0");
    d.install(pinned);
    fl.f.call("DELETE", "/api/v1/devices/" + d.name + "/pin");
    // Unpinned, the newest rollout takes over again (forward only: 2.1.0 -> 3.0.0).
    auto again = d.poll();
    CHECK(again["a"] == "offer");
    CHECK(again["v"] == "3.0.0");

    // Aborting the newer rollout hands the other device back to the older one.
    CHECK(fl.command(newer, "abort") == 200);
    auto back = fl.devs[1]->poll();
    CHECK(back["a"] == "offer");
    CHECK(back["v"] == "2.0.0");
}

TEST_CASE("no more devices download at once than the cap", "[rollout]") {
    Fleet fl(3);
    int64_t id = fl.create({{"max_concurrent_downloads", 1}})["id"];
    auto all = fl.members(id, "");
    auto first = fl.dev(all[0]).poll();
    REQUIRE(first["a"] == "offer");
    CHECK(fl.dev(all[1]).action() == "idle");
    CHECK(fl.dev(all[0]).poll()["a"] == "offer");  // the one downloading keeps its place
    fl.dev(all[0]).poll(proto::kBootConfirmed, proto::kEventVerified, fl.v2);
    CHECK(fl.dev(all[1]).poll()["a"] == "offer");  // verified frees the slot
    CHECK(fl.dev(all[2]).action() == "idle");
}

TEST_CASE("a rollout with a start time waits for it", "[rollout]") {
    Fleet fl(2);
    auto r = fl.create({{"start_at", fl.f.clock + 3600}});
    int64_t id = r["id"];
    CHECK(r["state"] == "scheduled");
    CHECK(fl.devs[0]->action() == "idle");
    fl.f.clock += 3600;
    fl.f.app->sweep_rollouts();
    CHECK(fl.show(id)["state"] == "running");
    CHECK(fl.devs[0]->action() == "offer");
}

TEST_CASE("rollouts only move devices forward and check what they are given", "[rollout]") {
    Fleet fl(2);
    fl.devs[0]->version = "2.5.0";
    fl.devs[0]->poll();
    int64_t id = fl.create({})["id"];
    CHECK(fl.members(id, "").size() == 1);  // the device ahead of the release is left alone
    CHECK(fl.devs[0]->action() == "idle");

    auto bad = [&](json body) {
        body["release_id"] = body.value("release_id", fl.v2);
        return fl.f.call("POST", "/api/v1/rollouts", body.dump());
    };
    CHECK(bad({{"release_id", 999}}).status == 422);
    CHECK(bad({{"waves", json::array({{{"percent", 50}}, {{"percent", 10}}})}}).status == 422);
    CHECK(bad({{"waves", json::array({{{"share", 5}}})}}).status == 400);
    CHECK(bad({{"success_percent", 0}}).status == 422);
    CHECK(bad({{"device_deadline_s", 5}}).status == 422);
    CHECK(bad({{"target", {{"versions", {"one"}}}}}).status == 422);
    CHECK(bad({{"colour", "red"}}).status == 400);
    CHECK(fl.f.call("POST", "/api/v1/rollouts/999/pause").status == 404);
    // A release a rollout uses cannot be deleted; a finished rollout can be.
    CHECK(fl.f.call("DELETE", "/api/v1/releases/" + std::to_string(fl.v2)).status == 409);
    CHECK(fl.f.call("DELETE", "/api/v1/rollouts/" + std::to_string(id)).status == 409);
    CHECK(fl.command(id, "abort") == 200);
    CHECK(fl.f.call("DELETE", "/api/v1/rollouts/" + std::to_string(id)).status == 204);
    CHECK(fl.f.call("DELETE", "/api/v1/releases/" + std::to_string(fl.v2)).status == 204);
}

TEST_CASE("bytes served to members are counted per rollout with their cost", "[rollout]") {
    Fleet fl(1);
    int64_t id = fl.create({})["id"];
    auto offer = fl.devs[0]->poll();
    REQUIRE(offer["a"] == "offer");
    auto got = fl.f.get(offer["u"], {{"range", "bytes=0-999"}});
    REQUIRE(got.status == 206);
    fl.f.app->flush_counters();
    auto r = fl.show(id);
    CHECK(r["bytes_served"] == 1000);
    CHECK(r["price_per_mb"] == 0.0);
}

TEST_CASE("the deadline runs from the first offer, not from each retry after a failed link",
          "[rollout]") {
    Fleet fl(1);
    int64_t id =
        fl.create({{"device_deadline_s", 600}, {"failure_threshold", {{"count", 1}}}})["id"];
    Dev& d = *fl.devs[0];
    REQUIRE(d.poll()["a"] == "offer");
    fl.f.clock += 400;
    // The link failed: offered again at once, the same release.
    auto again =
        d.poll(proto::kBootConfirmed, proto::kEventFailed, fl.v2, proto::kReasonDownloadFailed);
    CHECK(again["a"] == "offer");
    CHECK(fl.show(id)["counts"]["failed"] == 0);  // a link failure is not the release's
    fl.f.clock += 201;
    fl.f.app->sweep_rollouts();
    CHECK(fl.show(id)["counts"]["timed_out"] == 1);
    // A timed-out device that then confirms counts as confirmed after all.
    d.install(again);
    CHECK(fl.show(id)["counts"]["confirmed"] == 1);
}

TEST_CASE("devices already on the release count as confirmed, not as started", "[rollout]") {
    Fleet fl(4);
    for (int i = 0; i < 3; ++i) {
        fl.devs[i]->version = "2.0.0";
        fl.devs[i]->poll();
    }
    auto r = fl.create({{"failure_threshold", {{"percent", 50}}}});
    CHECK(r["counts"]["confirmed"] == 3);
    auto offer = fl.devs[3]->poll();
    REQUIRE(offer["a"] == "offer");
    fl.devs[3]->roll_back(offer);
    // One failure of one device started is 100 %, not 25 %: it pauses.
    CHECK(fl.show(r["id"])["state"] == "paused");
}

TEST_CASE("the member counts the triggers keep equal a count of the members", "[rollout]") {
    Fleet fl(12);
    int64_t a = fl.create({{"waves", json::array({{{"count", 3}}})},
                           {"success_percent", 30},
                           {"failure_threshold", {{"count", 5}}}})["id"];
    auto wave0 = fl.members(a, "wave=0");
    auto offer = fl.dev(wave0[0]).poll();
    fl.dev(wave0[0]).roll_back(offer);
    REQUIRE(fl.dev(wave0[1]).update_if_offered());
    auto busy = fl.dev(wave0[2]).poll();
    REQUIRE(fl.f.get(busy["u"], {{"range", "bytes=0-511"}}).status == 206);
    fl.f.app->flush_counters();
    Dev late(fl.f, "dev-late");
    late.poll();
    fl.f.call("DELETE", "/api/v1/devices/" + wave0[1]);
    CHECK(fl.command(a, "abort") == 200);
    int64_t b = fl.create({{"waves", json::array({{{"percent", 50}}})}})["id"];
    fl.devs[5]->update_if_offered();

    SQLite::Database db(fl.f.dir.file("ferry.db"), SQLite::OPEN_READONLY);
    for (int64_t id : {a, b}) {
        INFO("rollout " << id);
        std::map<std::string, std::tuple<int64_t, int64_t, int64_t>> counted, kept;
        SQLite::Statement direct(
            db,
            "SELECT wave || '/' || state, COUNT(*), COUNT(offered_at), SUM(bytes_served) "
            "FROM rollout_members WHERE rollout_id = ? GROUP BY wave, state");
        direct.bind(1, id);
        while (direct.executeStep())
            counted[direct.getColumn(0).getString()] = {direct.getColumn(1).getInt64(),
                                                        direct.getColumn(2).getInt64(),
                                                        direct.getColumn(3).getInt64()};
        SQLite::Statement triggers(
            db,
            "SELECT wave || '/' || state, members, offered, bytes FROM rollout_member_counts "
            "WHERE rollout_id = ? AND members > 0");
        triggers.bind(1, id);
        while (triggers.executeStep())
            kept[triggers.getColumn(0).getString()] = {triggers.getColumn(1).getInt64(),
                                                       triggers.getColumn(2).getInt64(),
                                                       triggers.getColumn(3).getInt64()};
        CHECK(counted == kept);
        CHECK(counted.size() >= 2);
    }
}

TEST_CASE("abort stops a download even when an older rollout still has the device",
          "[rollout]") {
    Fleet fl(1);
    int64_t v21 = fl.f.upload(make_bundle(fl.f.release_key, "2.1.0", 1, proto::kHwF401xE));
    int64_t older = fl.create({})["id"];
    Dev& d = *fl.devs[0];
    REQUIRE(d.update_if_offered());  // 2.0.0 from the older rollout, which completes
    REQUIRE(fl.show(older)["state"] == "completed");
    int64_t newer = fl.create({{"release_id", v21}})["id"];
    REQUIRE(d.poll()["a"] == "offer");
    d.poll(proto::kBootConfirmed, proto::kEventDownloading, v21);
    CHECK(fl.command(newer, "abort") == 200);
    CHECK(d.action() == "abort");  // the older rollout has nothing to give: stop
    CHECK(fl.f.json(fl.f.call("GET", "/api/v1/devices/" + d.name))["state"] == "aborted");
    CHECK(fl.show(newer)["counts"]["aborted"] == 1);
    CHECK(d.action() == "idle");
}

TEST_CASE("a silent device does not hold its wave back: it times out unoffered, not as a failure",
          "[rollout]") {
    Fleet fl(4);
    int64_t id = fl.create({{"waves", json::array({{{"count", 2}}})},
                            {"success_percent", 100},
                            {"device_deadline_s", 600},
                            {"failure_threshold", {{"count", 1}}}})["id"];
    auto wave0 = fl.members(id, "wave=0");
    REQUIRE(fl.dev(wave0[0]).update_if_offered());
    // wave0[1] never polls again. After the deadline it times out and wave 2 opens.
    fl.f.clock += 601;
    fl.f.app->sweep_rollouts();
    auto r = fl.show(id);
    CHECK(r["state"] == "running");  // a silent device is not a failure of the release
    CHECK(r["current_wave"] == 1);
    CHECK(r["waves"][0]["counts"]["timed_out"] == 1);
    // The later waves run, and the silent device still gets the release when it returns.
    for (auto& name : fl.members(id, "wave=1"))
        CHECK(fl.dev(name).update_if_offered());
    CHECK(fl.dev(wave0[1]).update_if_offered());
    auto done = fl.show(id);
    CHECK(done["counts"]["confirmed"] == 4);
    CHECK(done["state"] == "completed");
}

TEST_CASE("a pin, a newer rollout or a deleted device does not hold a wave back", "[rollout]") {
    Fleet fl(6);
    int64_t v3 = fl.f.upload(make_bundle(fl.f.release_key, "3.0.0", 1, proto::kHwF401xE));
    int64_t id = fl.create({{"waves", json::array({{{"count", 3}}})}, {"success_percent", 100}})["id"];
    auto wave0 = fl.members(id, "wave=0");
    REQUIRE(fl.dev(wave0[0]).update_if_offered());
    // wave0[1] is pinned elsewhere: its place ends.
    fl.f.call("PUT", "/api/v1/devices/" + wave0[1] + "/pin", json{{"release_id", v3}}.dump());
    CHECK(fl.show(id)["waves"][0]["counts"]["aborted"] == 1);
    CHECK(fl.show(id)["current_wave"] == 0);
    // wave0[2] is deleted: the next sweep sees the wave done.
    REQUIRE(fl.f.call("DELETE", "/api/v1/devices/" + wave0[2]).status == 204);
    fl.f.app->sweep_rollouts();
    CHECK(fl.show(id)["current_wave"] == 1);

    // A newer rollout that takes a pending device ends its place in the older one.
    auto wave1 = fl.members(id, "wave=1");
    int64_t newer = fl.create({{"release_id", v3}, {"target", {{"devices", {wave1[0]}}}}})["id"];
    CHECK(fl.show(id)["waves"][1]["counts"]["aborted"] == 1);
    CHECK(fl.dev(wave1[0]).poll()["v"] == "3.0.0");
    CHECK(fl.show(newer)["counts"]["downloading"] == 1);
}

TEST_CASE("a wave that can no longer succeed pauses the rollout; a resume opens the next",
          "[rollout]") {
    Fleet fl(8);
    // 10 % failures allowed, 95 % success wanted: one rollback in a wave of four is neither.
    int64_t id = fl.create({{"waves", json::array({{{"count", 4}}})},
                            {"failure_threshold", {{"percent", 60}}}})["id"];
    auto wave0 = fl.members(id, "wave=0");
    REQUIRE(fl.dev(wave0[0]).update_if_offered());
    auto offer = fl.dev(wave0[1]).poll();
    fl.dev(wave0[1]).roll_back(offer);  // 1 failure of 2 started: under 60 %
    auto r = fl.show(id);
    CHECK(r["state"] == "paused");
    CHECK(r["pause_reason"] == "wave_stalled");
    CHECK(r["current_wave"] == 0);
    CHECK(fl.command(id, "resume") == 200);
    r = fl.show(id);
    CHECK(r["state"] == "running");
    CHECK(r["current_wave"] == 1);
    auto audit = fl.f.json(fl.f.call("GET", "/api/v1/rollouts/" + std::to_string(id) + "/audit"));
    CHECK(audit["entries"][0]["action"] == "rollout.wave_opened");
    CHECK(audit["entries"][0]["actor"] == "token:initial-admin");
}

TEST_CASE("forgiven failures that later come good do not hide new failures", "[rollout]") {
    Fleet fl(6);
    int64_t id = fl.create({{"waves", json::array({{{"count", 2}}})},
                            {"device_deadline_s", 600},
                            {"success_percent", 10},
                            {"failure_threshold", {{"count", 2}}}})["id"];
    auto wave0 = fl.members(id, "wave=0");
    std::map<std::string, std::map<std::string, std::string>> offers;
    for (const auto& name : wave0)
        offers[name] = fl.dev(name).poll();
    fl.f.clock += 601;
    fl.f.app->sweep_rollouts();
    REQUIRE(fl.show(id)["state"] == "paused");  // two timeouts
    REQUIRE(fl.command(id, "resume") == 200);
    auto r = fl.show(id);
    CHECK(r["failures_forgiven"] == 2);
    CHECK(r["current_wave"] == 1);  // wave 1 cannot succeed now: the resume goes on to wave 2
    for (const auto& name : wave0)
        fl.dev(name).install(offers[name]);  // the timed-out devices confirm after all
    CHECK(fl.show(id)["failures_forgiven"] == 0);
    // Two new failures must pause it again (the limit is two), not four.
    auto wave1 = fl.members(id, "wave=1");
    auto o = fl.dev(wave1[0]).poll();
    fl.dev(wave1[0]).roll_back(o);
    CHECK(fl.show(id)["state"] == "running");
    o = fl.dev(wave1[1]).poll();
    fl.dev(wave1[1]).roll_back(o);
    CHECK(fl.show(id)["state"] == "paused");
    CHECK(fl.show(id)["pause_reason"] == "failure_threshold");
}

TEST_CASE("members a device can never take are settled, so the rollout still completes",
          "[rollout]") {
    Fleet fl(3);
    int64_t first = fl.create({})["id"];
    auto all = fl.members(first, "");
    // all[0] rolls back from 2.0.0; the rollout is aborted and a second one of the same
    // release is made to retry the rest.
    auto offer = fl.dev(all[0]).poll();
    fl.dev(all[0]).roll_back(offer);
    CHECK(fl.command(first, "abort") == 200);
    int64_t second = fl.create({{"name", "retry"}})["id"];
    // all[1] got 2.0.0 by another path (flashed by hand) before its turn.
    fl.dev(all[1]).version = "2.0.0";
    fl.dev(all[1]).slot = 1;
    CHECK(fl.dev(all[0]).action() == "idle");  // not offered again: it gave up on 2.0.0
    CHECK(fl.dev(all[1]).action() == "idle");
    CHECK(fl.dev(all[2]).update_if_offered());
    auto r = fl.show(second);
    CHECK(r["counts"]["confirmed"] == 2);
    CHECK(r["counts"]["aborted"] == 1);
    CHECK(r["state"] == "completed");
}

TEST_CASE("a rollout paused before its start and resumed later starts its silent-device clock",
          "[rollout]") {
    Fleet fl(2);
    int64_t id = fl.create({{"start_at", fl.f.clock + 100}, {"device_deadline_s", 600}})["id"];
    CHECK(fl.command(id, "pause") == 200);
    fl.f.clock += 200;
    CHECK(fl.command(id, "resume") == 200);
    CHECK(fl.show(id)["state"] == "running");
    REQUIRE(fl.devs[0]->update_if_offered());
    fl.f.clock += 601;  // devs[1] never polls again
    fl.f.app->sweep_rollouts();
    auto r = fl.show(id);
    CHECK(r["counts"]["timed_out"] == 1);
    CHECK(r["state"] == "completed");
}

TEST_CASE("an ended place is not revived by a later poll, and a re-offer after a long pause "
          "gets a fresh deadline",
          "[rollout]") {
    Fleet fl(3);
    int64_t v1 = fl.f.upload(make_bundle(fl.f.release_key, "1.0.0", 1, proto::kHwF401xE));
    int64_t id = fl.create({{"device_deadline_s", 600}})["id"];
    auto all = fl.members(id, "");
    REQUIRE(fl.dev(all[0]).poll()["a"] == "offer");
    REQUIRE(fl.dev(all[1]).poll()["a"] == "offer");
    CHECK(fl.command(id, "pause") == 200);
    // Both lose their link while the rollout is paused: not re-offered now.
    for (int i = 0; i < 2; ++i) {
        auto a = fl.dev(all[i]).poll(proto::kBootConfirmed, proto::kEventFailed, fl.v2,
                                     proto::kReasonDownloadFailed);
        CHECK(a["a"] == "idle");
    }
    CHECK(fl.show(id)["counts"]["pending"] == 3);
    // all[0] is pinned to what it runs (a freeze): its place ends, and stays ended.
    fl.f.call("PUT", "/api/v1/devices/" + all[0] + "/pin", json{{"release_id", v1}}.dump());
    CHECK(fl.show(id)["counts"]["aborted"] == 1);
    fl.dev(all[0]).poll();
    CHECK(fl.show(id)["counts"]["aborted"] == 1);
    // A long pause, then a resume: all[1] is offered again with a fresh deadline.
    fl.f.clock += 2000;
    fl.dev(all[1]).poll();
    fl.dev(all[2]).poll();
    CHECK(fl.command(id, "resume") == 200);
    REQUIRE(fl.dev(all[1]).poll()["a"] == "offer");
    fl.f.app->sweep_rollouts();
    CHECK(fl.show(id)["counts"]["timed_out"] == 0);
}

TEST_CASE("new failures count against the limit whatever happens to forgiven ones", "[rollout]") {
    Fleet fl(8);
    int64_t id = fl.create({{"device_deadline_s", 600},
                            {"success_percent", 10},
                            {"failure_threshold", {{"count", 2}}}})["id"];
    auto all = fl.members(id, "");
    std::map<std::string, std::string> v;
    auto late0 = fl.dev(all[0]).poll();
    auto late1 = fl.dev(all[1]).poll();
    fl.f.clock += 601;
    for (int i = 2; i < 8; ++i)
        fl.dev(all[i]).poll(proto::kBootConfirmed, 0);  // seen, and offered
    fl.f.app->sweep_rollouts();
    REQUIRE(fl.show(id)["state"] == "paused");  // all[0] and all[1] timed out
    REQUIRE(fl.command(id, "resume") == 200);
    auto o = fl.dev(all[2]).poll();
    fl.dev(all[2]).roll_back(o);  // one new failure
    fl.dev(all[0]).install(late0);  // a forgiven one comes good
    CHECK(fl.show(id)["state"] == "running");
    o = fl.dev(all[3]).poll();
    fl.dev(all[3]).roll_back(o);  // the second new failure
    CHECK(fl.show(id)["state"] == "paused");
}
