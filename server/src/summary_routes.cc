#include "summary_routes.h"

#include <string>
#include <utility>

#include "api_support.h"
#include "hipcoach/service/summary.h"
#include "hipcoach/service/summary_pdf.h"
#include "problem.h"

namespace hipcoach::server {
namespace {

using core::ErrorCode;

constexpr std::string_view kPdfType = "application/pdf";

Response pdf_response(std::string bytes) {
  Response response = body_response(200, std::move(bytes), kPdfType);
  response.headers.push_back(
      {"Content-Disposition", "attachment; filename=\"hipcoach-summary.pdf\""});
  return response;
}

}  // namespace

bool is_summary_route(std::string_view path) {
  return path == kMySummaryPath || path == kMySummaryPdfPath;
}

Response handle_summary_route(const SummaryRouteContext& context, const Request& request,
                              std::string_view path) {
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET, HEAD");
  auto summary =
      service::build_summary(context.protocol, context.store, context.user_id, context.now);
  if (!summary) {
    // The account went since the session was checked.
    if (summary.error().code() == ErrorCode::kNotFound) {
      return error_response(core::Error::unauthenticated("", "sign in first"));
    }
    return error_response(summary.error());
  }
  if (path == kMySummaryPath) {
    return headers_only_for_head(request, json_response(200, service::to_json(*summary)));
  }
  auto pdf = service::summary_pdf(*summary);
  if (!pdf) return error_response(pdf.error());
  return headers_only_for_head(request, pdf_response(std::move(*pdf)));
}

bool is_staff_summary_path(std::string_view rest) {
  return rest.ends_with(kSummaryPdfSuffix) && rest.size() > kSummaryPdfSuffix.size() &&
         rest.substr(0, rest.size() - kSummaryPdfSuffix.size()).find('/') == std::string_view::npos;
}

Response handle_staff_summary(const SummaryRouteContext& context, const Request& request,
                              std::string_view rest, std::string reason) {
  // One answer for a malformed id, a patient who does not exist and one who
  // shares nothing now, as for the parts (consent_routes.h).
  const auto not_shared = [] {
    return problem_response(404, "path", "no patient shares any part of their record with you");
  };
  const auto patient_id = parse_id(rest.substr(0, rest.size() - kSummaryPdfSuffix.size()));
  if (!patient_id) return not_shared();
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET, HEAD");
  auto shared = context.store.shared_parts(*patient_id, context.now);
  if (!shared) return error_response(shared.error());
  if (*shared == 0) return not_shared();

  // Only the parts the consent covers go into the summary.
  auto summary =
      service::build_summary(context.protocol, context.store, *patient_id, context.now, *shared);
  if (!summary) {
    if (summary.error().code() == ErrorCode::kNotFound) return not_shared();
    return error_response(summary.error());
  }
  auto pdf = service::summary_pdf(*summary);
  if (!pdf) return error_response(pdf.error());

  // Written before the answer leaves, as for the parts.
  storage::AuditEntry entry;
  entry.at = context.now;
  entry.actor_id = context.user_id;
  entry.patient_id = *patient_id;
  entry.action = "read";
  entry.what = "summary";
  entry.why = std::move(reason);
  entry.request_id = context.request_id;
  if (auto appended = context.store.append_audit(entry); !appended) {
    if (appended.error().code() == ErrorCode::kNotFound) return not_shared();
    return error_response(appended.error());
  }
  return headers_only_for_head(request, pdf_response(std::move(*pdf)));
}

}  // namespace hipcoach::server
