// Writing an operator's change to the audit log, in the transaction that makes the change (so
// the log never claims a change that rolled back, and never misses one that committed).
#pragma once

#include <optional>
#include <string>

#include "api/router.h"
#include "store/store.h"

namespace ferry::api {

inline void audit(store::Tx& tx, const RouteContext& ctx, int64_t now, std::string action,
                  std::string subject, std::string detail = {},
                  std::optional<int64_t> rollout_id = std::nullopt) {
    store::AuditEntry e;
    e.at = now;
    e.actor = ctx.actor;
    e.action = std::move(action);
    e.rollout_id = rollout_id;
    e.subject = std::move(subject);
    e.detail = std::move(detail);
    tx.insert_audit(e);
}

}  // namespace ferry::api
