// Rollouts in and out of JSON: the operator's request (strictly checked) and the views the API
// and the dashboard show (per-wave counts by member state, bytes and their cost).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "store/types.h"

namespace ferry::api {

// The POST /api/v1/rollouts body as a rollout spec; 400 naming the field when it is wrong.
// What only the store can check (the release exists, waves in order) is the engine's.
store::Rollout rollout_from_json(const nlohmann::json& body);

// The rollout with its waves, member counts, progress, bytes served and their cost.
nlohmann::json rollout_json(const store::Rollout& r, const std::vector<store::MemberCount>& counts,
                            double price_per_mb);

nlohmann::json member_json(const store::RolloutMember& m);
nlohmann::json audit_json(const store::AuditEntry& e);

}  // namespace ferry::api
