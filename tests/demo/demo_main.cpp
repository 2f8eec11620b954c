// `make demo`: a live staged rollout to watch in the dashboard within a minute. Starts ferryd,
// a simulated fleet (per device the real device core in ferry-sim and a telit-sim modem on an
// LTE-M, NB-IoT, Cat-1 or 2G link, sped up), uploads releases and starts a staged rollout, then
// prints where to look and how to log in. Ctrl-C stops everything; the data was temporary.
//   ferry-demo [--devices N] [--listen HOST:PORT] [--time-scale X]
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

#include "../e2e/fleet.h"

using namespace ferry;
using namespace ferry::test;

namespace {

volatile std::sig_atomic_t stop = 0;
void on_signal(int) {
    stop = 1;
}

struct Options {
    int devices = 200;
    std::string listen = "127.0.0.1:8090";
    double time_scale = 5;  // links five times faster than life, so the demo takes minutes
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        if (k == "--devices")
            o.devices = std::stoi(argv[i + 1]);
        else if (k == "--listen")
            o.listen = argv[i + 1];
        else if (k == "--time-scale")
            o.time_scale = std::stod(argv[i + 1]);
        else
            throw std::runtime_error(
                "usage: ferry-demo [--devices N] [--listen HOST:PORT] [--time-scale X]");
    }
    if (o.devices < 1 || o.devices > 1000)
        throw std::runtime_error("--devices is 1..1000");
    return o;
}

int64_t upload(ServerFixture& f, const std::string& bundle) {
    auto r = f.ctl("upload " + bundle + " --json");
    if (r.code != 0)
        throw std::runtime_error(r.output);
    return nlohmann::json::parse(r.output.substr(r.output.find('{')))["id"];
}

}  // namespace

int main(int argc, char** argv) {
    try {
        Options o = parse(argc, argv);
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        std::printf("Starting ferryd and %d simulated devices...\n", o.devices);
        std::fflush(stdout);
        ServerFixture f({"--listen", o.listen, "--poll-interval", "10", "--poll-jitter", "3",
                         "--price-per-mb", "0.50", "--web-root", WEB_DIST});
        std::string v1 = f.sign("1.0.0", 1, 40 * 1024);
        std::string v2 = f.sign("1.1.0", 2, 40 * 1024);
        std::string bad = f.sign("1.2.0", 3, 40 * 1024);
        std::string factory = f.dir.file("v1-a.img");
        if (f.ctl("extract " + v1 + " --slot a --out " + factory).code != 0)
            throw std::runtime_error("extract failed");
        int64_t good_id = upload(f, v2);
        upload(f, bad);

        static const char* profiles[] = {"lte-m", "lte-m", "nb-iot", "cat1", "gprs"};
        Fleet fleet(f, factory, o.time_scale);
        for (int i = 0; i < o.devices; ++i) {
            DeviceSpec spec;
            char name[32];
            std::snprintf(name, sizeof name, "logger-%04d", i + 1);
            spec.name = name;
            spec.profile = profiles[i % 5];
            // 1.2.0 is the bad release: its application fails the self-test, so a rollout of
            // it rolls back and pauses by itself. Try it from the Rollouts page.
            spec.device_flags = {"--fail-versions", "1.2.0", "--interval", "10"};
            if (i % 9 == 4)
                spec.modem_flags = {"--fault-disconnect", "0.05"};
            fleet.add(spec, {"--timeout", "86400"});
            if (stop)
                return 0;
        }
        nlohmann::json rollout = {
            {"release_id", good_id},
            {"name", "data loggers to 1.1.0"},
            {"waves", {{{"percent", 5}}, {{"percent", 25}}, {{"percent", 100}}}},
            {"success_percent", 90},
            {"failure_threshold", {{"percent", 10}}},
            {"max_concurrent_downloads", 25}};
        auto created = f.api("POST", "/api/v1/rollouts", rollout.dump());
        if (created.status != 201)
            throw std::runtime_error("rollout: " + created.body);

        std::printf(
            "\nFerry demo is running.\n\n"
            "  Dashboard:  %s/   (a staged rollout of 1.1.0 to %d devices: #/rollouts/1)\n"
            "  Log in:     user admin, password %s\n"
            "  API token:  %s\n"
            "  Try:        start a rollout of 1.2.0 (a bad release): devices roll back and the\n"
            "              rollout pauses by itself.\n"
            "  Data:       %s (deleted when the demo stops)\n\n"
            "Ctrl-C stops ferryd and the simulated devices.\n\n",
            f.ferryd->base_url().c_str(), o.devices, f.ferryd->admin_password().c_str(),
            f.ferryd->admin_token().c_str(), f.dir.path().c_str());
        std::fflush(stdout);
        int64_t last_percent = -1;
        while (!stop) {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            nlohmann::json j;
            try {
                auto r = f.api("GET", "/api/v1/rollouts/1");
                if (r.status != 200)
                    continue;
                j = nlohmann::json::parse(r.body);
            } catch (const std::exception&) {
                continue;  // Ctrl-C reaches ferryd too; the loop ends with the flag
            }
            int64_t pct = static_cast<int64_t>(j["progress_percent"].get<double>());
            if (pct / 10 != last_percent / 10 || (pct == 100 && last_percent != 100)) {
                std::printf("rollout 1: %s, wave %d of %zu, %lld%% confirmed\n",
                            j["state"].get<std::string>().c_str(), j["current_wave"].get<int>() + 1,
                            j["waves"].size(), static_cast<long long>(pct));
                std::fflush(stdout);
                last_percent = pct;
            }
        }
        std::printf("\nStopping...\n");
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ferry-demo: %s\n", e.what());
        return 1;
    }
}
