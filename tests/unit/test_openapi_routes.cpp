// The server's route table and proto/openapi.yaml must list the same (method, path) pairs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "app_fixture.h"

using namespace ferry::test;

namespace {
// Reads `paths:` with the layout the spec keeps: a path at two spaces, its methods at four.
std::set<std::string> spec_routes(const std::string& file) {
    std::ifstream in(file);
    REQUIRE(in.good());
    std::set<std::string> out;
    std::string line, path;
    bool in_paths = false;
    static const std::set<std::string> methods = {"get", "put", "post", "delete", "head", "patch", "options"};
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] != ' ' && line[0] != '#') in_paths = line.rfind("paths:", 0) == 0;
        if (!in_paths) continue;
        if (line.size() > 3 && line.compare(0, 3, "  /") == 0) {
            path = line.substr(2, line.find(':', 2) - 2);
        } else if (line.size() > 4 && line.compare(0, 4, "    ") == 0 && line[4] != ' ') {
            std::string m = line.substr(4, line.find(':') - 4);
            if (methods.count(m)) {
                std::transform(m.begin(), m.end(), m.begin(), ::toupper);
                out.insert(m + " " + path);
            }
        }
    }
    return out;
}
}  // namespace

TEST_CASE("every server route is in the OpenAPI spec and every spec route is served", "[contract]") {
    AppFixture f;
    std::set<std::string> served;
    for (const auto& r : f.app->router().routes()) served.insert(r.method + " " + r.pattern);
    std::set<std::string> spec = spec_routes(std::string(FERRY_SOURCE_DIR) + "/proto/openapi.yaml");
    for (const auto& r : served) {
        INFO("served but not in proto/openapi.yaml: " << r);
        CHECK(spec.count(r) == 1);
    }
    for (const auto& r : spec) {
        INFO("in proto/openapi.yaml but not served: " << r);
        CHECK(served.count(r) == 1);
    }
    CHECK(served.size() > 15);
}
