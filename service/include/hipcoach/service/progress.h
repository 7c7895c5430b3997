// Progress for one person: pain from the diary and each questionnaire's
// scores, judged against measurement error and clinically meaningful change
// (core/stats.h), weekly averages, and pain around guided sessions. The JSON
// is the contract of GET /api/v1/progress (docs/api.md); the CLI's
// `hipcoach progress` prints the same report.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/result.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::service {

// Reads the user's diary, questionnaire responses and guided sessions from
// `store` and builds the report at `now` with "recent" judged over the last
// `weeks` (1..52; kInvalidInput where "weeks" otherwise). Store errors are
// passed on.
core::Result<nlohmann::json> progress_report(const core::Protocol& protocol, storage::Store& store,
                                             std::int64_t user_id, std::chrono::sys_seconds now,
                                             int weeks);

}  // namespace hipcoach::service
