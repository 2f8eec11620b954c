// The SQLite implementation of store::Tx: plain SQL over one connection that the caller holds.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace ferry::store {

// Prepared statements outlive a transaction (the store keeps them): parsing SQL anew for every
// poll cost more than running it. Looked up by the SQL text without building a string from it.
using StatementCache = std::map<std::string, std::unique_ptr<SQLite::Statement>, std::less<>>;

// Rollout targets and waves parsed, by their stored JSON text (which never changes once a
// rollout is made): every poll reads the live rollouts, and parsing the same small texts on
// each poll cost more than the query. Kept by the store, used by one transaction at a time.
struct RolloutPlanCache {
    std::map<std::string, RolloutTarget, std::less<>> targets;
    std::map<std::string, std::vector<WaveSpec>, std::less<>> waves;
};

class SqliteTx final : public Tx {
  public:
    // `used` is the store's scratch list of statements to reset: kept between transactions so
    // that a poll allocates nothing for it.
    SqliteTx(SQLite::Database& db, StatementCache& cache, std::vector<SQLite::Statement*>& used,
             RolloutPlanCache& plans)
        : db_(db), cache_(cache), used_(used), plans_(plans) {}
    ~SqliteTx() override;
    // Resets every statement this transaction used; call before COMMIT.
    void finish();

    std::optional<Bytes> get_setting(const std::string& key) override;
    void put_setting(const std::string& key, const Bytes& value) override;

    int64_t insert_token(const ApiToken& token) override;
    std::optional<ApiToken> token_by_public_id(const std::string& public_id) override;
    std::vector<ApiToken> list_tokens() override;
    bool delete_token(int64_t id) override;
    void touch_token(int64_t id, int64_t now) override;
    int64_t count_tokens() override;

    // accounts (sqlite_tx_accounts.cpp)
    int64_t insert_user(const User& user) override;
    std::optional<User> user_by_name(const std::string& name) override;
    std::optional<User> user_by_id(int64_t id) override;
    std::vector<User> list_users() override;
    void update_user(const User& user) override;
    bool delete_user(int64_t id) override;
    int64_t count_users(std::optional<Role> role) override;
    void insert_session(const Session& session) override;
    std::optional<Session> session_by_hash(const Bytes& token_hash) override;
    void touch_session(const Bytes& token_hash, int64_t now) override;
    void delete_session(const Bytes& token_hash) override;
    void delete_user_sessions(int64_t user_id) override;
    void delete_expired_sessions(int64_t now) override;

    void insert_blob_if_absent(const std::string& sha256, uint64_t size, int64_t now) override;
    std::vector<std::string> list_blob_hashes() override;
    bool blob_referenced(const std::string& sha256) override;
    void delete_blob_row(const std::string& sha256) override;
    int64_t insert_release(const Release& release) override;
    std::optional<Release> release_by_id(int64_t id) override;
    std::vector<Release> list_releases() override;
    std::optional<Release> release_by_version(uint32_t hw_id, uint64_t version_key) override;
    std::vector<std::string> release_uses(int64_t id) override;
    void delete_release(int64_t id) override;
    void add_release_bytes(int64_t id, uint64_t bytes) override;

    int64_t insert_device(const Device& device) override;
    std::optional<Device> device_by_name(const std::string& name) override;
    std::optional<Device> device_by_id(int64_t id) override;
    std::optional<Device> device_for_poll(const std::string& name) override;
    std::vector<Device> list_devices(const DeviceFilter& filter) override;
    int64_t count_devices() override;
    int64_t count_devices(const DeviceFilter& filter) override;
    void update_device(const Device& device) override;
    bool update_device_after_poll(const Device& device, uint64_t n) override;
    void set_device_tags(int64_t device_id, const std::vector<std::string>& tags) override;
    void delete_device(int64_t device_id) override;
    void add_device_bytes(int64_t device_id, uint64_t bytes) override;
    FleetSummary fleet_summary(int64_t seen_since) override;

    void put_tag_assignment(const TagAssignment& a) override;
    bool delete_tag_assignment(const std::string& tag) override;
    std::vector<TagAssignment> list_tag_assignments() override;
    std::optional<TagAssignment> assignment_for_device(int64_t device_id) override;

    int64_t insert_event(const DeviceEvent& event) override;
    std::vector<DeviceEvent> list_events(int64_t device_id, int64_t limit) override;

    // rollouts (sqlite_tx_rollouts.cpp)
    int64_t insert_rollout(const Rollout& rollout) override;
    std::optional<Rollout> rollout_by_id(int64_t id) override;
    std::vector<Rollout> list_rollouts() override;
    std::vector<Rollout> live_rollouts(uint32_t hw_id) override;
    void update_rollout(const Rollout& rollout) override;
    void delete_rollout(int64_t id) override;
    std::vector<Device> devices_of_hw(uint32_t hw_id) override;
    void insert_member(const RolloutMember& member) override;
    std::optional<RolloutMember> member(int64_t rollout_id, int64_t device_id) override;
    void update_member(const RolloutMember& member) override;
    void forgive_failures(int64_t rollout_id) override;
    std::vector<RolloutMember> list_members(int64_t rollout_id,
                                            const MemberFilter& filter) override;
    std::vector<MemberCount> member_counts(int64_t rollout_id) override;
    int64_t count_members(int64_t rollout_id, const std::string& state) override;
    std::vector<RolloutMember> overdue_members(int64_t rollout_id, int64_t cutoff) override;
    void open_wave(int64_t rollout_id, int wave, int64_t now) override;
    std::vector<int64_t> supersede_pending(int64_t device_id, int64_t keep, int64_t below,
                                           int64_t now) override;
    std::vector<int64_t> supersede_pending_for(int64_t newer, int64_t now) override;
    void add_member_bytes(int64_t device_id, int64_t release_id, uint64_t bytes) override;
    int64_t insert_audit(const AuditEntry& entry) override;
    std::vector<AuditEntry> list_audit(std::optional<int64_t> rollout_id, int64_t limit) override;

  private:
    SQLite::Statement& prepare(std::string_view sql);
    std::vector<Rollout> query_rollouts(SQLite::Statement& q);
    std::vector<User> query_users(SQLite::Statement& q);
    std::vector<RolloutMember> query_members(SQLite::Statement& q);
    std::vector<Release> query_releases(SQLite::Statement& q);
    std::vector<Device> query_devices(SQLite::Statement& q, bool with_tags = true);
    void load_images(Release& r);
    void load_tags(Device& d);

    SQLite::Database& db_;
    StatementCache& cache_;
    std::vector<SQLite::Statement*>& used_;
    RolloutPlanCache& plans_;
};

}  // namespace ferry::store
