// SqliteTx: dashboard users and sessions.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "store/sqlite_columns.h"
#include "store/sqlite_tx.h"

namespace ferry::store {
namespace {
constexpr const char* kUserSelect =
    "SELECT id, name, role, password_hash, created_at, last_login_at FROM users";
}  // namespace

std::vector<User> SqliteTx::query_users(SQLite::Statement& q) {
    std::vector<User> out;
    while (q.executeStep()) {
        User u;
        u.id = q.getColumn(0).getInt64();
        u.name = q.getColumn(1).getString();
        u.role = parse_role(q.getColumn(2).getString()).value_or(Role::viewer);
        u.password_hash = q.getColumn(3).getString();
        u.created_at = q.getColumn(4).getInt64();
        u.last_login_at = col_opt(q.getColumn(5));
        out.push_back(std::move(u));
    }
    return out;
}

int64_t SqliteTx::insert_user(const User& u) {
    SQLite::Statement& q =
        prepare("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)");
    q.bind(1, u.name);
    q.bind(2, role_name(u.role));
    q.bind(3, u.password_hash);
    q.bind(4, static_cast<int64_t>(u.created_at));
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE)
            throw ConflictError("user " + u.name + " already exists");
        throw;
    }
    return db_.getLastInsertRowid();
}

std::optional<User> SqliteTx::user_by_name(const std::string& name) {
    static const std::string sql = std::string(kUserSelect) + " WHERE name = ?";
    SQLite::Statement& q = prepare(sql);
    q.bind(1, name);
    auto all = query_users(q);
    if (all.empty())
        return std::nullopt;
    return std::move(all.front());
}

std::optional<User> SqliteTx::user_by_id(int64_t id) {
    static const std::string sql = std::string(kUserSelect) + " WHERE id = ?";
    SQLite::Statement& q = prepare(sql);
    q.bind(1, static_cast<int64_t>(id));
    auto all = query_users(q);
    if (all.empty())
        return std::nullopt;
    return std::move(all.front());
}

std::vector<User> SqliteTx::list_users() {
    static const std::string sql = std::string(kUserSelect) + " ORDER BY name";
    return query_users(prepare(sql));
}

void SqliteTx::update_user(const User& u) {
    SQLite::Statement& q =
        prepare("UPDATE users SET role = ?, password_hash = ?, last_login_at = ? WHERE id = ?");
    q.bind(1, role_name(u.role));
    q.bind(2, u.password_hash);
    bind_opt(q, 3, u.last_login_at);
    q.bind(4, static_cast<int64_t>(u.id));
    q.exec();
}

bool SqliteTx::delete_user(int64_t id) {
    delete_user_sessions(id);
    SQLite::Statement& q = prepare("DELETE FROM users WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id));
    return q.exec() > 0;
}

int64_t SqliteTx::count_users(std::optional<Role> role) {
    SQLite::Statement& q = prepare("SELECT COUNT(*) FROM users WHERE ? IS NULL OR role = ?");
    if (role) {
        q.bind(1, role_name(*role));
        q.bind(2, role_name(*role));
    } else {
        q.bind(1);
        q.bind(2);
    }
    q.executeStep();
    return q.getColumn(0).getInt64();
}

void SqliteTx::insert_session(const Session& s) {
    SQLite::Statement& q = prepare(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, "
        "last_seen_at) VALUES (?, ?, ?, ?, ?, ?)");
    bind_bytes(q, 1, s.token_hash);
    q.bind(2, static_cast<int64_t>(s.user_id));
    q.bind(3, s.csrf_token);
    q.bind(4, static_cast<int64_t>(s.created_at));
    q.bind(5, static_cast<int64_t>(s.expires_at));
    q.bind(6, static_cast<int64_t>(s.last_seen_at));
    q.exec();
}

std::optional<Session> SqliteTx::session_by_hash(const Bytes& token_hash) {
    SQLite::Statement& q = prepare(
        "SELECT token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at "
        "FROM sessions WHERE token_hash = ?");
    bind_bytes(q, 1, token_hash);
    if (!q.executeStep())
        return std::nullopt;
    Session s;
    s.token_hash = col_bytes(q.getColumn(0));
    s.user_id = q.getColumn(1).getInt64();
    s.csrf_token = q.getColumn(2).getString();
    s.created_at = q.getColumn(3).getInt64();
    s.expires_at = q.getColumn(4).getInt64();
    s.last_seen_at = q.getColumn(5).getInt64();
    return s;
}

void SqliteTx::touch_session(const Bytes& token_hash, int64_t now) {
    SQLite::Statement& q = prepare("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?");
    q.bind(1, static_cast<int64_t>(now));
    bind_bytes(q, 2, token_hash);
    q.exec();
}

void SqliteTx::delete_session(const Bytes& token_hash) {
    SQLite::Statement& q = prepare("DELETE FROM sessions WHERE token_hash = ?");
    bind_bytes(q, 1, token_hash);
    q.exec();
}

void SqliteTx::delete_user_sessions(int64_t user_id) {
    SQLite::Statement& q = prepare("DELETE FROM sessions WHERE user_id = ?");
    q.bind(1, static_cast<int64_t>(user_id));
    q.exec();
}

void SqliteTx::delete_expired_sessions(int64_t now) {
    SQLite::Statement& q = prepare("DELETE FROM sessions WHERE expires_at <= ?");
    q.bind(1, static_cast<int64_t>(now));
    q.exec();
}

}  // namespace ferry::store
