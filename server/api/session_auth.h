// Dashboard sessions: a 256-bit random token in an HttpOnly, SameSite=Strict cookie; the store
// keeps only its SHA-256. A state-changing request authenticated by the cookie must also carry
// the session's CSRF token in X-CSRF-Token (a cross-site page can make the browser send the
// cookie, but cannot read the token).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/http_message.h"
#include "store/store.h"

namespace ferry::api {

inline constexpr const char* kSessionCookie = "ferry_session";
inline constexpr int64_t kSessionLifetime = 12 * 3600;

struct NewSession {
    std::string token;  // the cookie value, never stored
    store::Session row;
};
NewSession generate_session(int64_t user_id, int64_t now);

// "ferry_session=...; Path=/; HttpOnly; SameSite=Strict; Max-Age=..." (+ Secure over TLS).
std::string session_cookie(const std::string& token, bool tls, int64_t max_age);
// The cookie value of `name` in the request's Cookie headers, if any.
std::optional<std::string> cookie_value(const HttpRequest& request, std::string_view name);

struct SessionCaller {
    store::User user;
    store::Session session;
};
// The live session and its user for the request's cookie; nullopt when absent, unknown or
// expired. Touches last_seen_at at most once a minute.
std::optional<SessionCaller> authenticate_session(store::Tx& tx, const HttpRequest& request,
                                                  int64_t now);

Bytes session_hash(std::string_view token);

// GET, HEAD and OPTIONS change nothing and need no CSRF token.
bool is_safe_method(std::string_view method);

}  // namespace ferry::api
