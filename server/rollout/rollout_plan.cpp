#include "rollout/rollout_plan.h"

#include <algorithm>

#include "common/crypto.h"
#include "common/version.h"

namespace ferry::rollout {

int64_t member_rank(int64_t rollout_id, const std::string& device_name) {
    std::string text = "ferry-rollout:" + std::to_string(rollout_id) + ":" + device_name;
    crypto::Sha256 h = crypto::sha256(text);
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v = (v << 8) | h[i];
    return static_cast<int64_t>(v >> 1);
}

std::vector<size_t> wave_reach(const std::vector<store::WaveSpec>& waves, size_t n) {
    std::vector<size_t> reach;
    size_t previous = 0;
    for (const store::WaveSpec& w : waves) {
        size_t r = 0;
        if (w.kind == store::WaveSpec::Kind::count) {
            r = std::min<size_t>(w.value, n);
        } else {
            r = (static_cast<uint64_t>(w.value) * n + 99) / 100;
            if (w.value > 0 && n > 0 && r == 0)
                r = 1;
            r = std::min(r, n);
        }
        previous = std::max(previous, r);
        reach.push_back(previous);
    }
    if (!reach.empty())
        reach.back() = n;
    return reach;
}

int wave_of_position(const std::vector<size_t>& reach, size_t position) {
    for (size_t i = 0; i < reach.size(); ++i) {
        if (position < reach[i])
            return static_cast<int>(i);
    }
    return reach.empty() ? 0 : static_cast<int>(reach.size() - 1);
}

namespace {
bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}
}  // namespace

bool target_selects(const store::RolloutTarget& target, const store::Device& device) {
    if (!target.devices.empty() && !contains(target.devices, device.name))
        return false;
    if (!target.versions.empty()) {
        // By version, not by text: "2.0.0" and "2.0.0+0" are one version.
        auto running = parse_version(device.version);
        bool any = running && std::any_of(target.versions.begin(), target.versions.end(),
                                          [&](const std::string& v) {
                                              auto want = parse_version(v);
                                              return want && want->key() == running->key();
                                          });
        if (!any)
            return false;
    }
    if (!target.tags.empty()) {
        bool any = std::any_of(device.tags.begin(), device.tags.end(),
                               [&](const std::string& t) { return contains(target.tags, t); });
        if (!any)
            return false;
    }
    return true;
}

std::string normalise_waves(std::vector<store::WaveSpec>& waves) {
    using Kind = store::WaveSpec::Kind;
    if (waves.empty())
        waves.push_back({Kind::percent, 100});
    if (waves.size() > 20)
        return "at most 20 waves";
    uint32_t last_percent = 0;
    uint32_t last_count = 0;
    for (const store::WaveSpec& w : waves) {
        if (w.kind == Kind::percent) {
            if (w.value < 1 || w.value > 100)
                return "a wave's percent must be 1..100";
            if (w.value <= last_percent)
                return "wave percents must increase (each wave reaches further than the last)";
            last_percent = w.value;
        } else {
            if (w.value < 1)
                return "a wave's count must be at least 1";
            if (w.value <= last_count)
                return "wave counts must increase (each wave reaches further than the last)";
            last_count = w.value;
        }
    }
    if (waves.back().kind == Kind::count || waves.back().value < 100)
        waves.push_back({Kind::percent, 100});
    return "";
}

}  // namespace ferry::rollout
