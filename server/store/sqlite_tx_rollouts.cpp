// SqliteTx: rollouts, their members and the audit log. The target and the waves are stored as
// small JSON texts: they are read whole and never queried by their parts.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "ferry/proto/device_api.h"
#include "store/sqlite_columns.h"
#include "store/sqlite_tx.h"

namespace ferry::store {
namespace {

using nlohmann::json;

std::string target_text(const RolloutTarget& t) {
    return json{{"tags", t.tags}, {"devices", t.devices}, {"versions", t.versions}}.dump();
}

RolloutTarget parse_target(const std::string& text) {
    json j = json::parse(text);
    RolloutTarget t;
    t.tags = j.value("tags", std::vector<std::string>{});
    t.devices = j.value("devices", std::vector<std::string>{});
    t.versions = j.value("versions", std::vector<std::string>{});
    return t;
}

std::string waves_text(const std::vector<WaveSpec>& waves) {
    json out = json::array();
    for (const WaveSpec& w : waves)
        out.push_back({{w.kind == WaveSpec::Kind::count ? "count" : "percent", w.value}});
    return out.dump();
}

std::vector<WaveSpec> parse_waves(const std::string& text) {
    std::vector<WaveSpec> out;
    for (const json& w : json::parse(text)) {
        if (w.contains("count")) {
            out.push_back({WaveSpec::Kind::count, w["count"].get<uint32_t>()});
        } else {
            out.push_back({WaveSpec::Kind::percent, w["percent"].get<uint32_t>()});
        }
    }
    return out;
}

// The parsed value of `text`, parsing it only the first time. The cache is bounded: emptied
// when it holds more texts than there can reasonably be live rollouts.
template <class T, class Parse>
T cached(std::map<std::string, T, std::less<>>& cache, std::string_view text, Parse parse) {
    auto it = cache.find(text);
    if (it != cache.end())
        return it->second;
    if (cache.size() >= 512)
        cache.clear();
    std::string key(text);
    T value = parse(key);
    cache.emplace(std::move(key), value);
    return value;
}

constexpr const char* kRolloutColumns =
    "r.id, r.name, r.release_id, rel.hw_id, r.state, r.pause_reason, r.target, r.waves, "
    "r.current_wave, r.success_percent, r.failure_count, r.failure_percent, "
    "r.device_deadline, r.max_downloads, r.start_at, r.created_at, r.created_by, r.updated_at, "
    "rel.version, rel.version_key, rel.security_counter";
constexpr const char* kRolloutFrom = " FROM rollouts r JOIN releases rel ON rel.id = r.release_id";

constexpr const char* kMemberColumns =
    "m.rollout_id, m.device_id, d.name, m.wave, m.rank, m.state, m.joined_at, m.offered_at, "
    "m.finished_at, m.reason, m.bytes_served, m.waiting_since, m.forgiven";
constexpr const char* kMemberFrom = " FROM rollout_members m JOIN devices d ON d.id = m.device_id";

}  // namespace

std::vector<Rollout> SqliteTx::query_rollouts(SQLite::Statement& q) {
    std::vector<Rollout> out;
    while (q.executeStep()) {
        Rollout r;
        r.id = q.getColumn(0).getInt64();
        r.name = q.getColumn(1).getString();
        r.release_id = q.getColumn(2).getInt64();
        r.hw_id = static_cast<uint32_t>(q.getColumn(3).getInt64());
        r.state = q.getColumn(4).getString();
        r.pause_reason = q.getColumn(5).getString();
        r.target = cached(plans_.targets, q.getColumn(6).getText(), parse_target);
        r.waves = cached(plans_.waves, q.getColumn(7).getText(), parse_waves);
        r.current_wave = q.getColumn(8).getInt();
        r.success_percent = static_cast<uint32_t>(q.getColumn(9).getInt64());
        r.failure_count = static_cast<uint32_t>(q.getColumn(10).getInt64());
        r.failure_percent = static_cast<uint32_t>(q.getColumn(11).getInt64());
        r.device_deadline = q.getColumn(12).getInt64();
        r.max_downloads = static_cast<uint32_t>(q.getColumn(13).getInt64());
        r.start_at = col_opt(q.getColumn(14));
        r.created_at = q.getColumn(15).getInt64();
        r.created_by = q.getColumn(16).getString();
        r.updated_at = q.getColumn(17).getInt64();
        r.release_version = q.getColumn(18).getString();
        r.release_version_key = static_cast<uint64_t>(q.getColumn(19).getInt64());
        r.release_counter = static_cast<uint32_t>(q.getColumn(20).getInt64());
        out.push_back(std::move(r));
    }
    return out;
}

int64_t SqliteTx::insert_rollout(const Rollout& r) {
    SQLite::Statement& q = prepare(
        "INSERT INTO rollouts (name, release_id, state, pause_reason, target, waves, "
        "current_wave, success_percent, failure_count, failure_percent, "
        "device_deadline, max_downloads, start_at, created_at, created_by, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, r.name);
    q.bind(2, static_cast<int64_t>(r.release_id));
    q.bind(3, r.state);
    q.bind(4, r.pause_reason);
    q.bind(5, target_text(r.target));
    q.bind(6, waves_text(r.waves));
    q.bind(7, r.current_wave);
    q.bind(8, static_cast<int64_t>(r.success_percent));
    q.bind(9, static_cast<int64_t>(r.failure_count));
    q.bind(10, static_cast<int64_t>(r.failure_percent));
    q.bind(11, static_cast<int64_t>(r.device_deadline));
    q.bind(12, static_cast<int64_t>(r.max_downloads));
    bind_opt(q, 13, r.start_at);
    q.bind(14, static_cast<int64_t>(r.created_at));
    q.bind(15, r.created_by);
    q.bind(16, static_cast<int64_t>(r.updated_at));
    q.exec();
    return db_.getLastInsertRowid();
}

std::optional<Rollout> SqliteTx::rollout_by_id(int64_t id) {
    static const std::string sql =
        std::string("SELECT ") + kRolloutColumns + kRolloutFrom + " WHERE r.id = ?";
    SQLite::Statement& q = prepare(sql);
    q.bind(1, static_cast<int64_t>(id));
    auto all = query_rollouts(q);
    if (all.empty())
        return std::nullopt;
    return std::move(all.front());
}

std::vector<Rollout> SqliteTx::list_rollouts() {
    static const std::string sql =
        std::string("SELECT ") + kRolloutColumns + kRolloutFrom + " ORDER BY r.id DESC";
    return query_rollouts(prepare(sql));
}

std::vector<Rollout> SqliteTx::live_rollouts(uint32_t hw_id) {
    static const std::string sql = std::string("SELECT ") + kRolloutColumns + kRolloutFrom +
                                   " WHERE rel.hw_id = ? AND r.state != 'aborted' "
                                   "ORDER BY r.id DESC";
    SQLite::Statement& q = prepare(sql);
    q.bind(1, static_cast<int64_t>(hw_id));
    return query_rollouts(q);
}

void SqliteTx::update_rollout(const Rollout& r) {
    SQLite::Statement& q = prepare(
        "UPDATE rollouts SET state = ?, pause_reason = ?, current_wave = ?, updated_at = ? "
        "WHERE id = ?");
    q.bind(1, r.state);
    q.bind(2, r.pause_reason);
    q.bind(3, r.current_wave);
    q.bind(4, static_cast<int64_t>(r.updated_at));
    q.bind(5, static_cast<int64_t>(r.id));
    q.exec();
}

void SqliteTx::delete_rollout(int64_t id) {
    SQLite::Statement& clear =
        prepare("UPDATE devices SET target_rollout_id = NULL WHERE target_rollout_id = ?");
    clear.bind(1, static_cast<int64_t>(id));
    clear.exec();
    SQLite::Statement& q = prepare("DELETE FROM rollouts WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id));
    q.exec();
}

// Two queries for the whole fleet of one hardware type, not one per device for its tags.
std::vector<Device> SqliteTx::devices_of_hw(uint32_t hw_id) {
    std::vector<Device> out;
    std::map<int64_t, size_t> index;
    SQLite::Statement& q =
        prepare("SELECT id, name, version FROM devices WHERE hw_id = ? ORDER BY id");
    q.bind(1, static_cast<int64_t>(hw_id));
    while (q.executeStep()) {
        Device d;
        d.id = q.getColumn(0).getInt64();
        d.name = q.getColumn(1).getString();
        d.version = q.getColumn(2).getString();
        d.hw_id = hw_id;
        index[d.id] = out.size();
        out.push_back(std::move(d));
    }
    SQLite::Statement& tags = prepare(
        "SELECT t.device_id, t.tag FROM device_tags t JOIN devices d ON d.id = t.device_id "
        "WHERE d.hw_id = ? ORDER BY t.device_id, t.tag");
    tags.bind(1, static_cast<int64_t>(hw_id));
    while (tags.executeStep()) {
        auto it = index.find(tags.getColumn(0).getInt64());
        if (it != index.end())
            out[it->second].tags.push_back(tags.getColumn(1).getString());
    }
    return out;
}

// ---- members --------------------------------------------------------------------------------

std::vector<RolloutMember> SqliteTx::query_members(SQLite::Statement& q) {
    std::vector<RolloutMember> out;
    while (q.executeStep()) {
        RolloutMember m;
        m.rollout_id = q.getColumn(0).getInt64();
        m.device_id = q.getColumn(1).getInt64();
        m.device_name = q.getColumn(2).getString();
        m.wave = q.getColumn(3).getInt();
        m.rank = q.getColumn(4).getInt64();
        m.state = q.getColumn(5).getString();
        m.joined_at = q.getColumn(6).getInt64();
        m.offered_at = col_opt(q.getColumn(7));
        m.finished_at = col_opt(q.getColumn(8));
        m.reason = q.getColumn(9).getInt();
        m.bytes_served = static_cast<uint64_t>(q.getColumn(10).getInt64());
        m.waiting_since = col_opt(q.getColumn(11));
        m.forgiven = q.getColumn(12).getInt() != 0;
        out.push_back(std::move(m));
    }
    return out;
}

void SqliteTx::insert_member(const RolloutMember& m) {
    SQLite::Statement& q = prepare(
        "INSERT INTO rollout_members (rollout_id, device_id, wave, rank, state, joined_at, "
        "offered_at, finished_at, reason, waiting_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, static_cast<int64_t>(m.rollout_id));
    q.bind(2, static_cast<int64_t>(m.device_id));
    q.bind(3, m.wave);
    q.bind(4, static_cast<int64_t>(m.rank));
    q.bind(5, m.state);
    q.bind(6, static_cast<int64_t>(m.joined_at));
    bind_opt(q, 7, m.offered_at);
    bind_opt(q, 8, m.finished_at);
    q.bind(9, m.reason);
    bind_opt(q, 10, m.waiting_since);
    q.exec();
}

// On the poll path: without the join for the device's name, which no caller of this needs.
std::optional<RolloutMember> SqliteTx::member(int64_t rollout_id, int64_t device_id) {
    static const std::string sql =
        "SELECT m.rollout_id, m.device_id, '', m.wave, m.rank, m.state, m.joined_at, "
        "m.offered_at, m.finished_at, m.reason, m.bytes_served, m.waiting_since, m.forgiven "
        "FROM rollout_members m WHERE m.rollout_id = ? AND m.device_id = ?";
    SQLite::Statement& q = prepare(sql);
    q.bind(1, static_cast<int64_t>(rollout_id));
    q.bind(2, static_cast<int64_t>(device_id));
    auto all = query_members(q);
    if (all.empty())
        return std::nullopt;
    return std::move(all.front());
}

void SqliteTx::update_member(const RolloutMember& m) {
    SQLite::Statement& q = prepare(
        "UPDATE rollout_members SET state = ?, offered_at = ?, finished_at = ?, reason = ?, "
        "forgiven = ? WHERE rollout_id = ? AND device_id = ?");
    q.bind(1, m.state);
    bind_opt(q, 2, m.offered_at);
    bind_opt(q, 3, m.finished_at);
    q.bind(4, m.reason);
    q.bind(5, m.forgiven ? 1 : 0);
    q.bind(6, static_cast<int64_t>(m.rollout_id));
    q.bind(7, static_cast<int64_t>(m.device_id));
    q.exec();
}

void SqliteTx::forgive_failures(int64_t rollout_id) {
    SQLite::Statement& q = prepare(
        "UPDATE rollout_members SET forgiven = 1 WHERE rollout_id = ? AND forgiven = 0 AND "
        "(state IN ('rolled_back', 'failed') OR (state = 'timed_out' AND offered_at IS NOT NULL))");
    q.bind(1, static_cast<int64_t>(rollout_id));
    q.exec();
}

std::vector<RolloutMember> SqliteTx::list_members(int64_t rollout_id, const MemberFilter& f) {
    std::string sql =
        std::string("SELECT ") + kMemberColumns + kMemberFrom + " WHERE m.rollout_id = :rollout";
    if (f.state)
        sql += " AND m.state = :state";
    if (f.wave)
        sql += " AND m.wave = :wave";
    sql += " ORDER BY m.rank LIMIT :limit OFFSET :offset";
    SQLite::Statement& q = prepare(sql);
    q.bind(":rollout", static_cast<int64_t>(rollout_id));
    if (f.state)
        q.bind(":state", *f.state);
    if (f.wave)
        q.bind(":wave", *f.wave);
    q.bind(":limit", static_cast<int64_t>(f.limit));
    q.bind(":offset", static_cast<int64_t>(f.offset));
    return query_members(q);
}

std::vector<MemberCount> SqliteTx::member_counts(int64_t rollout_id) {
    SQLite::Statement& q = prepare(
        "SELECT wave, state, members, offered, forgiven, bytes FROM rollout_member_counts "
        "WHERE rollout_id = ? AND members > 0 ORDER BY wave, state");
    q.bind(1, static_cast<int64_t>(rollout_id));
    std::vector<MemberCount> out;
    while (q.executeStep()) {
        out.push_back({q.getColumn(0).getInt(), q.getColumn(1).getString(),
                       q.getColumn(2).getInt64(), q.getColumn(3).getInt64(),
                       q.getColumn(4).getInt64(),
                       static_cast<uint64_t>(q.getColumn(5).getInt64())});
    }
    return out;
}

int64_t SqliteTx::count_members(int64_t rollout_id, const std::string& state) {
    SQLite::Statement& q = prepare(
        "SELECT COALESCE(SUM(members), 0) FROM rollout_member_counts "
        "WHERE rollout_id = ? AND state = ?");
    q.bind(1, static_cast<int64_t>(rollout_id));
    q.bind(2, state);
    q.executeStep();
    return q.getColumn(0).getInt64();
}

std::vector<RolloutMember> SqliteTx::overdue_members(int64_t rollout_id, int64_t cutoff) {
    static const std::string sql =
        std::string("SELECT ") + kMemberColumns + kMemberFrom +
        " WHERE m.rollout_id = :r AND ((m.state IN ('downloading', 'installed') AND "
        "m.offered_at < :cutoff) OR (m.state = 'pending' AND m.waiting_since < :cutoff AND "
        "(d.last_seen IS NULL OR d.last_seen < :cutoff)))";
    SQLite::Statement& q = prepare(sql);
    q.bind(":r", static_cast<int64_t>(rollout_id));
    q.bind(":cutoff", static_cast<int64_t>(cutoff));
    return query_members(q);
}

void SqliteTx::open_wave(int64_t rollout_id, int wave, int64_t now) {
    SQLite::Statement& q = prepare(
        "UPDATE rollout_members SET waiting_since = ? "
        "WHERE rollout_id = ? AND wave = ? AND waiting_since IS NULL");
    q.bind(1, static_cast<int64_t>(now));
    q.bind(2, static_cast<int64_t>(rollout_id));
    q.bind(3, wave);
    q.exec();
}

namespace {
std::vector<int64_t> changed_rollouts(SQLite::Statement& q) {
    std::vector<int64_t> out;
    while (q.executeStep()) {
        int64_t id = q.getColumn(0).getInt64();
        if (std::find(out.begin(), out.end(), id) == out.end())
            out.push_back(id);
    }
    return out;
}
}  // namespace

std::vector<int64_t> SqliteTx::supersede_pending(int64_t device_id, int64_t keep, int64_t below,
                                                 int64_t now) {
    SQLite::Statement& q = prepare(
        "UPDATE rollout_members SET state = 'aborted', finished_at = ?, reason = ? "
        "WHERE device_id = ? AND rollout_id != ? AND rollout_id < ? AND state = 'pending' "
        "RETURNING rollout_id");
    q.bind(1, static_cast<int64_t>(now));
    q.bind(2, static_cast<int>(proto::kReasonAbortedByServer));
    q.bind(3, static_cast<int64_t>(device_id));
    q.bind(4, static_cast<int64_t>(keep));
    q.bind(5, static_cast<int64_t>(below));
    return changed_rollouts(q);
}

std::vector<int64_t> SqliteTx::supersede_pending_for(int64_t newer, int64_t now) {
    SQLite::Statement& q = prepare(
        "UPDATE rollout_members SET state = 'aborted', finished_at = ?, reason = ? "
        "WHERE rollout_id < ? AND state = 'pending' AND device_id IN "
        "(SELECT device_id FROM rollout_members WHERE rollout_id = ?) RETURNING rollout_id");
    q.bind(1, static_cast<int64_t>(now));
    q.bind(2, static_cast<int>(proto::kReasonAbortedByServer));
    q.bind(3, static_cast<int64_t>(newer));
    q.bind(4, static_cast<int64_t>(newer));
    return changed_rollouts(q);
}

void SqliteTx::add_member_bytes(int64_t device_id, int64_t release_id, uint64_t bytes) {
    SQLite::Statement& q = prepare(
        "UPDATE rollout_members SET bytes_served = bytes_served + ? "
        "WHERE device_id = ? AND rollout_id = (SELECT target_rollout_id FROM devices WHERE id = ?) "
        "AND rollout_id IN (SELECT id FROM rollouts WHERE release_id = ?)");
    q.bind(1, static_cast<int64_t>(bytes));
    q.bind(2, static_cast<int64_t>(device_id));
    q.bind(3, static_cast<int64_t>(device_id));
    q.bind(4, static_cast<int64_t>(release_id));
    q.exec();
}

// ---- audit ----------------------------------------------------------------------------------

int64_t SqliteTx::insert_audit(const AuditEntry& e) {
    SQLite::Statement& q = prepare(
        "INSERT INTO audit_log (at, actor, action, rollout_id, subject, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, static_cast<int64_t>(e.at));
    q.bind(2, e.actor);
    q.bind(3, e.action);
    bind_opt(q, 4, e.rollout_id);
    q.bind(5, e.subject);
    q.bind(6, e.detail);
    q.exec();
    return db_.getLastInsertRowid();
}

std::vector<AuditEntry> SqliteTx::list_audit(std::optional<int64_t> rollout_id, int64_t limit) {
    SQLite::Statement& q = rollout_id
                               ? prepare(
                                     "SELECT id, at, actor, action, rollout_id, subject, detail "
                                     "FROM audit_log WHERE rollout_id = ? ORDER BY id DESC LIMIT ?")
                               : prepare(
                                     "SELECT id, at, actor, action, rollout_id, subject, detail "
                                     "FROM audit_log WHERE ? IS NULL ORDER BY id DESC LIMIT ?");
    bind_opt(q, 1, rollout_id);
    q.bind(2, static_cast<int64_t>(limit));
    std::vector<AuditEntry> out;
    while (q.executeStep()) {
        AuditEntry e;
        e.id = q.getColumn(0).getInt64();
        e.at = q.getColumn(1).getInt64();
        e.actor = q.getColumn(2).getString();
        e.action = q.getColumn(3).getString();
        e.rollout_id = col_opt(q.getColumn(4));
        e.subject = q.getColumn(5).getString();
        e.detail = q.getColumn(6).getString();
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace ferry::store
