// Commands that talk to ferryd's management API with an API token.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>

#include "client/http_client.h"
#include "common/bytes.h"
#include "ferryctl/cli.h"
#include "ferryctl/server_session.h"

namespace ferry::ctl {
namespace {

using nlohmann::json;

// Draws "[#####     ] 52%  100.0 KB / 192.0 KB" on a terminal; plain lines otherwise.
client::ProgressFn progress_bar() {
    bool tty = ::isatty(STDERR_FILENO);
    return [tty, last = -1](uint64_t sent, uint64_t total) mutable {
        int pct = total ? static_cast<int>(sent * 100 / total) : 100;
        if (pct == last) return;
        last = pct;
        if (!tty) {
            if (pct == 100) std::fprintf(stderr, "uploaded %s\n", human_bytes(total).c_str());
            return;
        }
        int filled = pct * 30 / 100;
        std::fprintf(stderr, "\r[%s%s] %3d%%  %s / %s", std::string(filled, '#').c_str(),
                     std::string(30 - filled, ' ').c_str(), pct, human_bytes(sent).c_str(),
                     human_bytes(total).c_str());
        if (pct == 100) std::fprintf(stderr, "\n");
    };
}

}  // namespace

int cmd_upload(const Args& args) {
    args.only({"expect-hw"});
    std::string path = args.positional_at(0, "BUNDLE file");
    Bytes bundle;
    try {
        bundle = read_file(path);
    } catch (const std::exception& e) {
        throw CliError(1, e.what());
    }
    Server s = connect(args);
    std::vector<std::pair<std::string, std::string>> extra;
    if (auto hw = args.get("expect-hw")) extra.emplace_back("X-Ferry-Expect-Hw", *hw);
    json r = call(s, "POST", "/api/v1/releases", std::string(as_chars(bundle)), "application/octet-stream",
                  progress_bar(), extra);
    if (args.has("json")) {
        print_json(r);
    } else {
        std::printf("release %s stored as id %lld for %s (signed by %s)\n", str(r["version"]).c_str(),
                    static_cast<long long>(r["id"].get<int64_t>()), str(r["hw_id"]).c_str(),
                    str(r["key_name"]).c_str());
    }
    return 0;
}

int cmd_releases(const Args& args) {
    args.only({});
    Server s = connect(args);
    json r = call(s, "GET", "/api/v1/releases");
    if (args.has("json")) {
        print_json(r["releases"]);
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& rel : r["releases"]) {
        rows.push_back({str(rel["id"]), str(rel["version"]), str(rel["hw_id"]), str(rel["security_counter"]),
                        str(rel["key_name"]), human_bytes(rel["images"][0]["size"].get<uint64_t>()),
                        human_bytes(rel["bytes_served"].get<uint64_t>()), when(rel["created_at"])});
    }
    print_table({"ID", "VERSION", "HARDWARE", "COUNTER", "KEY", "IMAGE", "SERVED", "CREATED"}, rows);
    return 0;
}

int cmd_release_delete(const Args& args) {
    args.only({});
    std::string id = args.positional_at(0, "release ID");
    Server s = connect(args);
    call(s, "DELETE", "/api/v1/releases/" + id);
    std::printf("release %s deleted\n", id.c_str());
    return 0;
}

int cmd_devices(const Args& args) {
    args.only({"tag", "version", "state", "limit"});
    Server s = connect(args);
    std::string q;
    for (const char* f : {"tag", "version", "state", "limit"}) {
        if (auto v = args.get(f)) q += (q.empty() ? "?" : "&") + std::string(f) + "=" + *v;
    }
    json r = call(s, "GET", "/api/v1/devices" + q);
    if (args.has("json")) {
        print_json(r["devices"]);
        return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& d : r["devices"]) {
        std::string tags;
        for (const auto& t : d["tags"]) tags += (tags.empty() ? "" : ",") + t.get<std::string>();
        rows.push_back({str(d["id"]), str(d["hw_id"]), d["version"].get<std::string>().empty() ? "-" : str(d["version"]),
                        d["slot"].get<int>() == 0 ? "A" : "B", str(d["state"]), when(d["last_seen"]),
                        human_bytes(d["bytes_served"].get<uint64_t>()), tags.empty() ? "-" : tags});
    }
    print_table({"DEVICE", "HARDWARE", "VERSION", "SLOT", "STATE", "LAST SEEN", "DATA", "TAGS"}, rows);
    std::printf("%zu of %lld devices\n", rows.size(), static_cast<long long>(r["total"].get<int64_t>()));
    return 0;
}

int cmd_device_show(const Args& args) {
    args.only({"limit"});
    std::string id = args.positional_at(0, "device ID");
    Server s = connect(args);
    json d = call(s, "GET", "/api/v1/devices/" + id);
    json ev = call(s, "GET", "/api/v1/devices/" + id + "/events?limit=" + args.get("limit").value_or("20"));
    if (args.has("json")) {
        print_json({{"device", d}, {"events", ev["events"]}});
        return 0;
    }
    for (auto it = d.begin(); it != d.end(); ++it) std::printf("%-18s %s\n", it.key().c_str(), str(it.value()).c_str());
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : ev["events"]) {
        rows.push_back({when(e["at"]), str(e["kind"]), str(e["release_id"]), str(e["version"]),
                        str(e["progress"]), str(e["reason"])});
    }
    std::printf("\n");
    print_table({"AT", "EVENT", "RELEASE", "RUNNING", "PROGRESS", "REASON"}, rows);
    return 0;
}

