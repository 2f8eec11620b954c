// Operator API tokens: "fy_<public id>_<secret>". The public id finds the row; only the
// SHA-256 of the secret is stored, compared in constant time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/store.h"

namespace ferry::api {

struct NewToken {
    std::string text;  // shown to the operator once
    store::ApiToken row;
};
NewToken generate_token(const std::string& name, store::Role role, int64_t now);

struct TokenParts {
    std::string public_id;
    std::string secret;
};
std::optional<TokenParts> split_token(std::string_view text);

// Looks the token up and checks it; nullopt when unknown or wrong. Updates last_used_at at most
// once a minute so reads stay reads.
std::optional<store::ApiToken> authenticate_token(store::Tx& tx, std::string_view text,
                                                  int64_t now);

}  // namespace ferry::api
