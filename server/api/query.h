// Query strings: "a=1&b=2". Values are percent-decoded unless decoding is refused (device API).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::api {

class Query {
  public:
    // Throws ApiError 400 "bad_query" on a duplicate key, a bad %-escape, or (when
    // allow_escapes is false) any '%' at all.
    static Query parse(std::string_view text, bool allow_escapes = true);

    // A view into this Query: valid while it lives.
    std::optional<std::string_view> get(std::string_view key) const;
    bool has(std::string_view key) const { return get(key).has_value(); }
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

  private:
    std::vector<std::pair<std::string, std::string>> items_;
};

// A numeric parameter: `fallback` when absent; 400 "bad_parameter" unless 0..max.
int64_t query_number(const Query& q, const char* key, int64_t fallback, int64_t max);

// Percent-decoding of one path or query component; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s);

}  // namespace ferry::api
