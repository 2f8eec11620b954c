#include "store/sqlite_tx.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <utility>

#include "store/sqlite_columns.h"

namespace ferry::store {
namespace {

bool is_unique_violation(const SQLite::Exception& e) {
    return e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE ||
           e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY;
}

ApiToken read_token(SQLite::Statement& q) {
    ApiToken t;
    t.id = q.getColumn(0).getInt64();
    t.public_id = q.getColumn(1).getString();
    t.name = q.getColumn(2).getString();
    t.role = parse_role(q.getColumn(3).getString()).value_or(Role::viewer);
    t.secret_hash = col_bytes(q.getColumn(4));
    t.created_at = q.getColumn(5).getInt64();
    t.last_used_at = col_opt(q.getColumn(6));
    return t;
}

constexpr const char* kTokenColumns =
    "id, public_id, name, role, secret_hash, created_at, last_used_at";
constexpr const char* kReleaseColumns =
    "id, hw_id, version, version_key, security_counter, key_id, key_name, manifest, notes, "
    "created_at, created_by, bytes_served";
constexpr const char* kDeviceColumns =
    "id, name, hw_id, secret, counter, version, slot, security_counter, boot_state, last_seen, "
    "state, last_result, last_reason, target_release_id, pinned_release_id, bytes_served, "
    "created_at, target_slot, target_rollout_id";

}  // namespace

SqliteTx::~SqliteTx() {
    finish();
}

void SqliteTx::finish() {
    // A statement left mid-result would keep a read open past the transaction.
    for (SQLite::Statement* q : used_)
        q->tryReset();
    used_.clear();
}

SQLite::Statement& SqliteTx::prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
        std::string text(sql);
        auto statement = std::make_unique<SQLite::Statement>(db_, text);
        it = cache_.emplace(std::move(text), std::move(statement)).first;
    }
    SQLite::Statement& q = *it->second;
    q.tryReset();  // the last run's error, if any, was reported then
    q.clearBindings();
    used_.push_back(&q);
    return q;
}

// ---- settings -------------------------------------------------------------------------------

std::optional<Bytes> SqliteTx::get_setting(const std::string& key) {
    SQLite::Statement& q = prepare("SELECT value FROM settings WHERE key = ?");
    q.bind(1, key);
    if (!q.executeStep())
        return std::nullopt;
    return col_bytes(q.getColumn(0));
}

void SqliteTx::put_setting(const std::string& key, const Bytes& value) {
    SQLite::Statement& q = prepare(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    q.bind(1, key);
    bind_bytes(q, 2, value);
    q.exec();
}

// ---- tokens ---------------------------------------------------------------------------------

int64_t SqliteTx::insert_token(const ApiToken& t) {
    SQLite::Statement& q = prepare(
        "INSERT INTO api_tokens (public_id, name, role, secret_hash, created_at) "
        "VALUES (?, ?, ?, ?, ?)");
    q.bind(1, t.public_id);
    q.bind(2, t.name);
    q.bind(3, role_name(t.role));
    bind_bytes(q, 4, t.secret_hash);
    q.bind(5, static_cast<int64_t>(t.created_at));
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        if (is_unique_violation(e))
            throw ConflictError("token id already exists");
        throw;
    }
    return db_.getLastInsertRowid();
}

std::optional<ApiToken> SqliteTx::token_by_public_id(const std::string& public_id) {
    SQLite::Statement& q =
        prepare(std::string("SELECT ") + kTokenColumns + " FROM api_tokens WHERE public_id = ?");
    q.bind(1, public_id);
    if (!q.executeStep())
        return std::nullopt;
    return read_token(q);
}

std::vector<ApiToken> SqliteTx::list_tokens() {
    SQLite::Statement& q =
        prepare(std::string("SELECT ") + kTokenColumns + " FROM api_tokens ORDER BY id");
    std::vector<ApiToken> out;
    while (q.executeStep())
        out.push_back(read_token(q));
    return out;
}

