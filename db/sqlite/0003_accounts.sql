-- Operator accounts for the dashboard (API tokens stay for ferryctl and scripts).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    password_hash TEXT NOT NULL,  -- "scrypt$<log2 N>$<r>$<p>$<salt b64url>$<key b64url>"
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER
);

-- Dashboard sessions. The cookie carries a 256-bit random token; only its SHA-256 is kept.
CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,   -- sent back in X-CSRF-Token on every state-changing request
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
