// The store behind ferryd. SQLite is the embedded default; a PostgreSQL implementation of the
// same interface will let several ferryd instances share one fleet. Every decision that must hold
// across instances (replay guard, offers, state changes, counters) runs inside one transaction
// through Store::transact, so the logic is written once, above the backends.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/types.h"

namespace ferry::store {

// A unique key would be violated (duplicate version, device name, tag assignment...).
struct ConflictError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// The store cannot do its job (disk full, I/O error, locked too long). Not the client's fault.
struct StoreError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// One open transaction. Valid only inside the Store::transact callback that received it.
class Tx {
  public:
    virtual ~Tx() = default;

    // settings
    virtual std::optional<Bytes> get_setting(const std::string& key) = 0;
    virtual void put_setting(const std::string& key, const Bytes& value) = 0;

    // operator tokens
    virtual int64_t insert_token(const ApiToken& token) = 0;
    virtual std::optional<ApiToken> token_by_public_id(const std::string& public_id) = 0;
    virtual std::vector<ApiToken> list_tokens() = 0;
    virtual bool delete_token(int64_t id) = 0;
    virtual void touch_token(int64_t id, int64_t now) = 0;
    virtual int64_t count_tokens() = 0;

    // dashboard accounts and their sessions
    virtual int64_t insert_user(const User& user) = 0;  // ConflictError on a duplicate name
    virtual std::optional<User> user_by_name(const std::string& name) = 0;
    virtual std::optional<User> user_by_id(int64_t id) = 0;
    virtual std::vector<User> list_users() = 0;
    virtual void update_user(const User& user) = 0;  // role, password_hash, last_login_at
    virtual bool delete_user(int64_t id) = 0;        // and its sessions
    virtual int64_t count_users(std::optional<Role> role) = 0;
    virtual void insert_session(const Session& session) = 0;
    virtual std::optional<Session> session_by_hash(const Bytes& token_hash) = 0;
    virtual void touch_session(const Bytes& token_hash, int64_t now) = 0;
    virtual void delete_session(const Bytes& token_hash) = 0;
    virtual void delete_user_sessions(int64_t user_id) = 0;
    virtual void delete_expired_sessions(int64_t now) = 0;

    // blobs and releases
    virtual void insert_blob_if_absent(const std::string& sha256, uint64_t size, int64_t now) = 0;
    virtual std::vector<std::string> list_blob_hashes() = 0;
    virtual bool blob_referenced(const std::string& sha256) = 0;
    virtual void delete_blob_row(const std::string& sha256) = 0;
    // Throws ConflictError for a duplicate (hw_id, version).
    virtual int64_t insert_release(const Release& release) = 0;
    virtual std::optional<Release> release_by_id(int64_t id) = 0;
    virtual std::vector<Release> list_releases() = 0;
    virtual std::optional<Release> release_by_version(uint32_t hw_id, uint64_t version_key) = 0;
    // Where a release is still needed: "pinned by device x", "assigned to tag y", "target of
    // device z in progress". Empty when it can be deleted.
    virtual std::vector<std::string> release_uses(int64_t id) = 0;
    virtual void delete_release(int64_t id) = 0;
    virtual void add_release_bytes(int64_t id, uint64_t bytes) = 0;

    // devices
    virtual int64_t insert_device(const Device& device) = 0;  // ConflictError on duplicate name
    virtual std::optional<Device> device_by_name(const std::string& name) = 0;
    virtual std::optional<Device> device_by_id(int64_t id) = 0;
    // The hot path of every poll: the device without its tags.
    virtual std::optional<Device> device_for_poll(const std::string& name) = 0;
    virtual std::vector<Device> list_devices(const DeviceFilter& filter) = 0;
    virtual int64_t count_devices() = 0;
    virtual int64_t count_devices(const DeviceFilter& filter) = 0;  // limit/offset ignored
    // Writes every mutable column of `device` (not tags, not name, not secret, not counter).
    virtual void update_device(const Device& device) = 0;
    // The write that ends every poll: what update_device writes, plus counter = n, and only if n
    // is above the stored counter. That condition is the replay guard, checked by the write
    // itself so that it holds whatever the backend's isolation level. False = replay: nothing
    // was written, and the caller must throw so that the whole transaction rolls back.
    virtual bool update_device_after_poll(const Device& device, uint64_t n) = 0;
    virtual void set_device_tags(int64_t device_id, const std::vector<std::string>& tags) = 0;
    virtual void delete_device(int64_t device_id) = 0;
    virtual void add_device_bytes(int64_t device_id, uint64_t bytes) = 0;
    virtual FleetSummary fleet_summary(int64_t seen_since) = 0;

