#include "api/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "api/api_error.h"
#include "api/validate.h"
#include "common/bytes.h"
#include "common/crypto.h"

namespace ferry::api {
namespace {

std::string content_type_of(const std::string& name) {
    static const std::map<std::string, std::string> types = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
    };
    auto dot = name.rfind('.');
    if (dot != std::string::npos) {
        auto it = types.find(name.substr(dot));
        if (it != types.end())
            return it->second;
    }
    return "application/octet-stream";
}

}  // namespace

StaticFiles::StaticFiles(const std::string& dir) {
    if (dir.empty())
        return;
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec)
        throw std::runtime_error("cannot read the dashboard directory " + dir + ": " +
                                 ec.message());
    for (const fs::directory_entry& e : it) {
        std::string name = e.path().filename().string();
        // Regular files only (not what a symlink points to), and no hidden ones.
        if (!e.is_regular_file() || e.is_symlink() || name.empty() || name[0] == '.')
            continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        auto bytes = std::make_shared<const std::string>(text.str());
        auto h = crypto::sha256(*bytes);
        files_[name] = {bytes, content_type_of(name), "\"" + hex_encode(h.data(), 8) + "\""};
    }
}

HttpResponse StaticFiles::serve(const HttpRequest& request, const std::string& name) const {
    auto it = valid_name(name, 128) ? files_.find(name) : files_.end();
    if (it == files_.end()) {
        throw ApiError(
            404, "not_found",
            files_.empty() ? "the dashboard is not installed (ferryd web_root)" : "no such file");
    }
    const File& f = it->second;
    HttpResponse r;
    // Always revalidate: a new ferryd may bring new files under the same names.
    r.set_header("Cache-Control", "no-cache");
    r.set_header("ETag", f.etag);
    r.set_header("X-Content-Type-Options", "nosniff");
    r.set_header("Referrer-Policy", "no-referrer");
    r.set_header("X-Frame-Options", "DENY");
    r.set_header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                 "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'");
    const std::string* match = request.header("if-none-match");
    if (match && *match == f.etag) {
        r.status = 304;
        return r;
    }
    r.set_header("Content-Type", f.content_type);
    r.shared_body = f.bytes;
    r.shared_offset = 0;
    r.shared_length = f.bytes->size();
    return r;
}

}  // namespace ferry::api
