// ferryctl's connection to ferryd's management API, and the formatting its commands share.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "client/http_client.h"
#include "ferryctl/cli.h"

namespace ferry::ctl {

struct Server {
    std::unique_ptr<client::HttpClient> http;
    std::string token;
};

// --server/FERRY_SERVER and --token/FERRY_TOKEN (CliError 2 without a token).
Server connect(const Args& args);

// Sends the request; returns the parsed JSON body of a 2xx answer, throws CliError(4) with the
// server's own error message otherwise.
nlohmann::json call(Server& s, const std::string& method, const std::string& target,
                    const std::string& body = {},
                    const std::string& content_type = "application/json",
                    client::ProgressFn progress = nullptr,
                    std::vector<std::pair<std::string, std::string>> extra = {});

void print_json(const nlohmann::json& j);
std::string when(const nlohmann::json& unix_seconds);  // "2026-11-21 18:00:00Z" or "never"
std::string human_bytes(uint64_t n);
std::string str(const nlohmann::json& v);  // strings bare, null as "-", the rest as JSON

}  // namespace ferry::ctl
