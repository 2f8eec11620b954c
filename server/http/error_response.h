// The transport's own replies (400, 413, 431, 500): small JSON bodies in the API's error shape
// {"error":{"code":...,"message":...}}.
#pragma once

#include <string_view>

#include "api/http_message.h"

namespace ferry::http {

api::HttpResponse error_response(int status, std::string_view code, std::string_view message);

}  // namespace ferry::http
