// Consent-based sharing with the clinic and its audit trail (docs/api.md,
// "Consent, staff reads and the audit log"):
//   POST    /api/v1/consents          grant: {"parts": [...], "until": RFC 3339}
//   GET     /api/v1/consents          the caller's own, with their status
//   DELETE  /api/v1/consents/{id}     revoke at once
//   GET     /api/v1/me/audit          who read the caller's record, what and why
// and, for staff (role clinician or admin; anyone else gets 403):
//   GET     /api/v1/patients                  the patients who share now, and what
//   GET     /api/v1/patients/{id}/{part}      part: diary, questionnaires, triage, sessions
//   GET     /api/v1/audit                     admins only: the whole log, newest first, paged
//
// A staff read of a part answers 404, exactly as for a patient who does not
// exist, unless a consent of that patient active at that moment covers the
// part; so staff cannot probe who uses the app. Each successful read appends
// a row to the audit log before the answer is sent, and no answer goes out
// when that fails. No route changes or deletes an audit row.
//
// Thread-safe as far as the Store is; they block on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "hipcoach/core/protocol.h"
#include "hipcoach/storage/store.h"
#include "message.h"

namespace hipcoach::server {

inline constexpr std::string_view kConsentsPath = "/api/v1/consents";
inline constexpr std::string_view kPatientsPath = "/api/v1/patients";
inline constexpr std::string_view kMyAuditPath = "/api/v1/me/audit";
inline constexpr std::string_view kAuditPath = "/api/v1/audit";

// The longest a consent may run, from the moment it is given.
inline constexpr std::chrono::days kMaxConsentDays{365};
// The reason recorded for a staff read without ?reason=.
inline constexpr std::string_view kDefaultReadReason = "clinical care";

// True when `path` (decoded, without the query) is one of the routes above.
bool is_consent_route(std::string_view path);

// Who calls and when.
struct ConsentRouteContext {
  const core::Protocol& protocol;  // For the questionnaires' score ranges.
  storage::Store& store;
  std::int64_t user_id = 0;
  std::chrono::sys_seconds now{};
  // The request's id (Request::request_id), for the audit
  // rows it writes; empty when it has none.
  std::string request_id{};
};

// Answers a request to a route of is_consent_route, with `query` the raw
// query string. REQUIRES: the caller is authenticated (and a change made
// with the cookie carried this server's Origin). May throw only what
// allocation throws (the Api catches it).
Response handle_consent_route(const ConsentRouteContext& context, const Request& request,
                              std::string_view path, std::string_view query);

}  // namespace hipcoach::server
