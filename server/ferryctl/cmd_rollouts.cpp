// ferryctl rollout create|list|show|pause|resume|abort: staged rollouts through the management API.
#include <cstdio>
#include <ctime>

#include "api/validate.h"
#include "ferryctl/cli.h"
#include "ferryctl/server_session.h"

namespace ferry::ctl {
namespace {

using nlohmann::json;

uint64_t number(const std::string& text, const char* what) {
    auto v = api::parse_u64(text);
    if (!v)
        throw CliError(2, std::string(what) + " must be a whole number, not '" + text + "'");
    return *v;
}

// "5%" is a share of the target, "50" a number of devices; both cumulative.
json wave(const std::string& text) {
    if (!text.empty() && text.back() == '%')
        return {{"percent", number(text.substr(0, text.size() - 1), "--wave percent")}};
    return {{"count", number(text, "--wave")}};
}

// Unix seconds, "+SECONDS" from now, or "YYYY-MM-DDTHH:MM:SSZ".
int64_t start_time(const std::string& text) {
    if (!text.empty() && text[0] == '+')
        return static_cast<int64_t>(std::time(nullptr) + number(text.substr(1), "--start-at +"));
    if (auto v = api::parse_u64(text))
        return static_cast<int64_t>(*v);
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end != '\0')
        throw CliError(2, "--start-at is Unix seconds, +SECONDS or YYYY-MM-DDTHH:MM:SSZ");
    return static_cast<int64_t>(timegm(&tm));
}

std::string rollout_path(const Args& args, size_t at) {
    return "/api/v1/rollouts/" + args.positional_at(at, "rollout ID");
}

std::string counts_line(const json& c) {
    std::string out;
    for (const char* k : {"pending", "downloading", "installed", "confirmed", "rolled_back",
                          "failed", "timed_out", "aborted"}) {
        int64_t n = c.value(k, int64_t{0});
        if (n > 0)
            out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + k;
    }
    return out.empty() ? "no devices" : out;
}

std::string reach(const json& r) {
    return r.contains("percent") ? std::to_string(r["percent"].get<int>()) + "%"
                                 : std::to_string(r["count"].get<int>()) + " devices";
}

void print_rollout(const json& r) {
    std::printf("rollout %lld  %s\n", static_cast<long long>(r["id"].get<int64_t>()),
                str(r["name"]).c_str());
    std::printf("  release     %s (id %s) for %s\n", str(r["release_version"]).c_str(),
                str(r["release_id"]).c_str(), str(r["hw_id"]).c_str());
    std::string state = str(r["state"]);
    if (!r["pause_reason"].get<std::string>().empty())
        state += " (" + str(r["pause_reason"]) + ")";
    std::printf("  state       %s\n", state.c_str());
    std::printf("  progress    %.1f%% confirmed of %lld: %s\n", r["progress_percent"].get<double>(),
                static_cast<long long>(r["total"].get<int64_t>()),
                counts_line(r["counts"]).c_str());
    std::printf("  data        %s, cost %.2f at %.4f per MB\n",
                human_bytes(r["bytes_served"].get<uint64_t>()).c_str(), r["cost"].get<double>(),
                r["price_per_mb"].get<double>());
    std::printf(
        "  thresholds  next wave at %s%% confirmed; pause at %s failures or %s%% (0 = off); "
        "deadline %ss; at most %s downloading (0 = no cap)\n",
        str(r["success_percent"]).c_str(), str(r["failure_threshold"]["count"]).c_str(),
        str(r["failure_threshold"]["percent"]).c_str(), str(r["device_deadline_s"]).c_str(),
        str(r["max_concurrent_downloads"]).c_str());
    std::vector<std::vector<std::string>> rows;
    for (const auto& w : r["waves"]) {
        rows.push_back({std::to_string(w["index"].get<int>() + 1), reach(w["reach"]),
                        w["open"].get<bool>() ? "open" : "waiting", str(w["total"]),
                        counts_line(w["counts"])});
    }
    std::printf("\n");
    print_table({"WAVE", "REACHES", "", "DEVICES", "STATES"}, rows);
}

int create(const Args& args) {
    args.only({"name", "tag", "device", "from-version", "wave", "success", "max-failures",
               "max-failure-percent", "deadline", "max-downloads", "start-at"});
    std::string release = args.positional_at(1, "RELEASE id");
    json body = {{"release_id", number(release, "RELEASE id")}};
    if (auto n = args.get("name"))
        body["name"] = *n;
    json target = json::object();
    if (!args.all("tag").empty())
        target["tags"] = args.all("tag");
    if (!args.all("device").empty())
        target["devices"] = args.all("device");
    if (!args.all("from-version").empty())
        target["versions"] = args.all("from-version");
    if (!target.empty())
        body["target"] = target;
    if (!args.all("wave").empty()) {
        json waves = json::array();
        for (const std::string& w : args.all("wave"))
            waves.push_back(wave(w));
        body["waves"] = waves;
    }
    if (auto v = args.get("success"))
        body["success_percent"] = number(*v, "--success");
    if (args.has("max-failures") || args.has("max-failure-percent")) {
        body["failure_threshold"] = {
            {"count", number(args.get("max-failures").value_or("0"), "--max-failures")},
            {"percent",
             number(args.get("max-failure-percent").value_or("0"), "--max-failure-percent")}};
    }
    if (auto v = args.get("deadline"))
        body["device_deadline_s"] = number(*v, "--deadline");
    if (auto v = args.get("max-downloads"))
        body["max_concurrent_downloads"] = number(*v, "--max-downloads");
    if (auto v = args.get("start-at"))
        body["start_at"] = start_time(*v);
    Server s = connect(args);
    json r = call(s, "POST", "/api/v1/rollouts", body.dump());
    if (args.has("json")) {
        print_json(r);
    } else {
        print_rollout(r);
    }
    return 0;
}

int list(const Args& args) {
    args.only({});
    Server s = connect(args);
    json r = call(s, "GET", "/api/v1/rollouts");
    if (args.has("json")) {
        print_json(r["rollouts"]);
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& ro : r["rollouts"]) {
        char progress[32];
        std::snprintf(progress, sizeof progress, "%.1f%%", ro["progress_percent"].get<double>());
        rows.push_back({str(ro["id"]), str(ro["name"]), str(ro["release_version"]),
                        str(ro["state"]),
                        std::to_string(ro["current_wave"].get<int>() + 1) + "/" +
                            std::to_string(ro["waves"].size()),
                        str(ro["total"]), progress, when(ro["created_at"])});
    }
    print_table({"ID", "NAME", "RELEASE", "STATE", "WAVE", "DEVICES", "CONFIRMED", "CREATED"},
                rows);
    return 0;
}

int show(const Args& args) {
    args.only({"limit"});
    Server s = connect(args);
    std::string path = rollout_path(args, 1);
    json r = call(s, "GET", path);
    json audit = call(s, "GET", path + "/audit?limit=" + args.get("limit").value_or("20"));
    if (args.has("json")) {
        print_json({{"rollout", r}, {"audit", audit["entries"]}});
        return 0;
    }
    print_rollout(r);
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : audit["entries"])
        rows.push_back({when(e["at"]), str(e["action"]), str(e["actor"]), str(e["detail"])});
    std::printf("\n");
    print_table({"AT", "ACTION", "BY", "DETAIL"}, rows);
    return 0;
}

int command(const Args& args, const std::string& verb) {
    args.only({});
    Server s = connect(args);
    json r = call(s, "POST", rollout_path(args, 1) + "/" + verb);
    if (args.has("json")) {
        print_json(r);
    } else {
        std::printf("rollout %s: %s\n", str(r["id"]).c_str(), str(r["state"]).c_str());
    }
    return 0;
}

}  // namespace

int cmd_rollout(const Args& args) {
    std::string sub =
        args.positional_at(0, "rollout command (create, list, show, pause, resume, abort)");
    if (sub == "create")
        return create(args);
    if (sub == "list")
        return list(args);
    if (sub == "show")
        return show(args);
    if (sub == "pause" || sub == "resume" || sub == "abort")
        return command(args, sub);
    throw CliError(
        2, "unknown rollout command '" + sub + "' (create, list, show, pause, resume, abort)");
}

}  // namespace ferry::ctl
