-- Ferry schema, SQLite. Times are Unix seconds (UTC). Applied once, inside one transaction.

-- Server-wide values every instance must share (the capability key, ...).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- Operator API tokens. Only a SHA-256 of the secret part is kept: tokens are 256-bit random,
-- so a fast hash is enough (passwords, which are not, get a KDF elsewhere).
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    public_id    TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    secret_hash  BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);

-- Content-addressed image files; the bytes live in the blob directory under their SHA-256.
CREATE TABLE blobs (
    sha256     TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE releases (
    id               INTEGER PRIMARY KEY,
    hw_id            INTEGER NOT NULL,
    version          TEXT NOT NULL,
    version_key      INTEGER NOT NULL,  -- Version::key(): the order "newer" is decided by
    security_counter INTEGER NOT NULL,
    key_id           TEXT NOT NULL,     -- hex of the 8-byte key id
    key_name         TEXT NOT NULL,     -- the trusted key that verified it
    manifest         BLOB NOT NULL,     -- the 184-byte signed manifest, sent in offers
    notes            TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    created_by       TEXT NOT NULL DEFAULT '',
    bytes_served     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (hw_id, version_key)
);

CREATE TABLE release_images (
    release_id INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
    slot       INTEGER NOT NULL CHECK (slot IN (0, 1)),
    load_addr  INTEGER NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT NOT NULL REFERENCES blobs (sha256),
    PRIMARY KEY (release_id, slot)
);

CREATE TABLE devices (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    hw_id             INTEGER NOT NULL,
    secret            BLOB NOT NULL,
    counter           INTEGER NOT NULL DEFAULT 0,  -- highest poll counter accepted
    version           TEXT NOT NULL DEFAULT '',
    slot              INTEGER NOT NULL DEFAULT 0,
    security_counter  INTEGER NOT NULL DEFAULT 0,
    boot_state        INTEGER NOT NULL DEFAULT 0,
    last_seen         INTEGER,
    state             TEXT NOT NULL DEFAULT 'new',  -- update state, see store/types.h
    last_result       TEXT NOT NULL DEFAULT '',
    last_reason       INTEGER NOT NULL DEFAULT 0,
    target_release_id INTEGER REFERENCES releases (id),  -- release being (or last) installed
    target_slot       INTEGER NOT NULL DEFAULT 0,         -- slot it is written to
    pinned_release_id INTEGER REFERENCES releases (id),
    bytes_served      INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
);

CREATE TABLE device_tags (
    device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    PRIMARY KEY (device_id, tag)
);
CREATE INDEX device_tags_by_tag ON device_tags (tag);

-- A release assigned to every device carrying a tag (staged rollouts build on this later).
CREATE TABLE tag_assignments (
    tag         TEXT PRIMARY KEY,
    release_id  INTEGER NOT NULL REFERENCES releases (id),
    assigned_at INTEGER NOT NULL
);

CREATE TABLE device_events (
    id         INTEGER PRIMARY KEY,
    device_id  INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    release_id INTEGER,
    version    TEXT NOT NULL DEFAULT '',
    slot       INTEGER,
    progress   INTEGER,
    reason     INTEGER NOT NULL DEFAULT 0,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX device_events_by_device ON device_events (device_id, id);
