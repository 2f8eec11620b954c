// Simulated devices for end-to-end tests: per device one telit-sim (the modem and its link) and
// one ferry-sim (the real device core on a file-backed flash), against a real ferryd.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "../integration/server_fixture.h"

namespace ferry::test {

struct DeviceSpec {
    std::string name;
    std::string profile = "lte-m";
    std::vector<std::string> modem_flags;  // faults etc.
    std::vector<std::string> device_flags;  // --self-test fail, --transport socket, ...
};

struct SimDevice {
    DeviceSpec spec;
    std::string secret_hex;
    std::unique_ptr<ChildProcess> modem;
    std::unique_ptr<ChildProcess> device;
    int exit_code = -1;
    nlohmann::json modem_stats;
};

class Fleet {
public:
    Fleet(ServerFixture& server, std::string factory_image, double time_scale)
        : server_(server), factory_(std::move(factory_image)), scale_(time_scale) {}

    // Provisions the device on the server and starts its modem and device processes.
    void add(const DeviceSpec& spec, const std::vector<std::string>& run_flags) {
        auto prov = server_.ctl("provision " + spec.name + " --hw f401xe --tag fleet --format json");
        if (prov.code != 0) throw std::runtime_error(prov.output);
        auto dev = std::make_unique<SimDevice>();
        dev->spec = spec;
        dev->secret_hex = nlohmann::json::parse(prov.output)["secret"];
        const std::string dir = server_.dir.path();
        const std::string link = dir + "/modem-" + spec.name;
        std::vector<std::string> modem_args = {TELIT_SIM_BIN, "--pty", link, "--server",
                                               "127.0.0.1:" + std::to_string(server_.ferryd->port()),
                                               "--profile", spec.profile, "--time-scale", std::to_string(scale_),
                                               "--stats", dir + "/stats-" + spec.name + ".json",
                                               "--log-level", "2"};
        modem_args.insert(modem_args.end(), spec.modem_flags.begin(), spec.modem_flags.end());
        dev->modem = std::make_unique<ChildProcess>(modem_args, dir + "/modem-" + spec.name + ".log");
        for (int i = 0; i < 500 && !std::filesystem::exists(link); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        std::vector<std::string> args = {FERRY_SIM_BIN, "run", "--flash", dir + "/flash-" + spec.name + ".bin",
                                         "--chip", "f401xe", "--factory", factory_, "--device-id", spec.name,
                                         "--secret", dev->secret_hex, "--pubkey", dir + "/release.pub",
                                         "--serial", link, "--host", "ferry.example.com", "--port", "80",
                                         "--retry-min", "1", "--retry-max", "4",
                                         "--status", dir + "/status-" + spec.name + ".json"};
        args.insert(args.end(), run_flags.begin(), run_flags.end());
        args.insert(args.end(), spec.device_flags.begin(), spec.device_flags.end());
        dev->device = std::make_unique<ChildProcess>(args, dir + "/device-" + spec.name + ".log");
        devices_.push_back(std::move(dev));
    }

    // Waits for every device process to end; then stops the modems and reads their stats.
    void wait_all(double timeout_s) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
        for (auto& d : devices_) {
            double left = std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
            d->exit_code = d->device->wait(left > 0 ? left : 0.1);
            if (d->exit_code == -1) d->device->terminate();
        }
        for (auto& d : devices_) {
            d->modem->terminate();
            std::ifstream in(server_.dir.path() + "/stats-" + d->spec.name + ".json");
            d->modem_stats = nlohmann::json::parse(in, nullptr, false);
        }
    }

    std::vector<std::unique_ptr<SimDevice>>& devices() { return devices_; }

private:
    ServerFixture& server_;
    std::string factory_;
    double scale_;
    std::vector<std::unique_ptr<SimDevice>> devices_;
};

}  // namespace ferry::test
