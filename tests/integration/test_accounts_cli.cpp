// Dashboard accounts through a real ferryd: ferryctl creates a user, the log-in over HTTP sets
// the HttpOnly cookie, the cookie reads, writes need the CSRF token, log-out ends it.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "server_fixture.h"

using namespace ferry;
using namespace ferry::test;

TEST_CASE("ferryctl manages dashboard users; a log-in over HTTP gives a cookie session",
          "[integration]") {
    ServerFixture f;
    CHECK_FALSE(f.ferryd->admin_password().empty());
    std::string pwfile = f.dir.file("pw");
    write_file_atomic(pwfile, reinterpret_cast<const uint8_t*>("a long enough password\n"), 23);
    REQUIRE(f.ctl("user-create eve --role operator --password-file " + pwfile).code == 0);
    CHECK(f.ctl("user-create eve --role operator --password-file " + pwfile).code ==
          4);  // duplicate
    auto users = f.ctl("users");
    CHECK(users.output.find("eve") != std::string::npos);
    CHECK(users.output.find("admin") != std::string::npos);

    auto login = f.http->request("POST", "/api/v1/session", {{"Content-Type", "application/json"}},
                                 R"({"name":"eve","password":"a long enough password"})");
    REQUIRE(login.status == 200);
    const std::string* set = login.header("set-cookie");
    REQUIRE(set);
    CHECK(set->find("HttpOnly") != std::string::npos);
    std::string cookie = set->substr(0, set->find(';'));
    std::string csrf = nlohmann::json::parse(login.body)["csrf_token"];

    CHECK(f.http->request("GET", "/api/v1/devices", {{"Cookie", cookie}}).status == 200);
    std::string body = R"({"id":"d-1","hw_id":"f401xe"})";
    CHECK(f.http
              ->request("POST", "/api/v1/devices",
                        {{"Cookie", cookie}, {"Content-Type", "application/json"}}, body)
              .status == 403);
    CHECK(
        f.http
            ->request(
                "POST", "/api/v1/devices",
                {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Content-Type", "application/json"}},
                body)
            .status == 201);
    auto dash = f.http->request("GET", "/");
    CHECK((dash.status == 200 || dash.status == 404));  // 404 only where the build has no dashboard
    REQUIRE(
        f.http->request("DELETE", "/api/v1/session", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}})
            .status == 204);
    CHECK(f.http->request("GET", "/api/v1/devices", {{"Cookie", cookie}}).status == 401);
    REQUIRE(f.ctl("user-delete eve").code == 0);
}
