// The pure parts of a rollout: who is in it and in which wave. No store, no clock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/types.h"

namespace ferry::rollout {

// A device's place in a rollout's order: the first 63 bits of
// SHA-256("ferry-rollout:<rollout id>:<device name>"). The same for every instance and every run,
// independent of the order devices were registered in, and different per rollout so that the
// first wave is not always the same unlucky devices.
int64_t member_rank(int64_t rollout_id, const std::string& device_name);

// How many of n devices (in rank order) each wave reaches, cumulative: a percent wave reaches
// ceil(p * n / 100) (at least one device once p > 0 and n > 0), a count wave min(count, n).
// Never decreasing, and the last wave always reaches all n.
std::vector<size_t> wave_reach(const std::vector<store::WaveSpec>& waves, size_t n);

// The wave of the device at `position` (0-based, rank order) for the given reach.
int wave_of_position(const std::vector<size_t>& reach, size_t position);

// Whether the target selects the device (id, name, version and tags must be filled): every
// condition that is set must hold: one of the names, one of the tags, one of the versions.
bool target_selects(const store::RolloutTarget& target, const store::Device& device);

// The rollout's waves as the operator gave them, checked: 1..20 waves, percents 1..100 and
// increasing, counts >= 1 and increasing. A 100 % wave is appended when the last reaches less,
// so that a rollout always ends with the whole target. Returns an error text or "".
std::string normalise_waves(std::vector<store::WaveSpec>& waves);

}  // namespace ferry::rollout
