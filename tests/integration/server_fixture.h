// A running ferryd with a trusted release key, plus ferryctl and an HTTP client bound to it.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "client/http_client.h"
#include "process.h"
#include "test_support.h"

namespace ferry::test {

struct ServerFixture {
    TempDir dir;
    std::string data = dir.file("data");
    crypto::Ed25519KeyPair key;
    std::unique_ptr<FerrydProcess> ferryd;
    std::unique_ptr<client::HttpClient> http;

    explicit ServerFixture(std::vector<std::string> extra = {}) : ServerFixture(std::move(extra), "") {}

    // key_prefix: an existing PREFIX.key/.pub pair to trust (the firmware's build key);
    // empty: a fresh key made for this fixture.
    ServerFixture(std::vector<std::string> extra, const std::string& key_prefix) {
        if (key_prefix.empty()) {
            auto r = run_command(ferryctl_path() + " keygen --out " + dir.file("release"));
            if (r.code != 0) throw std::runtime_error(r.output);
        } else {
            std::filesystem::copy_file(key_prefix + ".key", dir.file("release.key"));
            std::filesystem::copy_file(key_prefix + ".pub", dir.file("release.pub"));
        }
        key = crypto::ed25519_private_from_pem(as_chars(read_file(dir.file("release.key"))));
        std::filesystem::create_directories(data + "/keys");
        std::filesystem::copy_file(dir.file("release.pub"), data + "/keys/release.pub");
        start(std::move(extra));
    }

    void start(std::vector<std::string> extra = {}) {
        ferryd = std::make_unique<FerrydProcess>(data, std::move(extra));
        http = std::make_unique<client::HttpClient>(ferryd->base_url());
    }

    CommandResult ctl(const std::string& args) {
        return run_command("FERRY_SERVER=" + ferryd->base_url() + " FERRY_TOKEN=" + ferryd->admin_token() +
                           " " + ferryctl_path() + " " + args);
    }

    client::ClientResponse api(const std::string& method, const std::string& target,
                               const std::string& body = {},
                               std::vector<std::pair<std::string, std::string>> headers = {}) {
        headers.emplace_back("Authorization", "Bearer " + ferryd->admin_token());
        return http->request(method, target, headers, body);
    }

    nlohmann::json api_json(const std::string& target) {
        auto r = api("GET", target);
        if (r.status != 200) throw std::runtime_error(target + ": " + std::to_string(r.status) + " " + r.body);
        return nlohmann::json::parse(r.body);
    }

    // Writes a bundle file with ferryctl sign from synthetic slot binaries.
    std::string sign(const std::string& version, uint32_t counter, size_t app_size = 30000) {
        std::string a = dir.file("a-" + version + ".bin"), b = dir.file("b-" + version + ".bin");
        Bytes app_a = fake_app(0x08010000, app_size, 11 + counter);
        Bytes app_b = fake_app(0x08040000, app_size, 12 + counter);
        write_file_atomic(a, app_a.data(), app_a.size());
        write_file_atomic(b, app_b.data(), app_b.size());
        std::string out = dir.file("r-" + version + ".fbundle");
        auto r = run_command(ferryctl_path() + " sign --key " + dir.file("release.key") + " --version " +
                             version + " --security-counter " + std::to_string(counter) +
                             " --hw f401xe --slot-a " + a + " --slot-b " + b + " --out " + out);
        if (r.code != 0) throw std::runtime_error(r.output);
        return out;
    }
};

}  // namespace ferry::test
