// The guided session's routes (docs/api.md, "Guided sessions"):
//   GET  /api/v1/session-plan?triage=ID[&pain_limit=N]
//   GET  /api/v1/session-plan?groups=a,b&side=left|right|both[&pain_limit=N][&cautions=x,y]
//   POST /api/v1/sessions-log, and its older name POST /api/v1/guided-sessions
//   GET  /api/v1/sessions-log[?limit=N], GET /api/v1/sessions-log/{id}
// The Api calls them once it knows the caller (and has checked the Origin of
// a change made with the cookie): each acts only on the caller's records.
//
// Thread-safe as far as the Store is; they block on it (Api::lane puts them
// on the database lane).
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "hipcoach/core/protocol.h"
#include "hipcoach/storage/store.h"
#include "message.h"

namespace hipcoach::server {

inline constexpr std::string_view kSessionPlanPath = "/api/v1/session-plan";
inline constexpr std::string_view kSessionsLogPath = "/api/v1/sessions-log";
inline constexpr std::string_view kGuidedSessionsPath = "/api/v1/guided-sessions";

// True when `path` (decoded, without the query) is one of the routes above.
bool is_session_route(std::string_view path);

// Who calls and with what.
struct SessionRouteContext {
  const core::Protocol& protocol;
  storage::Store& store;
  std::int64_t user_id = 0;
  std::chrono::sys_seconds now{};
};

// Answers a request to one of the routes above. REQUIRES:
// is_session_route(path) and the caller is authenticated. May throw only
// what allocation throws (the Api catches it).
Response handle_session_route(const SessionRouteContext& context, const Request& request,
                              std::string_view path, std::string_view query);

}  // namespace hipcoach::server
