-- Staged rollouts (server/rollout/, spec in proto/management-api.md "Rollouts").

CREATE TABLE rollouts (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    release_id       INTEGER NOT NULL REFERENCES releases (id),
    state            TEXT NOT NULL
                     CHECK (state IN ('scheduled', 'running', 'paused', 'completed', 'aborted')),
    pause_reason     TEXT NOT NULL DEFAULT '',    -- operator, failure_threshold, wave_stalled
    target           TEXT NOT NULL,               -- JSON: {"tags":[],"devices":[],"versions":[]}
    waves            TEXT NOT NULL,               -- JSON: [{"percent":1},{"count":50},...]
    current_wave     INTEGER NOT NULL DEFAULT 0,  -- the highest wave whose devices may start
    success_percent  INTEGER NOT NULL,            -- confirmed share of a wave that opens the next
    failure_count    INTEGER NOT NULL DEFAULT 0,  -- failures that pause it (0 = no such limit)
    failure_percent  INTEGER NOT NULL DEFAULT 0,  -- failed share of started devices that pauses it
    device_deadline  INTEGER NOT NULL,            -- seconds from offer to confirmation
    max_downloads    INTEGER NOT NULL DEFAULT 0,  -- devices downloading at once (0 = no cap)
    start_at         INTEGER,
    created_at       INTEGER NOT NULL,
    created_by       TEXT NOT NULL DEFAULT '',
    updated_at       INTEGER NOT NULL
);

-- One row per device a rollout has taken in; wave and rank are fixed when it joins.
CREATE TABLE rollout_members (
    rollout_id   INTEGER NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
    device_id    INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    wave         INTEGER NOT NULL,
    rank         INTEGER NOT NULL,   -- deterministic order inside the rollout
    state        TEXT NOT NULL,      -- pending downloading installed confirmed rolled_back failed
                                     -- timed_out aborted
    joined_at    INTEGER NOT NULL,
    waiting_since INTEGER,           -- when its wave opened (or it joined an open one)
    offered_at   INTEGER,
    finished_at  INTEGER,
    reason       INTEGER NOT NULL DEFAULT 0,
    bytes_served INTEGER NOT NULL DEFAULT 0,
    forgiven     INTEGER NOT NULL DEFAULT 0,  -- its failure was answered by a resume
    PRIMARY KEY (rollout_id, device_id)
);
CREATE INDEX rollout_members_by_device ON rollout_members (device_id);
CREATE INDEX rollout_members_by_state ON rollout_members (rollout_id, state);

-- Which rollout the device's current target came from (its member row is kept up to date).
ALTER TABLE devices ADD COLUMN target_rollout_id INTEGER REFERENCES rollouts (id);

-- Every change an operator or the rollout engine makes.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,     -- "token:<name>", "user:<name>" or "engine"
    action     TEXT NOT NULL,     -- "rollout.created", "rollout.paused", ...
    rollout_id INTEGER,
    subject    TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_rollout ON audit_log (rollout_id, id);

-- Members per (rollout, wave, state), kept by triggers in the transaction that changes a member:
-- the engine evaluates a rollout after every member change, and a GROUP BY over ten thousand
-- members on every such poll would hold SQLite's one writer too long.
CREATE TABLE rollout_member_counts (
    rollout_id INTEGER NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
    wave       INTEGER NOT NULL,
    state      TEXT NOT NULL,
    members    INTEGER NOT NULL DEFAULT 0,
    offered    INTEGER NOT NULL DEFAULT 0,  -- of those, offered the release at some point
    forgiven   INTEGER NOT NULL DEFAULT 0,  -- of those, with a failure a resume answered
    bytes      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (rollout_id, wave, state)
);

CREATE TRIGGER rollout_member_counted AFTER INSERT ON rollout_members BEGIN
    INSERT INTO rollout_member_counts (rollout_id, wave, state, members, offered, forgiven, bytes)
    VALUES (new.rollout_id, new.wave, new.state, 1, new.offered_at IS NOT NULL, new.forgiven,
            new.bytes_served)
    ON CONFLICT (rollout_id, wave, state) DO UPDATE SET
        members = members + 1, offered = offered + excluded.offered,
        forgiven = forgiven + excluded.forgiven, bytes = bytes + excluded.bytes;
END;

CREATE TRIGGER rollout_member_uncounted AFTER DELETE ON rollout_members BEGIN
    UPDATE rollout_member_counts SET
        members = members - 1, offered = offered - (old.offered_at IS NOT NULL),
        forgiven = forgiven - old.forgiven, bytes = bytes - old.bytes_served
    WHERE rollout_id = old.rollout_id AND wave = old.wave AND state = old.state;
END;

CREATE TRIGGER rollout_member_recounted
AFTER UPDATE OF state, offered_at, bytes_served, wave, forgiven ON rollout_members BEGIN
    UPDATE rollout_member_counts SET
        members = members - 1, offered = offered - (old.offered_at IS NOT NULL),
        forgiven = forgiven - old.forgiven, bytes = bytes - old.bytes_served
    WHERE rollout_id = old.rollout_id AND wave = old.wave AND state = old.state;
    INSERT INTO rollout_member_counts (rollout_id, wave, state, members, offered, forgiven, bytes)
    VALUES (new.rollout_id, new.wave, new.state, 1, new.offered_at IS NOT NULL, new.forgiven,
            new.bytes_served)
    ON CONFLICT (rollout_id, wave, state) DO UPDATE SET
        members = members + 1, offered = offered + excluded.offered,
        forgiven = forgiven + excluded.forgiven, bytes = bytes + excluded.bytes;
END;
