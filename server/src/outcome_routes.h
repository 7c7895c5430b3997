// The clinic's outcomes dashboard over HTTP (docs/api.md, "Clinic
// outcomes"):
//   GET /api/v1/clinic/outcomes   staff only (clinician or admin; anyone
//                                 else gets 403, where "role"): the share
//                                 of consenting patients whose pain or
//                                 function changed meaningfully by week 8,
//                                 and their guided sessions
//                                 (service/outcomes.h); only aggregates.
//
// It reads the records of every patient whose active consent covers the
// pain diary, the questionnaires or the guided sessions, so it appends one
// audit row per patient counted (action "read", what "outcomes", why
// "clinic outcomes dashboard") before the answer leaves; no answer goes out
// when that fails. It takes no query parameters: any is a 400 naming it.
//
// Thread-safe as far as the Store is; it blocks on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "hipcoach/core/protocol.h"
#include "hipcoach/storage/store.h"
#include "message.h"

namespace hipcoach::server {

inline constexpr std::string_view kClinicOutcomesPath = "/api/v1/clinic/outcomes";
// What the audit rows of the dashboard say.
inline constexpr std::string_view kOutcomesAuditWhat = "outcomes";
inline constexpr std::string_view kOutcomesAuditWhy = "clinic outcomes dashboard";

// True when `path` (decoded, without the query) is the route above.
bool is_outcome_route(std::string_view path);

// Who calls and when.
struct OutcomeRouteContext {
  const core::Protocol& protocol;  // The questionnaires' thresholds and sources.
  storage::Store& store;
  std::int64_t user_id = 0;
  std::chrono::sys_seconds now{};
  // The request's id (Request::request_id), for the audit
  // rows; empty when it has none.
  std::string request_id{};
};

// Answers a request to the route of is_outcome_route, with `query` the raw
// query string. REQUIRES: the caller is authenticated. May throw only what
// allocation throws (the Api catches it).
Response handle_outcome_route(const OutcomeRouteContext& context, const Request& request,
                              std::string_view query);

}  // namespace hipcoach::server