bool SqliteTx::delete_token(int64_t id) {
    SQLite::Statement& q = prepare("DELETE FROM api_tokens WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id));
    return q.exec() > 0;
}

void SqliteTx::touch_token(int64_t id, int64_t now) {
    SQLite::Statement& q = prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
    q.bind(1, static_cast<int64_t>(now));
    q.bind(2, static_cast<int64_t>(id));
    q.exec();
}

int64_t SqliteTx::count_tokens() {
    return db_.execAndGet("SELECT COUNT(*) FROM api_tokens").getInt64();
}

// ---- blobs and releases ---------------------------------------------------------------------

void SqliteTx::insert_blob_if_absent(const std::string& sha256, uint64_t size, int64_t now) {
    SQLite::Statement& q = prepare(
        "INSERT INTO blobs (sha256, size, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (sha256) DO NOTHING");
    q.bind(1, sha256);
    q.bind(2, static_cast<int64_t>(size));
    q.bind(3, static_cast<int64_t>(now));
    q.exec();
}

std::vector<std::string> SqliteTx::list_blob_hashes() {
    SQLite::Statement& q = prepare("SELECT sha256 FROM blobs ORDER BY sha256");
    std::vector<std::string> out;
    while (q.executeStep())
        out.push_back(q.getColumn(0).getString());
    return out;
}

bool SqliteTx::blob_referenced(const std::string& sha256) {
    SQLite::Statement& q = prepare("SELECT 1 FROM release_images WHERE sha256 = ? LIMIT 1");
    q.bind(1, sha256);
    return q.executeStep();
}

void SqliteTx::delete_blob_row(const std::string& sha256) {
    SQLite::Statement& q = prepare("DELETE FROM blobs WHERE sha256 = ?");
    q.bind(1, sha256);
    q.exec();
}

int64_t SqliteTx::insert_release(const Release& r) {
    SQLite::Statement& q = prepare(
        "INSERT INTO releases (hw_id, version, version_key, security_counter, "
        "key_id, key_name, manifest, notes, created_at, created_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, static_cast<int64_t>(r.hw_id));
    q.bind(2, r.version);
    q.bind(3, static_cast<int64_t>(r.version_key));
    q.bind(4, static_cast<int64_t>(r.security_counter));
    q.bind(5, r.key_id);
    q.bind(6, r.key_name);
    bind_bytes(q, 7, r.manifest);
    q.bind(8, r.notes);
    q.bind(9, static_cast<int64_t>(r.created_at));
    q.bind(10, r.created_by);
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        if (is_unique_violation(e)) {
            throw ConflictError("release " + r.version + " already exists for this hardware");
        }
        throw;
    }
    int64_t id = db_.getLastInsertRowid();
    for (const ReleaseImage& img : r.images) {
        SQLite::Statement& qi = prepare(
            "INSERT INTO release_images (release_id, slot, load_addr, size, "
            "sha256) VALUES (?, ?, ?, ?, ?)");
        qi.bind(1, static_cast<int64_t>(id));
        qi.bind(2, img.slot);
        qi.bind(3, static_cast<int64_t>(img.load_addr));
        qi.bind(4, static_cast<int64_t>(img.size));
        qi.bind(5, img.sha256);
        qi.exec();
    }
    return id;
}

void SqliteTx::load_images(Release& r) {
    SQLite::Statement& q = prepare(
        "SELECT slot, load_addr, size, sha256 FROM release_images "
        "WHERE release_id = ? ORDER BY slot");
    q.bind(1, static_cast<int64_t>(r.id));
    while (q.executeStep()) {
        ReleaseImage img;
        img.slot = q.getColumn(0).getInt();
        img.load_addr = static_cast<uint32_t>(q.getColumn(1).getInt64());
        img.size = static_cast<uint32_t>(q.getColumn(2).getInt64());
        img.sha256 = q.getColumn(3).getString();
        r.images.push_back(img);
    }
}

std::vector<Release> SqliteTx::query_releases(SQLite::Statement& q) {
    std::vector<Release> out;
    while (q.executeStep()) {
        Release r;
        r.id = q.getColumn(0).getInt64();
        r.hw_id = static_cast<uint32_t>(q.getColumn(1).getInt64());
        r.version = q.getColumn(2).getString();
        r.version_key = static_cast<uint64_t>(q.getColumn(3).getInt64());
        r.security_counter = static_cast<uint32_t>(q.getColumn(4).getInt64());
        r.key_id = q.getColumn(5).getString();
        r.key_name = q.getColumn(6).getString();
        r.manifest = col_bytes(q.getColumn(7));
        r.notes = q.getColumn(8).getString();
        r.created_at = q.getColumn(9).getInt64();
        r.created_by = q.getColumn(10).getString();
        r.bytes_served = static_cast<uint64_t>(q.getColumn(11).getInt64());
        out.push_back(std::move(r));
    }
    for (Release& r : out)
        load_images(r);
    return out;
}

std::optional<Release> SqliteTx::release_by_id(int64_t id) {
    static const std::string sql =
        std::string("SELECT ") + kReleaseColumns + " FROM releases WHERE id = ?";
    SQLite::Statement& q = prepare(sql);
    q.bind(1, static_cast<int64_t>(id));
    auto all = query_releases(q);
    if (all.empty())
        return std::nullopt;
    return std::move(all.front());
}

std::vector<Release> SqliteTx::list_releases() {
    SQLite::Statement& q = prepare(std::string("SELECT ") + kReleaseColumns +
                                   " FROM releases ORDER BY hw_id, version_key DESC");
    return query_releases(q);
}

std::optional<Release> SqliteTx::release_by_version(uint32_t hw_id, uint64_t version_key) {
    SQLite::Statement& q = prepare(std::string("SELECT ") + kReleaseColumns +
                                   " FROM releases WHERE hw_id = ? AND version_key = ?");
    q.bind(1, static_cast<int64_t>(hw_id));
    q.bind(2, static_cast<int64_t>(version_key));
    auto all = query_releases(q);
    if (all.empty())
        return std::nullopt;
    return std::move(all.front());
}

std::vector<std::string> SqliteTx::release_uses(int64_t id) {
    std::vector<std::string> uses;
    SQLite::Statement& pinned =
        prepare("SELECT name FROM devices WHERE pinned_release_id = ? LIMIT 5");
    pinned.bind(1, static_cast<int64_t>(id));
    while (pinned.executeStep())
        uses.push_back("pinned on device " + pinned.getColumn(0).getString());
    SQLite::Statement& tags =
        prepare("SELECT tag FROM tag_assignments WHERE release_id = ? LIMIT 5");
    tags.bind(1, static_cast<int64_t>(id));
    while (tags.executeStep())
        uses.push_back("assigned to tag " + tags.getColumn(0).getString());
    SQLite::Statement& busy = prepare(
        "SELECT name FROM devices WHERE target_release_id = ? AND state IN "
        "('offered','downloading','verified','pending_reboot','trial') LIMIT 5");
    busy.bind(1, static_cast<int64_t>(id));
    while (busy.executeStep())
        uses.push_back("being installed by device " + busy.getColumn(0).getString());
    SQLite::Statement& rollouts =
        prepare("SELECT id, state FROM rollouts WHERE release_id = ? ORDER BY id LIMIT 5");
    rollouts.bind(1, static_cast<int64_t>(id));
    while (rollouts.executeStep()) {
        uses.push_back("used by rollout " + std::to_string(rollouts.getColumn(0).getInt64()) +
                       " (" + rollouts.getColumn(1).getString() + ")");
    }
    return uses;
}

void SqliteTx::delete_release(int64_t id) {
    // Devices that finished with this release keep their history; only the link goes.
    SQLite::Statement& clear =
        prepare("UPDATE devices SET target_release_id = NULL WHERE target_release_id = ?");
    clear.bind(1, static_cast<int64_t>(id));
    clear.exec();
    SQLite::Statement& q = prepare("DELETE FROM releases WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id));
    q.exec();
}

void SqliteTx::add_release_bytes(int64_t id, uint64_t bytes) {
    SQLite::Statement& q =
        prepare("UPDATE releases SET bytes_served = bytes_served + ? WHERE id = ?");
    q.bind(1, static_cast<int64_t>(bytes));
    q.bind(2, static_cast<int64_t>(id));
    q.exec();
}

// ---- devices --------------------------------------------------------------------------------

int64_t SqliteTx::insert_device(const Device& d) {
    SQLite::Statement& q =
        prepare("INSERT INTO devices (name, hw_id, secret, created_at) VALUES (?, ?, ?, ?)");
    q.bind(1, d.name);
    q.bind(2, static_cast<int64_t>(d.hw_id));
    bind_bytes(q, 3, d.secret);
    q.bind(4, static_cast<int64_t>(d.created_at));
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        if (is_unique_violation(e))
            throw ConflictError("device " + d.name + " already exists");
        throw;
    }
    int64_t id = db_.getLastInsertRowid();
    if (!d.tags.empty())
        set_device_tags(id, d.tags);
    return id;
}

void SqliteTx::load_tags(Device& d) {
    SQLite::Statement& q = prepare("SELECT tag FROM device_tags WHERE device_id = ? ORDER BY tag");
    q.bind(1, static_cast<int64_t>(d.id));
    while (q.executeStep())
        d.tags.push_back(q.getColumn(0).getString());
}

std::vector<Device> SqliteTx::query_devices(SQLite::Statement& q, bool with_tags) {
    std::vector<Device> out;
    while (q.executeStep()) {
        Device d;
        d.id = q.getColumn(0).getInt64();
        d.name = q.getColumn(1).getString();
        d.hw_id = static_cast<uint32_t>(q.getColumn(2).getInt64());
        d.secret = col_bytes(q.getColumn(3));
        d.counter = static_cast<uint64_t>(q.getColumn(4).getInt64());
        d.version = q.getColumn(5).getString();
        d.slot = q.getColumn(6).getInt();
        d.security_counter = static_cast<uint32_t>(q.getColumn(7).getInt64());
        d.boot_state = q.getColumn(8).getInt();
        d.last_seen = col_opt(q.getColumn(9));
        d.state = q.getColumn(10).getString();
        d.last_result = q.getColumn(11).getString();
        d.last_reason = q.getColumn(12).getInt();
        d.target_release_id = col_opt(q.getColumn(13));
        d.pinned_release_id = col_opt(q.getColumn(14));
        d.bytes_served = static_cast<uint64_t>(q.getColumn(15).getInt64());
        d.created_at = q.getColumn(16).getInt64();
        d.target_slot = q.getColumn(17).getInt();
        d.target_rollout_id = col_opt(q.getColumn(18));
        out.push_back(std::move(d));
    }
    if (with_tags) {
        for (Device& d : out)
            load_tags(d);
    }
    return out;
}

std::optional<Device> SqliteTx::device_by_name(const std::string& name) {
    SQLite::Statement& q =
        prepare(std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE name = ?");
    q.bind(1, name);
    auto all = query_devices(q);
    if (all.empty())
        return std::nullopt;
    return std::move(all.front());
}

std::optional<Device> SqliteTx::device_for_poll(const std::string& name) {
    static const std::string sql =
        std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE name = ?";
    SQLite::Statement& q = prepare(sql);
    q.bind(1, name);
    auto all = query_devices(q, false);
    if (all.empty())
        return std::nullopt;
    return std::move(all.front());
}

std::optional<Device> SqliteTx::device_by_id(int64_t id) {
    SQLite::Statement& q =
        prepare(std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id));
    auto all = query_devices(q);
    if (all.empty())
        return std::nullopt;
    return std::move(all.front());
}

namespace {
std::string device_where(const DeviceFilter& f) {
    std::string w = " WHERE 1=1";
    if (f.tag)
        w += " AND id IN (SELECT device_id FROM device_tags WHERE tag = :tag)";
    if (f.version)
        w += " AND version = :version";
    if (f.state)
        w += " AND state = :state";
    if (f.name_contains)
        w += " AND instr(name, :name) > 0";
    if (f.seen_since)
        w += " AND last_seen >= :seen_since";
    if (f.unseen_since)
        w += " AND (last_seen IS NULL OR last_seen < :unseen_since)";
    return w;
}
void bind_filter(SQLite::Statement& q, const DeviceFilter& f) {
    if (f.tag)
        q.bind(":tag", *f.tag);
    if (f.version)
        q.bind(":version", *f.version);
    if (f.state)
        q.bind(":state", *f.state);
    if (f.name_contains)
        q.bind(":name", *f.name_contains);
    if (f.seen_since)
        q.bind(":seen_since", static_cast<int64_t>(*f.seen_since));
    if (f.unseen_since)
        q.bind(":unseen_since", static_cast<int64_t>(*f.unseen_since));
}
}  // namespace

std::vector<Device> SqliteTx::list_devices(const DeviceFilter& f) {
    SQLite::Statement& q = prepare(std::string("SELECT ") + kDeviceColumns + " FROM devices" +
                                   device_where(f) + " ORDER BY name LIMIT :limit OFFSET :offset");
    bind_filter(q, f);
    q.bind(":limit", static_cast<int64_t>(f.limit));
    q.bind(":offset", static_cast<int64_t>(f.offset));
    return query_devices(q);
}

int64_t SqliteTx::count_devices(const DeviceFilter& f) {
    SQLite::Statement& q = prepare("SELECT COUNT(*) FROM devices" + device_where(f));
    bind_filter(q, f);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

int64_t SqliteTx::count_devices() {
    return db_.execAndGet("SELECT COUNT(*) FROM devices").getInt64();
}

namespace {
// The columns both device updates write, bound as parameters 1..12 by bind_device_columns.
constexpr const char* kDeviceUpdate =
    "UPDATE devices SET version = ?, slot = ?, security_counter = ?, boot_state = ?, "
    "last_seen = ?, state = ?, last_result = ?, last_reason = ?, target_release_id = ?, "
    "pinned_release_id = ?, target_slot = ?, target_rollout_id = ?";

void bind_device_columns(SQLite::Statement& q, const Device& d) {
    q.bind(1, d.version);
    q.bind(2, d.slot);
    q.bind(3, static_cast<int64_t>(d.security_counter));
    q.bind(4, d.boot_state);
    bind_opt(q, 5, d.last_seen);
    q.bind(6, d.state);
    q.bind(7, d.last_result);
    q.bind(8, d.last_reason);
    bind_opt(q, 9, d.target_release_id);
    bind_opt(q, 10, d.pinned_release_id);
    q.bind(11, d.target_slot);
    bind_opt(q, 12, d.target_rollout_id);
}
}  // namespace

void SqliteTx::update_device(const Device& d) {
    static const std::string sql = std::string(kDeviceUpdate) + " WHERE id = ?";
    SQLite::Statement& q = prepare(sql);
    bind_device_columns(q, d);
    q.bind(13, static_cast<int64_t>(d.id));
    q.exec();
}

bool SqliteTx::update_device_after_poll(const Device& d, uint64_t n) {
    static const std::string sql =
        std::string(kDeviceUpdate) + ", counter = ? WHERE id = ? AND counter < ?";
    SQLite::Statement& q = prepare(sql);
    bind_device_columns(q, d);
    q.bind(13, static_cast<int64_t>(n));
    q.bind(14, static_cast<int64_t>(d.id));
    q.bind(15, static_cast<int64_t>(n));
    return q.exec() == 1;
}

void SqliteTx::set_device_tags(int64_t device_id, const std::vector<std::string>& tags) {
    SQLite::Statement& del = prepare("DELETE FROM device_tags WHERE device_id = ?");
    del.bind(1, static_cast<int64_t>(device_id));
    del.exec();
    for (const std::string& tag : tags) {
        SQLite::Statement& q = prepare(
            "INSERT INTO device_tags (device_id, tag) VALUES (?, ?) "
            "ON CONFLICT DO NOTHING");
        q.bind(1, static_cast<int64_t>(device_id));
        q.bind(2, tag);
        q.exec();
    }
}

void SqliteTx::delete_device(int64_t device_id) {
    SQLite::Statement& q = prepare("DELETE FROM devices WHERE id = ?");
    q.bind(1, static_cast<int64_t>(device_id));
    q.exec();
}

void SqliteTx::add_device_bytes(int64_t device_id, uint64_t bytes) {
    SQLite::Statement& q =
        prepare("UPDATE devices SET bytes_served = bytes_served + ? WHERE id = ?");
    q.bind(1, static_cast<int64_t>(bytes));
    q.bind(2, static_cast<int64_t>(device_id));
    q.exec();
}

FleetSummary SqliteTx::fleet_summary(int64_t seen_since) {
    FleetSummary out;
    SQLite::Statement& totals = prepare(
        "SELECT COUNT(*), COALESCE(SUM(last_seen >= ?), 0), COALESCE(SUM(last_seen IS NULL), 0) "
        "FROM devices");
    totals.bind(1, static_cast<int64_t>(seen_since));
    totals.executeStep();
    out.devices = totals.getColumn(0).getInt64();
    out.seen_recently = totals.getColumn(1).getInt64();
    out.never_seen = totals.getColumn(2).getInt64();
    SQLite::Statement& versions = prepare(
        "SELECT version, COUNT(*) FROM devices GROUP BY version ORDER BY COUNT(*) DESC, version");
    while (versions.executeStep())
        out.versions.emplace_back(versions.getColumn(0).getString(), versions.getColumn(1).getInt64());
    SQLite::Statement& states =
        prepare("SELECT state, COUNT(*) FROM devices GROUP BY state ORDER BY state");
    while (states.executeStep())
        out.states.emplace_back(states.getColumn(0).getString(), states.getColumn(1).getInt64());
    SQLite::Statement& failures = prepare(
        "SELECT last_reason, COUNT(*) FROM devices WHERE state IN ('rolled_back', 'failed') "
        "GROUP BY last_reason ORDER BY COUNT(*) DESC");
    while (failures.executeStep())
        out.failures.emplace_back(failures.getColumn(0).getInt(), failures.getColumn(1).getInt64());
    return out;
}

// ---- assignments ----------------------------------------------------------------------------

void SqliteTx::put_tag_assignment(const TagAssignment& a) {
    SQLite::Statement& q = prepare(
        "INSERT INTO tag_assignments (tag, release_id, assigned_at) VALUES (?, ?, ?) "
        "ON CONFLICT (tag) DO UPDATE SET release_id = excluded.release_id, "
        "assigned_at = excluded.assigned_at");
    q.bind(1, a.tag);
    q.bind(2, static_cast<int64_t>(a.release_id));
    q.bind(3, static_cast<int64_t>(a.assigned_at));
    q.exec();
}

bool SqliteTx::delete_tag_assignment(const std::string& tag) {
    SQLite::Statement& q = prepare("DELETE FROM tag_assignments WHERE tag = ?");
    q.bind(1, tag);
    return q.exec() > 0;
}

std::vector<TagAssignment> SqliteTx::list_tag_assignments() {
    SQLite::Statement& q =
        prepare("SELECT tag, release_id, assigned_at FROM tag_assignments ORDER BY tag");
    std::vector<TagAssignment> out;
    while (q.executeStep()) {
        out.push_back(
            {q.getColumn(0).getString(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64()});
    }
    return out;
}

// The newest is picked here, not with ORDER BY ... LIMIT 1: for that SQLite opened and closed a
// temporary B-tree on every poll, even for a device without tags, and it cost more than the
// lookup itself. A device has few tags, so few rows come back.
std::optional<TagAssignment> SqliteTx::assignment_for_device(int64_t device_id) {
    SQLite::Statement& q = prepare(
        "SELECT a.tag, a.release_id, a.assigned_at, a.rowid "
        "FROM device_tags t "
        "JOIN tag_assignments a ON a.tag = t.tag "
        "JOIN releases r ON r.id = a.release_id "
        "JOIN devices d ON d.id = t.device_id AND d.hw_id = r.hw_id "
        "WHERE t.device_id = ?");
    q.bind(1, static_cast<int64_t>(device_id));
    std::optional<TagAssignment> newest;
    int64_t newest_rowid = 0;
    while (q.executeStep()) {
        int64_t assigned_at = q.getColumn(2).getInt64();
        int64_t rowid = q.getColumn(3).getInt64();
        if (newest && std::pair(assigned_at, rowid) <= std::pair(newest->assigned_at, newest_rowid))
            continue;
        newest = TagAssignment{q.getColumn(0).getString(), q.getColumn(1).getInt64(), assigned_at};
        newest_rowid = rowid;
    }
    return newest;
}

// ---- events ---------------------------------------------------------------------------------

int64_t SqliteTx::insert_event(const DeviceEvent& e) {
    SQLite::Statement& q = prepare(
        "INSERT INTO device_events (device_id, at, kind, release_id, version, "
        "slot, progress, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, static_cast<int64_t>(e.device_id));
    q.bind(2, static_cast<int64_t>(e.at));
    q.bind(3, e.kind);
    bind_opt(q, 4, e.release_id);
    q.bind(5, e.version);
    bind_opt(q, 6, e.slot ? std::optional<int64_t>(*e.slot) : std::nullopt);
    bind_opt(q, 7,
             e.progress ? std::optional<int64_t>(static_cast<int64_t>(*e.progress)) : std::nullopt);
    q.bind(8, e.reason);
    q.bind(9, e.detail);
    q.exec();
    return db_.getLastInsertRowid();
}

std::vector<DeviceEvent> SqliteTx::list_events(int64_t device_id, int64_t limit) {
    SQLite::Statement& q = prepare(
        "SELECT id, device_id, at, kind, release_id, version, slot, progress, "
        "reason, detail FROM device_events WHERE device_id = ? "
        "ORDER BY id DESC LIMIT ?");
    q.bind(1, static_cast<int64_t>(device_id));
    q.bind(2, static_cast<int64_t>(limit));
    std::vector<DeviceEvent> out;
    while (q.executeStep()) {
        DeviceEvent e;
        e.id = q.getColumn(0).getInt64();
        e.device_id = q.getColumn(1).getInt64();
        e.at = q.getColumn(2).getInt64();
        e.kind = q.getColumn(3).getString();
        e.release_id = col_opt(q.getColumn(4));
        e.version = q.getColumn(5).getString();
        if (auto s = col_opt(q.getColumn(6)))
            e.slot = static_cast<int>(*s);
        if (auto p = col_opt(q.getColumn(7)))
            e.progress = static_cast<uint64_t>(*p);
        e.reason = q.getColumn(8).getInt();
        e.detail = q.getColumn(9).getString();
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace ferry::store
