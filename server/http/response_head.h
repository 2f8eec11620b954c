// The status line and header of a response, written by hand into a buffer the session reuses:
// Beast's serializer walked a chain of buffer views per field, and building a Beast message first
// allocated every field once more. Internal to server/http; included by session code only.
#pragma once

#include <string>
#include <string_view>

#include "api/http_message.h"

namespace ferry::http {

// Replaces `out` with the head of `response` and returns the body bytes to send after it (a view
// into `response`, which must outlive the write and not move). The head is what Beast wrote:
// the handler's headers (a later one replaces an earlier one of the same name), Server unless
// the handler set one, Date, Connection as keep_alive and the version need, and Content-Length
// from content_length(), never chunked. No body bytes for HEAD, head_only, 1xx, 204 and 304;
// no Content-Length either for 1xx, 204 and 304.
// Throws std::runtime_error when the response cannot be sent as is (bad status, a header with
// control characters, a shared slice outside its buffer); the caller answers 500 instead.
std::string_view write_response_head(std::string& out, const api::HttpResponse& response,
                                     unsigned version, bool keep_alive, bool head_request);

// True when the handler asked to close the connection after this response.
bool wants_close(const api::HttpResponse& response);

}  // namespace ferry::http
