// The dashboard's files (web/, built into one flat directory at set-up), read once at start and
// served from memory: GET / is index.html, GET /ui/{file} the rest. No internet is needed: the
// charting library is among these files.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "api/http_message.h"

namespace ferry::api {

class StaticFiles {
  public:
    // Loads every regular file directly in `dir` (not below). An empty dir serves nothing.
    // Throws std::runtime_error when dir is given but cannot be read.
    explicit StaticFiles(const std::string& dir = {});

    // 200 with the file (ETag, no-cache, security headers), 304 when If-None-Match matches,
    // 404 when there is no such file.
    HttpResponse serve(const HttpRequest& request, const std::string& name) const;
    size_t size() const { return files_.size(); }

  private:
    struct File {
        std::shared_ptr<const std::string> bytes;
        std::string content_type;
        std::string etag;
    };
    std::map<std::string, File> files_;
};

}  // namespace ferry::api