    // assignments
    virtual void put_tag_assignment(const TagAssignment& a) = 0;
    virtual bool delete_tag_assignment(const std::string& tag) = 0;
    virtual std::vector<TagAssignment> list_tag_assignments() = 0;
    // Newest assignment among the device's tags (the documented rule: last assigned wins).
    virtual std::optional<TagAssignment> assignment_for_device(int64_t device_id) = 0;

    // events
    virtual int64_t insert_event(const DeviceEvent& event) = 0;
    virtual std::vector<DeviceEvent> list_events(int64_t device_id, int64_t limit) = 0;

    // rollouts
    virtual int64_t insert_rollout(const Rollout& rollout) = 0;
    virtual std::optional<Rollout> rollout_by_id(int64_t id) = 0;
    virtual std::vector<Rollout> list_rollouts() = 0;  // newest first
    // The rollouts that may still hand out their release to a device of hw_id (every state but
    // aborted), newest first: what each poll looks through.
    virtual std::vector<Rollout> live_rollouts(uint32_t hw_id) = 0;
    // Writes state, pause_reason, current_wave and updated_at.
    virtual void update_rollout(const Rollout& rollout) = 0;
    virtual void delete_rollout(int64_t id) = 0;
    // Devices of one hardware type with id, name, version and tags filled (nothing else): the
    // candidates a new rollout's target is matched against.
    virtual std::vector<Device> devices_of_hw(uint32_t hw_id) = 0;

    virtual void insert_member(const RolloutMember& member) = 0;
    // device_name is left empty (the poll path does not need it; list_members fills it).
    virtual std::optional<RolloutMember> member(int64_t rollout_id, int64_t device_id) = 0;
    // Writes state, offered_at, finished_at, reason and forgiven.
    virtual void update_member(const RolloutMember& member) = 0;
    // Every member now failed (rolled back, failed, timed out after an offer) is forgiven.
    virtual void forgive_failures(int64_t rollout_id) = 0;
    virtual std::vector<RolloutMember> list_members(int64_t rollout_id,
                                                    const MemberFilter& filter) = 0;
    virtual std::vector<MemberCount> member_counts(int64_t rollout_id) = 0;
    virtual int64_t count_members(int64_t rollout_id, const std::string& state) = 0;
    // Members past the deadline at `cutoff`: downloading or installed and offered before it, or
    // pending, waiting since before it, and their device not seen since before it either.
    virtual std::vector<RolloutMember> overdue_members(int64_t rollout_id, int64_t cutoff) = 0;
    // The members of one wave start waiting (their wave opened).
    virtual void open_wave(int64_t rollout_id, int wave, int64_t now) = 0;
    // Pending members of the device in rollouts other than `keep` with ids below `below` become
    // aborted (a newer rollout or a pin has the device now). Returns the rollouts changed.
    virtual std::vector<int64_t> supersede_pending(int64_t device_id, int64_t keep, int64_t below,
                                                   int64_t now) = 0;
    // The same for every device that is a member of rollout `newer`, in older rollouts.
    virtual std::vector<int64_t> supersede_pending_for(int64_t newer, int64_t now) = 0;
    // Bytes of `release` served to a device count for the rollout its current target came from.
    virtual void add_member_bytes(int64_t device_id, int64_t release_id, uint64_t bytes) = 0;

    // audit log
    virtual int64_t insert_audit(const AuditEntry& entry) = 0;
    // Newest first; only one rollout's entries when rollout_id is set.
    virtual std::vector<AuditEntry> list_audit(std::optional<int64_t> rollout_id,
                                               int64_t limit) = 0;
};

// How transact_async ends: nullptr once the transaction has committed, otherwise what fn threw
// or why the commit failed (nothing of the transaction stays then).
using TxDone = std::function<void(std::exception_ptr)>;

class Store {
  public:
    virtual ~Store() = default;
    // Runs fn in one transaction: commit when it returns, roll back when it throws (the
    // exception propagates). Serialisable with respect to other transact calls.
    virtual void transact(const std::function<void(Tx&)>& fn) = 0;
    // The same transaction without waiting for it: fn runs later, possibly on another thread,
    // and done follows on that thread once the transaction is over. A backend may commit several
    // such transactions at once; each stays atomic, and done never comes before its commit.
    // done must be quick and must not call the store. This default runs both here and now.
    virtual void transact_async(std::function<void(Tx&)> fn, TxDone done) {
        std::exception_ptr error;
        try {
            transact(fn);
        } catch (...) {
            error = std::current_exception();
        }
        done(error);
    }
    // Human name of the backend and location, for logs ("sqlite:/var/lib/ferry/ferry.db").
    virtual std::string describe() const = 0;
};

}  // namespace ferry::store