int cmd_provision(const Args& args) {
    args.only({"hw", "tag", "format"});
    std::string id = args.positional_at(0, "device ID");
    std::string format = args.get("format").value_or("text");
    if (format != "text" && format != "c" && format != "json") throw CliError(2, "--format is text, c or json");
    Server s = connect(args);
    json body = {{"id", id}, {"hw_id", args.need("hw")}, {"tags", args.all("tag")}};
    json r = call(s, "POST", "/api/v1/devices", body.dump());
    std::string secret = r["secret"];
    if (format == "json" || args.has("json")) {
        print_json(r);
    } else if (format == "c") {
        auto raw = hex_decode(secret).value_or(Bytes{});
        std::printf("/* Ferry device identity for %s. Keep this file out of version control. */\n", id.c_str());
        std::printf("#define FERRY_DEVICE_ID \"%s\"\n", id.c_str());
        std::printf("#define FERRY_DEVICE_SECRET { \\\n   ");
        for (size_t i = 0; i < raw.size(); ++i) {
            std::printf(" 0x%02x,%s", raw[i], (i % 8 == 7 && i + 1 < raw.size()) ? " \\\n   " : "");
        }
        std::printf(" }\n");
    } else {
        std::printf("device %s provisioned for %s\nsecret: %s\n", id.c_str(), str(r["hw_id"]).c_str(),
                    secret.c_str());
        std::printf("(shown once; embed it with `ferryctl provision ... --format c` output or store it now)\n");
    }
    return 0;
}

int cmd_assign(const Args& args) {
    args.only({});
    std::string tag = args.positional_at(0, "TAG");
    std::string release = args.positional_at(1, "RELEASE id");
    Server s = connect(args);
    json body = {{"release_id", std::strtoll(release.c_str(), nullptr, 10)}};
    call(s, "PUT", "/api/v1/assignments/" + tag, body.dump());
    std::printf("release %s assigned to every device tagged %s\n", release.c_str(), tag.c_str());
    return 0;
}

int cmd_unassign(const Args& args) {
    args.only({});
    std::string tag = args.positional_at(0, "TAG");
    Server s = connect(args);
    call(s, "DELETE", "/api/v1/assignments/" + tag);
    std::printf("tag %s has no release assigned now\n", tag.c_str());
    return 0;
}

int cmd_pin(const Args& args) {
    args.only({});
    std::string dev = args.positional_at(0, "device ID");
    std::string release = args.positional_at(1, "RELEASE id");
    Server s = connect(args);
    json body = {{"release_id", std::strtoll(release.c_str(), nullptr, 10)}};
    call(s, "PUT", "/api/v1/devices/" + dev + "/pin", body.dump());
    std::printf("device %s pinned to release %s\n", dev.c_str(), release.c_str());
    return 0;
}

int cmd_unpin(const Args& args) {
    args.only({});
    std::string dev = args.positional_at(0, "device ID");
    Server s = connect(args);
    call(s, "DELETE", "/api/v1/devices/" + dev + "/pin");
    std::printf("device %s follows its tags again\n", dev.c_str());
    return 0;
}

int cmd_tag(const Args& args) {
    args.only({});
    std::string dev = args.positional_at(0, "device ID");
    std::vector<std::string> tags(args.positional().begin() + 1, args.positional().end());
    Server s = connect(args);
    json body = {{"tags", tags}};
    call(s, "PUT", "/api/v1/devices/" + dev + "/tags", body.dump());
    std::printf("device %s tags: %zu\n", dev.c_str(), tags.size());
    return 0;
}

int cmd_token_create(const Args& args) {
    args.only({"role"});
    std::string name = args.positional_at(0, "token NAME");
    Server s = connect(args);
    json body = {{"name", name}, {"role", args.get("role").value_or("viewer")}};
    json r = call(s, "POST", "/api/v1/tokens", body.dump());
    if (args.has("json")) print_json(r);
    else std::printf("%s\n", str(r["token"]).c_str());
    return 0;
}

}  // namespace ferry::ctl
