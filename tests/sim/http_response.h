// An incremental parser for the HTTP/1.1 response the modem's HTTP client receives: status line,
// headers, and a body framed by Content-Length, chunked encoding, or the end of the connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace telit_sim {

class HttpResponseParser {
  public:
    explicit HttpResponseParser(bool head_request) : head_(head_request) {}

    // Feeds received bytes. Returns false on a malformed response.
    bool feed(std::string_view data);
    // The connection ended; returns true when the response was complete (or framed by EOF).
    bool finish_eof();

    bool complete() const { return complete_; }
    bool headers_done() const { return headers_done_; }
    int status() const { return status_; }
    const std::string& content_type() const { return content_type_; }
    std::optional<uint64_t> content_length() const { return content_length_; }
    bool chunked() const { return chunked_; }
    const std::string& body() const { return body_; }  // decoded (chunked framing removed)
    std::size_t header_bytes() const { return header_bytes_; }
    std::size_t wire_bytes() const { return wire_bytes_; }  // everything received so far

  private:
    bool parse_headers();
    bool parse_chunks();

    bool head_;
    std::string buf_;
    bool headers_done_ = false;
    bool complete_ = false;
    int status_ = 0;
    std::string content_type_;
    std::optional<uint64_t> content_length_;
    bool chunked_ = false;
    bool no_body_ = false;
    std::string body_;
    std::size_t header_bytes_ = 0;
    std::size_t wire_bytes_ = 0;
};

}  // namespace telit_sim
