// Ferry device API constants, shared by ferryd and the device agent. Spec: proto/device-api.md.
// Freestanding: this header includes nothing beyond <stdint.h>.
#pragma once

#include <stdint.h>

namespace ferry::proto {

// Paths are short on purpose: every byte of an idle poll is paid for on a cellular plan.
inline constexpr const char kPollPath[] = "/p";      // GET /p?<poll query>
inline constexpr const char kFetchPrefix[] = "/f/";  // GET|HEAD /f/<capability>[?r=a-b]

// Poll query parameters (all ASCII; order fixed by the MAC's canonical string).
//   d  device id            [A-Za-z0-9._-]{1,64}
//   n  counter              decimal u64, strictly increasing per device (replay guard)
//   v  running version      "major.minor.patch" or "major.minor.patch+build"
//   s  running slot         0 (A) or 1 (B)
//   k  running security counter, decimal u32
//   b  boot state           BootState
//   e  event being reported Event (optional, default kEventNone)
//   r  release id the event is about (optional)
//   p  progress in bytes (optional)
//   c  reason code          Reason (optional)
//   m  MAC                  lowercase hex of the first 16 bytes of HMAC-SHA256(secret, canonical)
inline constexpr uint32_t kMacBytes = 16;
inline constexpr uint32_t kDeviceSecretBytes = 32;
inline constexpr uint32_t kMaxDeviceIdLength = 64;

enum BootState : uint8_t {
    kBootConfirmed = 0,   // running a confirmed image
    kBootTrial = 1,       // running a new image on trial, not yet confirmed
    kBootRolledBack = 2,  // fell back to the previous image (reason in c)
};

enum Event : uint8_t {
    kEventNone = 0,
    kEventDownloading = 1,    // p = bytes written so far
    kEventVerified = 2,       // image in the inactive slot passed hash and signature checks
    kEventPendingReboot = 3,  // slot marked pending; rebooting into it
    kEventConfirmed = 4,      // new image confirmed after checking in from the new slot
    kEventRolledBack = 5,     // c = reason
    kEventFailed = 6,         // c = reason
};

enum Reason : uint16_t {
    kReasonNone = 0,
    kReasonSignatureInvalid = 1,
    kReasonHashMismatch = 2,
    kReasonHardwareMismatch = 3,
    kReasonSecurityCounterLower = 4,
    kReasonFlashError = 5,
    kReasonDownloadFailed = 6,
    kReasonTrialLimitReached = 7,   // the new image never confirmed within its boot attempts
    kReasonSelfTestFailed = 8,      // the application refused to confirm itself
    kReasonImageTooLarge = 9,
    kReasonManifestInvalid = 10,
    kReasonAbortedByServer = 11,
    kReasonKeyUnknown = 12,
    kReasonReasonMax = 12,
};

// Response body: "key=value" lines, '\n'-terminated, ASCII, at most kMaxResponseBytes. The last
// line is always "m=<mac>" over every byte before it, keyed with the device secret and bound to
// the poll's counter (see device-api.md), so a device can tell a genuine answer from a forged one.
inline constexpr uint32_t kMaxResponseBytes = 1024;

// a= values
inline constexpr const char kActionIdle[] = "idle";        // nothing to do; poll again in i s
inline constexpr const char kActionOffer[] = "offer";      // a release to download
inline constexpr const char kActionConfirm[] = "confirm";  // trial check-in accepted: confirm now
inline constexpr const char kActionAbort[] = "abort";      // stop the download in progress

// Range by query for modems or proxies that drop the Range header: r=a-b | r=a- | r=-n
inline constexpr const char kRangeQueryParam[] = "r";

}  // namespace ferry::proto
