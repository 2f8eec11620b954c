// Shared set-up: a MiniHttpServer standing in for ferryd, a telit-sim process pointed at it, and
// the usual modem bring-up (echo off, numeric errors, context, HTTP profile 0).
#pragma once

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "mini_http_server.h"
#include "sim_process.h"

namespace sim_test {

inline std::string default_handler(const HttpRequest& r) {
    static const std::string blob = test_blob(5000);
    static const std::string big = test_blob(196608);
    const bool head = r.method == "HEAD";
    if (r.target == "/blob") {
        return MiniHttpServer::response(200, "OK", "application/octet-stream", blob, "", head);
    }
    if (r.target == "/big") {
        return MiniHttpServer::response(200, "OK", "application/octet-stream", big, "", head);
    }
    if (r.target == "/range") {
        auto it = r.headers.find("range");
        if (it == r.headers.end()) {
            return MiniHttpServer::response(200, "OK", "application/octet-stream", blob, "", head);
        }
        std::size_t a = 0, b = 0;
        if (std::sscanf(it->second.c_str(), "bytes=%zu-%zu", &a, &b) != 2 || b < a ||
            a >= blob.size()) {
            return MiniHttpServer::response(416, "Range Not Satisfiable", "application/json",
                                            "{\"error\":{\"code\":\"malformed_range\"}}");
        }
        b = std::min(b, blob.size() - 1);
        return MiniHttpServer::response(
            206, "Partial Content", "application/octet-stream", blob.substr(a, b - a + 1),
            "Content-Range: bytes " + std::to_string(a) + "-" + std::to_string(b) + "/" +
                std::to_string(blob.size()) + "\r\n",
            head);
    }
    if (r.target == "/echo")
        return MiniHttpServer::response(200, "OK", "text/plain", r.body);
    if (r.target.rfind("/p?", 0) == 0) {
        return MiniHttpServer::response(200, "OK", "text/plain",
                                        "a=idle\ni=3547\nm=406d742ddce8b6d3a8f0180d6085bf20\n");
    }
    return MiniHttpServer::response(404, "Not Found", "application/json",
                                    "{\"error\":{\"code\":\"not_found\"}}");
}

inline std::string temp_stats_path() {
    static std::atomic<int> counter{0};
    return "/tmp/telit_sim_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter) +
           ".json";
}

inline nlohmann::json read_json(const std::string& path) {
    std::ifstream f(path);
    REQUIRE(f.good());
    std::stringstream ss;
    ss << f.rdbuf();
    return nlohmann::json::parse(ss.str());
}

struct ModemFixture {
    MiniHttpServer server{default_handler};
    std::string stats_path = temp_stats_path();
    std::unique_ptr<SimProcess> sim;

    ~ModemFixture() {
        sim.reset();
        std::remove(stats_path.c_str());
    }

    std::string server_arg() const { return "127.0.0.1:" + std::to_string(server.port()); }

    // Starts telit-sim against the test server (cat1, time scale 20 unless given).
    void start(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--server", server_arg()};
        bool has_profile = false, has_scale = false;
        for (const auto& a : extra) {
            has_profile |= a == "--profile";
            has_scale |= a == "--time-scale";
        }
        if (!has_profile)
            args.insert(args.end(), {"--profile", "cat1"});
        if (!has_scale)
            args.insert(args.end(), {"--time-scale", "20"});
        args.insert(args.end(), extra.begin(), extra.end());
        sim = std::make_unique<SimProcess>(args, stats_path);
    }

    void bring_up(int timeout_s = 120) {
        REQUIRE(sim->command("ATE0").ok());
        REQUIRE(sim->command("AT+CMEE=1").ok());
        REQUIRE(sim->command("AT+CGDCONT=1,\"IP\",\"iot.example\"").ok());
        auto act = sim->command("AT#SGACT=1,1");
        REQUIRE(act.ok());
        REQUIRE(act.lines.size() == 1);
        REQUIRE(act.lines[0] == "#SGACT: 10.64.12.7");
        REQUIRE(sim->command("AT#HTTPCFG=0,\"ferry.example.com\",80,0,\"\",\"\",0," +
                             std::to_string(timeout_s) + ",1")
                    .ok());
    }

    // Ends the simulator and returns its stats.
    nlohmann::json finish() {
        REQUIRE(sim->terminate() == 0);
        return read_json(stats_path);
    }
};

// Reads a whole body with #HTTPRCV=<prof>,<piece> pieces; returns false and the error on failure.
inline bool read_body(SimProcess& sim, std::size_t size, std::size_t piece, std::string& body,
                      std::string* error = nullptr) {
    body.clear();
    while (body.size() < size) {
        const std::size_t n = std::min(piece, size - body.size());
        std::string part, final;
        if (!sim.http_read("AT#HTTPRCV=0," + std::to_string(piece), n, part, &final)) {
            if (error)
                *error = final;
            return false;
        }
        body += part;
    }
    return true;
}

}  // namespace sim_test
