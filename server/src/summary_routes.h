// The clinician summary (service/summary.h) over HTTP (docs/api.md, "The
// summary for your clinician"):
//   GET /api/v1/me/summary          the caller's own summary as JSON
//   GET /api/v1/me/summary.pdf      the same as a one-page PDF to download
// and, for staff, through consent_routes.cc:
//   GET /api/v1/patients/{id}/summary.pdf
// which holds only the parts of the record the patient's active consent
// covers, answers 404 (as for a patient who does not exist) when it covers
// none, and appends an audit row ("read", "summary") before the answer goes.
//
// Every answer is private: Cache-Control no-store. Nothing of the record is
// logged. Thread-safe as far as the Store is; they block on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "hipcoach/core/protocol.h"
#include "hipcoach/storage/store.h"
#include "message.h"

namespace hipcoach::server {

inline constexpr std::string_view kMySummaryPath = "/api/v1/me/summary";
inline constexpr std::string_view kMySummaryPdfPath = "/api/v1/me/summary.pdf";
inline constexpr std::string_view kSummaryPdfSuffix = "/summary.pdf";

// Who calls and when.
struct SummaryRouteContext {
  const core::Protocol& protocol;
  storage::Store& store;
  std::int64_t user_id = 0;
  std::chrono::sys_seconds now{};
  // The request's id (Request::request_id), for the audit
  // rows it writes; empty when it has none.
  std::string request_id{};
};

// True for the caller's own summary routes (decoded path, no query).
bool is_summary_route(std::string_view path);

// Answers a request to a route of is_summary_route. REQUIRES: the caller is
// authenticated. May throw only what allocation throws.
Response handle_summary_route(const SummaryRouteContext& context, const Request& request,
                              std::string_view path);

// True when `rest`, the path below /api/v1/patients/, is "{id}/summary.pdf"
// (with any id text).
bool is_staff_summary_path(std::string_view rest);

// Answers GET /api/v1/patients/{id}/summary.pdf for a staff member
// (context.user_id), with `rest` as for is_staff_summary_path and `reason`
// the checked ?reason= for the audit row. REQUIRES: the caller's role is
// clinician or admin.
Response handle_staff_summary(const SummaryRouteContext& context, const Request& request,
                              std::string_view rest, std::string reason);

}  // namespace hipcoach::server
