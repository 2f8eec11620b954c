// Records the store keeps. Plain values; no behaviour beyond naming.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"

namespace ferry::store {

enum class Role { viewer = 0, operator_ = 1, admin = 2 };
const char* role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct ApiToken {
    int64_t id = 0;
    std::string public_id;
    std::string name;
    Role role = Role::viewer;
    Bytes secret_hash;
    int64_t created_at = 0;
    std::optional<int64_t> last_used_at;
};

// A dashboard account.
struct User {
    int64_t id = 0;
    std::string name;
    Role role = Role::viewer;
    std::string password_hash;  // common/password.h
    int64_t created_at = 0;
    std::optional<int64_t> last_login_at;
};

// A dashboard login: the cookie's token is known only by its SHA-256.
struct Session {
    Bytes token_hash;
    int64_t user_id = 0;
    std::string csrf_token;
    int64_t created_at = 0;
    int64_t expires_at = 0;
    int64_t last_seen_at = 0;
};

struct ReleaseImage {
    int slot = 0;
    uint32_t load_addr = 0;
    uint32_t size = 0;
    std::string sha256;  // lowercase hex
};

struct Release {
    int64_t id = 0;
    uint32_t hw_id = 0;
    std::string version;
    uint64_t version_key = 0;
    uint32_t security_counter = 0;
    std::string key_id;
    std::string key_name;
    Bytes manifest;
    std::string notes;
    int64_t created_at = 0;
    std::string created_by;
    uint64_t bytes_served = 0;
    std::vector<ReleaseImage> images;  // by slot
};

// Update state of one device, as the server sees it.
//   new -> (offered -> downloading -> verified -> pending_reboot -> trial -> updated)
//   any of those -> rolled_back | failed | aborted; idle once nothing is assigned.
namespace state {
inline constexpr const char* kNew = "new";
inline constexpr const char* kIdle = "idle";
inline constexpr const char* kOffered = "offered";
inline constexpr const char* kDownloading = "downloading";
inline constexpr const char* kVerified = "verified";
inline constexpr const char* kPendingReboot = "pending_reboot";
inline constexpr const char* kTrial = "trial";
inline constexpr const char* kUpdated = "updated";
inline constexpr const char* kRolledBack = "rolled_back";
inline constexpr const char* kFailed = "failed";
inline constexpr const char* kAborted = "aborted";
}  // namespace state

struct Device {
    int64_t id = 0;
    std::string name;
    uint32_t hw_id = 0;
    Bytes secret;
    uint64_t counter = 0;
    std::string version;
    int slot = 0;
    uint32_t security_counter = 0;
    int boot_state = 0;
    std::optional<int64_t> last_seen;
    std::string state = state::kNew;
    std::string last_result;
    int last_reason = 0;
    std::optional<int64_t> target_release_id;
    int target_slot = 0;
    std::optional<int64_t> pinned_release_id;
    uint64_t bytes_served = 0;
    int64_t created_at = 0;
    std::optional<int64_t> target_rollout_id;  // the rollout that set target_release_id
    std::vector<std::string> tags;
};

struct DeviceEvent {
    int64_t id = 0;
    int64_t device_id = 0;
    int64_t at = 0;
    std::string kind;
    std::optional<int64_t> release_id;
    std::string version;
    std::optional<int> slot;
    std::optional<uint64_t> progress;
    int reason = 0;
    std::string detail;
};

struct TagAssignment {
    std::string tag;
    int64_t release_id = 0;
    int64_t assigned_at = 0;
};

// ---- rollouts (server/rollout/) ------------------------------------------------------------

namespace rollout_state {
inline constexpr const char* kScheduled = "scheduled";
inline constexpr const char* kRunning = "running";
inline constexpr const char* kPaused = "paused";
inline constexpr const char* kCompleted = "completed";
inline constexpr const char* kAborted = "aborted";
}  // namespace rollout_state

// Where one member device stands in its rollout.
namespace member_state {
inline constexpr const char* kPending = "pending";          // its wave not open, or not started
inline constexpr const char* kDownloading = "downloading";  // offered, fetching the image
inline constexpr const char* kInstalled = "installed";      // verified, rebooting or on trial
inline constexpr const char* kConfirmed = "confirmed";      // checked in from the new slot
inline constexpr const char* kRolledBack = "rolled_back";
inline constexpr const char* kFailed = "failed";
// Not confirmed within the deadline of its offer (a failure), or, never offered, its device
// silent for the deadline since its wave opened (not the release's failure).
inline constexpr const char* kTimedOut = "timed_out";
// Stopped: an abort of the rollout, a pin, a newer rollout, or a device that cannot take it.
inline constexpr const char* kAborted = "aborted";
inline constexpr const char* kAll[] = {kPending,    kDownloading, kInstalled, kConfirmed,
                                       kRolledBack, kFailed,      kTimedOut,  kAborted};
}  // namespace member_state

// How far a wave reaches, counted from the start of the rollout's order (cumulative).
struct WaveSpec {
    enum class Kind { percent, count } kind = Kind::percent;
    uint32_t value = 100;
};

struct RolloutTarget {
    std::vector<std::string> tags;      // any of them (empty: no tag condition)
    std::vector<std::string> devices;   // device names (empty: no such condition)
    std::vector<std::string> versions;  // running one of them (empty: any)
};

struct Rollout {
    int64_t id = 0;
    std::string name;
    int64_t release_id = 0;
    uint32_t hw_id = 0;  // of the release, read with it (not stored twice)
    std::string release_version;
    uint64_t release_version_key = 0;
    uint32_t release_counter = 0;  // the release's security counter
    std::string state = rollout_state::kScheduled;
    std::string pause_reason;
    RolloutTarget target;
    std::vector<WaveSpec> waves;
    int current_wave = 0;
    uint32_t success_percent = 95;
    uint32_t failure_count = 0;
    uint32_t failure_percent = 0;
    int64_t device_deadline = 86400;
    uint32_t max_downloads = 0;
    std::optional<int64_t> start_at;
    int64_t created_at = 0;
    std::string created_by;
    int64_t updated_at = 0;
};

struct RolloutMember {
    int64_t rollout_id = 0;
    int64_t device_id = 0;
    std::string device_name;  // read only, joined from devices
    int wave = 0;
    int64_t rank = 0;
    std::string state = member_state::kPending;
    int64_t joined_at = 0;
    std::optional<int64_t> waiting_since;  // when its wave opened (or it joined an open one)
    std::optional<int64_t> offered_at;
    std::optional<int64_t> finished_at;
    int reason = 0;
    uint64_t bytes_served = 0;
    bool forgiven = false;  // in a failure state that a resume answered (cleared on leaving it)
};

// Members of one rollout grouped by (wave, state).
struct MemberCount {
    int wave = 0;
    std::string state;
    int64_t count = 0;
    int64_t offered = 0;   // of those, how many were ever offered the release
    int64_t forgiven = 0;  // of those, how many have a failure a resume answered
    uint64_t bytes = 0;
};

struct MemberFilter {
    std::optional<std::string> state;
    std::optional<int> wave;
    int64_t limit = 100;
    int64_t offset = 0;
};

// The fleet at a glance, for the dashboard's overview.
struct FleetSummary {
    int64_t devices = 0;
    int64_t seen_recently = 0;  // last seen at or after the given time
    int64_t never_seen = 0;
    std::vector<std::pair<std::string, int64_t>> versions;  // running version -> devices
    std::vector<std::pair<std::string, int64_t>> states;    // update state -> devices
    std::vector<std::pair<int, int64_t>> failures;  // last reason of failed/rolled back devices
};

struct AuditEntry {
    int64_t id = 0;
    int64_t at = 0;
    std::string actor;
    std::string action;
    std::optional<int64_t> rollout_id;
    std::string subject;
    std::string detail;
};

struct DeviceFilter {
    std::optional<std::string> tag;
    std::optional<std::string> version;
    std::optional<std::string> state;
    std::optional<std::string> name_contains;  // substring of the device id
    std::optional<int64_t> seen_since;         // last seen at or after
    std::optional<int64_t> unseen_since;       // not seen since (or never)
    int64_t limit = 100;
    int64_t offset = 0;
};

}  // namespace ferry::store
