// The dashboard's files as ferryd serves them: from memory, with validators and a strict
// Content-Security-Policy; nothing outside the directory, nothing hidden, no symlinks.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "api/api_error.h"
#include "api/static_files.h"
#include "test_support.h"

using namespace ferry;
using namespace ferry::test;

namespace {
void write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}
api::HttpRequest get(std::vector<std::pair<std::string, std::string>> headers = {}) {
    api::HttpRequest r;
    r.method = "GET";
    r.headers = std::move(headers);
    return r;
}
int status_of(const api::StaticFiles& files, const std::string& name) {
    try {
        return files.serve(get(), name).status;
    } catch (const api::ApiError& e) {
        return e.status;
    }
}
}  // namespace

TEST_CASE("dashboard files: types, validators, security headers, nothing hidden", "[dashboard]") {
    TempDir dir;
    write(dir.file("index.html"), "<!doctype html><title>Ferry</title>");
    write(dir.file("app.js"), "export {};");
    write(dir.file(".secret"), "no");
    std::filesystem::create_directories(dir.file("sub"));
    write(dir.file("sub/inner.js"), "no");
    std::filesystem::create_symlink("/etc/hostname", dir.file("link.txt"));
    api::StaticFiles files(dir.path());
    CHECK(files.size() == 2);

    auto page = files.serve(get(), "index.html");
    CHECK(page.status == 200);
    CHECK(*page.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(page.header("Content-Security-Policy")->find("default-src 'self'") != std::string::npos);
    CHECK(*page.header("X-Content-Type-Options") == "nosniff");
    CHECK(page.body_view() == "<!doctype html><title>Ferry</title>");
    std::string etag = *page.header("ETag");
    CHECK(files.serve(get({{"if-none-match", etag}}), "index.html").status == 304);
    CHECK(files.serve(get({{"if-none-match", "\"other\""}}), "index.html").status == 200);
    CHECK(*files.serve(get(), "app.js").header("Content-Type") == "text/javascript; charset=utf-8");

    for (const char* name : {".secret", "link.txt", "sub", "inner.js", "../etc/passwd", "..", ""})
        CHECK(status_of(files, name) == 404);
    CHECK_THROWS(api::StaticFiles(dir.file("missing")));
    CHECK(status_of(api::StaticFiles(), "index.html") == 404);
}
