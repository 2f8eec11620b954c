#include "api/operator_auth.h"

#include "common/crypto.h"

namespace ferry::api {
namespace {
Bytes hash_secret(std::string_view secret) {
    auto h = crypto::sha256(secret);
    return Bytes(h.begin(), h.end());
}
}  // namespace

NewToken generate_token(const std::string& name, store::Role role, int64_t now) {
    NewToken t;
    t.row.public_id = hex_encode(crypto::random_bytes(6));
    std::string secret = base64url_encode(crypto::random_bytes(32));
    t.row.name = name;
    t.row.role = role;
    t.row.secret_hash = hash_secret(secret);
    t.row.created_at = now;
    t.text = "fy_" + t.row.public_id + "_" + secret;
    return t;
}

std::optional<TokenParts> split_token(std::string_view text) {
    if (text.size() > 128 || text.substr(0, 3) != "fy_") return std::nullopt;
    text.remove_prefix(3);
    size_t sep = text.find('_');
    if (sep != 12) return std::nullopt;
    TokenParts parts{std::string(text.substr(0, sep)), std::string(text.substr(sep + 1))};
    if (parts.secret.empty()) return std::nullopt;
    return parts;
}

std::optional<store::ApiToken> authenticate_token(store::Tx& tx, std::string_view text,
                                                  int64_t now) {
    auto parts = split_token(text);
    if (!parts) return std::nullopt;
    auto row = tx.token_by_public_id(parts->public_id);
    if (!row) return std::nullopt;
    Bytes h = hash_secret(parts->secret);
    if (row->secret_hash.size() != h.size() ||
        !equal_constant_time(row->secret_hash.data(), h.data(), h.size())) {
        return std::nullopt;
    }
    if (!row->last_used_at || now - *row->last_used_at >= 60) tx.touch_token(row->id, now);
    return row;
}

}  // namespace ferry::api
