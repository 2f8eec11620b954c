#include "api/query.h"

#include <algorithm>

#include "api/api_error.h"
#include "api/validate.h"
#include "common/bytes.h"

namespace ferry::api {
std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size())
            return std::nullopt;
        int hi = hex_digit_value(s[i + 1]);
        int lo = hex_digit_value(s[i + 2]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

Query Query::parse(std::string_view text, bool allow_escapes) {
    Query q;
    q.items_.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '&')) + 1);
    size_t pos = 0;
    while (pos < text.size()) {
        size_t amp = text.find('&', pos);
        std::string_view part = text.substr(pos, amp == std::string_view::npos ? amp : amp - pos);
        pos = amp == std::string_view::npos ? text.size() : amp + 1;
        if (part.empty())
            continue;
        size_t eq = part.find('=');
        std::string_view key = part.substr(0, eq);
        std::string_view value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
        bool escaped = part.find('%') != std::string_view::npos;
        if (!allow_escapes && escaped) {
            throw bad_request("bad_query", "percent escapes are not accepted here");
        }
        std::optional<std::string> k, v;
        if (escaped) {
            k = percent_decode(key);
            v = percent_decode(value);
            if (!k || !v)
                throw bad_request("bad_query", "malformed percent escape in query");
        } else {  // the common case, every device poll: nothing to decode
            k.emplace(key);
            v.emplace(value);
        }
        if (q.get(*k))
            throw bad_request("bad_query", "query parameter '" + *k + "' repeated");
        q.items_.emplace_back(std::move(*k), std::move(*v));
    }
    return q;
}

std::optional<std::string_view> Query::get(std::string_view key) const {
    for (const auto& [k, v] : items_) {
        if (k == key)
            return v;
    }
    return std::nullopt;
}

int64_t query_number(const Query& q, const char* key, int64_t fallback, int64_t max) {
    auto text = q.get(key);
    if (!text)
        return fallback;
    auto v = parse_u64(*text);
    if (!v || *v > static_cast<uint64_t>(max)) {
        throw bad_request("bad_parameter", std::string(key) + " must be 0.." + std::to_string(max));
    }
    return static_cast<int64_t>(*v);
}

}  // namespace ferry::api
