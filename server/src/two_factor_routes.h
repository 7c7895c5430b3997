// The routes of two-step sign-in (docs/api.md, "Two-step sign-in"):
//   POST    /api/v1/sessions/two-factor             {"code"}: the second step of sign-in
//   GET     /api/v1/me/two-factor                   on, being set up, recovery codes left
//   POST    /api/v1/me/two-factor                   {"password"}: start: secret, URI, QR code
//   POST    /api/v1/me/two-factor/confirm           {"code"}: turn it on; the recovery codes, once
//   POST    /api/v1/me/two-factor/recovery-codes    {"code"}: a new set of recovery codes
//   DELETE  /api/v1/me/two-factor                   {"password", "code"}: turn it off (patients)
// Each needs a session: the Api calls handle_two_factor_route once it knows
// the caller, and lets a session that is not fully signed in reach only
// what its stage allows (stage_allows). Answers are never cached
// (Cache-Control: no-store): they hold secrets.
//
// Thread-safe as far as Accounts and the Store are; they block on them.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string_view>

#include "hipcoach/service/accounts.h"
#include "hipcoach/storage/store.h"
#include "message.h"

namespace hipcoach::server {

inline constexpr std::string_view kSecondStepPath = "/api/v1/sessions/two-factor";
inline constexpr std::string_view kTwoFactorPath = "/api/v1/me/two-factor";

// True when `path` (decoded, without the query) is one of the routes above.
bool is_two_factor_route(std::string_view path);

// Whether a session at `stage` may call `method` `path`: a fully signed-in
// one anything; one that needs its code only the second step, GET
// /api/v1/me and sign-out; one of staff without two-step sign-in only
// GET /api/v1/me, sign-out and /api/v1/me/two-factor...
bool stage_allows(storage::SessionStage stage, std::string_view method, std::string_view path);

// The problem a session at `stage` gets for a route stage_allows refuses:
// 401 (needs its code) or 403 (needs to set up two-step sign-in), where
// "two_factor". REQUIRES: stage is not kSignedIn.
Response stage_refusal(storage::SessionStage stage);

// The account as GET /api/v1/me shows it: service::to_json(user) with
// "two_factor" (on or not), and the session's "two_factor_required" and
// "two_factor_setup_required".
nlohmann::json account_json(const storage::User& user, bool two_factor,
                            storage::SessionStage stage);

struct TwoFactorRouteContext {
  service::Accounts& accounts;
  storage::Store& store;
  const service::Caller& caller;
  std::chrono::sys_seconds now{};
};

// Answers a request to a route of is_two_factor_route. REQUIRES: the caller
// is authenticated and stage_allows it. May throw only what allocation
// throws (the Api catches it).
Response handle_two_factor_route(const TwoFactorRouteContext& context, const Request& request,
                                 std::string_view path);

}  // namespace hipcoach::server
