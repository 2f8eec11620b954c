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

struct DeviceFilter {
    std::optional<std::string> tag;
    std::optional<std::string> version;
    std::optional<std::string> state;
    int64_t limit = 100;
    int64_t offset = 0;
};

}  // namespace ferry::store
