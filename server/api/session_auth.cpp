#include "api/session_auth.h"

#include "common/bytes.h"
#include "common/crypto.h"

namespace ferry::api {

Bytes session_hash(std::string_view token) {
    auto h = crypto::sha256(token);
    return Bytes(h.begin(), h.end());
}

NewSession generate_session(int64_t user_id, int64_t now) {
    NewSession s;
    s.token = base64url_encode(crypto::random_bytes(32));
    s.row.token_hash = session_hash(s.token);
    s.row.user_id = user_id;
    s.row.csrf_token = base64url_encode(crypto::random_bytes(24));
    s.row.created_at = now;
    s.row.expires_at = now + kSessionLifetime;
    s.row.last_seen_at = now;
    return s;
}

std::string session_cookie(const std::string& token, bool tls, int64_t max_age) {
    std::string c = std::string(kSessionCookie) + "=" + token +
                    "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
    if (tls)
        c += "; Secure";
    return c;
}

std::optional<std::string> cookie_value(const HttpRequest& request, std::string_view name) {
    for (const auto& [k, v] : request.headers) {
        if (k != "cookie")
            continue;
        std::string_view rest = v;
        while (!rest.empty()) {
            size_t end = rest.find(';');
            std::string_view pair = rest.substr(0, end);
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
            while (!pair.empty() && pair.front() == ' ')
                pair.remove_prefix(1);
            size_t eq = pair.find('=');
            if (eq != std::string_view::npos && pair.substr(0, eq) == name)
                return std::string(pair.substr(eq + 1));
        }
    }
    return std::nullopt;
}

std::optional<SessionCaller> authenticate_session(store::Tx& tx, const HttpRequest& request,
                                                  int64_t now) {
    auto token = cookie_value(request, kSessionCookie);
    if (!token || token->empty() || token->size() > 100)
        return std::nullopt;
    Bytes hash = session_hash(*token);
    auto session = tx.session_by_hash(hash);
    if (!session || session->expires_at <= now)
        return std::nullopt;
    auto user = tx.user_by_id(session->user_id);
    if (!user)
        return std::nullopt;
    if (now - session->last_seen_at >= 60)
        tx.touch_session(hash, now);
    return SessionCaller{std::move(*user), std::move(*session)};
}

bool is_safe_method(std::string_view method) {
    return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

}  // namespace ferry::api
