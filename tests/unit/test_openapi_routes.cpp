// The server's route table and proto/openapi.yaml must list the same (method, path) pairs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "app_fixture.h"
#include "openapi_spec.h"

using namespace ferry::test;

TEST_CASE("every server route is in the OpenAPI spec and every spec route is served", "[contract]") {
    AppFixture f;
    std::set<std::string> served;
    for (const auto& r : f.app->router().routes()) served.insert(r.method + " " + r.pattern);
    std::set<std::string> spec;
    for (const auto& [route, role] : spec_roles(std::string(FERRY_SOURCE_DIR) + "/proto/openapi.yaml"))
        spec.insert(route);
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
