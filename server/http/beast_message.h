// Conversion between Beast messages and the plain api::HttpRequest / api::HttpResponse values.
// Internal to server/http: only session code includes it.
#pragma once

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/http_message.h"

namespace ferry::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
// The body is a view into an api::HttpResponse (its body or its shared slice) that the session
// keeps, unmoved, until the write completes: no copy of the bytes.
using BeastResponse = boost::beast::http::response<boost::beast::http::span_body<const char>>;

// Moves the body out of `request`; header names are lower-cased.
api::HttpRequest to_api_request(BeastRequest&& request, std::string remote, bool tls);

// Builds the wire response from `response` (which must outlive it and not move): Content-Length
// from content_length(), never chunked; no body bytes for HEAD, head_only, 1xx, 204 and 304.
// Throws std::runtime_error when the response cannot be sent as is (bad status, a header with
// control characters, a shared slice outside its buffer); the caller answers 500 instead.
BeastResponse to_beast_response(const api::HttpResponse& response, unsigned version,
                                bool keep_alive, bool head_request);

// True when the handler asked to close the connection after this response.
bool wants_close(const api::HttpResponse& response);

}  // namespace ferry::http
