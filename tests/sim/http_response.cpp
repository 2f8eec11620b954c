#include "http_response.h"

#include <cctype>
#include <cstdlib>

namespace telit_sim {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

}  // namespace

bool HttpResponseParser::feed(std::string_view data) {
    wire_bytes_ += data.size();
    if (complete_)
        return true;  // trailing bytes after a framed body are ignored
    buf_.append(data);
    if (!headers_done_) {
        const auto end = buf_.find("\r\n\r\n");
        if (end == std::string::npos)
            return buf_.size() < 65536;
        header_bytes_ = end + 4;
        if (!parse_headers())
            return false;
        buf_.erase(0, header_bytes_);
        headers_done_ = true;
        if (no_body_ || (content_length_ && *content_length_ == 0 && !chunked_)) {
            complete_ = true;
            return true;
        }
    }
    if (chunked_)
        return parse_chunks();
    body_.append(buf_);
    buf_.clear();
    if (content_length_ && body_.size() >= *content_length_) {
        body_.resize(*content_length_);
        complete_ = true;
    }
    return true;
}

bool HttpResponseParser::parse_headers() {
    std::string_view head(buf_.data(), header_bytes_ - 4);
    const auto eol = head.find("\r\n");
    std::string_view status_line = head.substr(0, eol);
    if (status_line.substr(0, 5) != "HTTP/")
        return false;
    const auto sp = status_line.find(' ');
    if (sp == std::string_view::npos || status_line.size() < sp + 4)
        return false;
    status_ = std::atoi(std::string(status_line.substr(sp + 1, 3)).c_str());
    if (status_ < 100 || status_ > 999)
        return false;
    std::size_t pos = eol == std::string_view::npos ? head.size() : eol + 2;
    while (pos < head.size()) {
        auto next = head.find("\r\n", pos);
        if (next == std::string_view::npos)
            next = head.size();
        std::string_view line = head.substr(pos, next - pos);
        pos = next + 2;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        const std::string name = lower(trim(line.substr(0, colon)));
        const std::string_view value = trim(line.substr(colon + 1));
        if (name == "content-length") {
            char* end = nullptr;
            const std::string v(value);
            const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
            if (v.empty() || !end || *end != '\0')
                return false;
            content_length_ = n;
        } else if (name == "content-type") {
            content_type_ = std::string(value);
        } else if (name == "transfer-encoding") {
            if (lower(value).find("chunked") != std::string::npos)
                chunked_ = true;
        }
    }
    no_body_ = head_ || status_ / 100 == 1 || status_ == 204 || status_ == 304;
    return true;
}

bool HttpResponseParser::parse_chunks() {
    for (;;) {
        const auto eol = buf_.find("\r\n");
        if (eol == std::string::npos)
            return true;
        char* end = nullptr;
        const std::string size_text = buf_.substr(0, eol);
        const unsigned long long n = std::strtoull(size_text.c_str(), &end, 16);
        if (end == size_text.c_str())
            return false;
        if (n == 0) {
            complete_ = true;  // trailers are not needed
            return true;
        }
        if (buf_.size() < eol + 2 + n + 2)
            return true;
        body_.append(buf_, eol + 2, n);
        buf_.erase(0, eol + 2 + n + 2);
    }
}

bool HttpResponseParser::finish_eof() {
    if (complete_)
        return true;
    if (!headers_done_)
        return false;
    if (chunked_ || content_length_)
        return false;  // truncated
    complete_ = true;  // framed by the end of the connection
    return true;
}

}  // namespace telit_sim
