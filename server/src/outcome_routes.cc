#include "outcome_routes.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api_support.h"
#include "hipcoach/core/utf8.h"
#include "hipcoach/service/outcomes.h"
#include "problem.h"

namespace hipcoach::server {
namespace {

using core::Error;
using core::ErrorCode;

// The longest parameter name a problem repeats as its `where`.
constexpr std::size_t kMaxEchoedNameBytes = 64;

// The name of the first query parameter, for the `where` of the problem that
// refuses it: decoded when it is short, printable UTF-8, else "query".
std::optional<std::string> first_parameter(std::string_view query) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      const auto name = percent_decode(pair.substr(0, pair.find('=')));
      const bool printable = name && !name->empty() && name->size() <= kMaxEchoedNameBytes &&
                             !core::find_invalid_utf8(*name) &&
                             std::none_of(name->begin(), name->end(), [](char c) {
                               return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
                             });
      return printable ? *name : std::string("query");
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

// The caller's account; 401 when it has gone since the session was checked.
core::Result<storage::User> caller_account(const OutcomeRouteContext& context) {
  auto user = context.store.find_user(context.user_id);
  if (!user && user.error().code() == ErrorCode::kNotFound) {
    return Error::unauthenticated("", "sign in first");
  }
  return user;
}

// Appends the audit row of each patient in `records` and drops those whose
// account went since they were read (they are no longer counted). Any other
// failure is passed on, and then nothing is answered.
core::Result<void> audit_reads(const OutcomeRouteContext& context,
                               service::OutcomeRecords& records) {
  std::vector<service::PatientOutcomeRecords> kept;
  kept.reserve(records.patients.size());
  for (service::PatientOutcomeRecords& patient : records.patients) {
    storage::AuditEntry entry;
    entry.at = context.now;
    entry.actor_id = context.user_id;
    entry.patient_id = patient.patient_id;
    entry.action = "read";
    entry.what = std::string(kOutcomesAuditWhat);
    entry.why = std::string(kOutcomesAuditWhy);
    entry.request_id = context.request_id;
    auto appended = context.store.append_audit(entry);
    if (!appended) {
      if (appended.error().code() != ErrorCode::kNotFound) return appended.error();
      // The actor or the patient does not exist any more: a patient who
      // went is left out; a caller who went is not signed in.
      auto patient_account = context.store.find_user(patient.patient_id);
      if (patient_account) return Error::unauthenticated("", "sign in first");
      if (patient_account.error().code() != ErrorCode::kNotFound) {
        return patient_account.error();
      }
      continue;
    }
    kept.push_back(std::move(patient));
  }
  records.patients = std::move(kept);
  return {};
}

}  // namespace

bool is_outcome_route(std::string_view path) { return path == kClinicOutcomesPath; }

Response handle_outcome_route(const OutcomeRouteContext& context, const Request& request,
                              std::string_view query) {
  auto caller = caller_account(context);
  if (!caller) return error_response(caller.error());
  if (caller->role != storage::Role::kClinician && caller->role != storage::Role::kAdmin) {
    return problem_response(403, "role", "only clinic staff may see the clinic's outcomes");
  }
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET, HEAD");
  if (const auto parameter = first_parameter(query)) {
    return problem_response(400, *parameter, "is not a parameter of this route, which takes none");
  }
  auto records = service::read_outcome_records(context.store, context.now);
  if (!records) return error_response(records.error());
  // Written before the answer is built: a read the patients' logs do not
  // show never reaches the reader.
  if (auto audited = audit_reads(context, *records); !audited) {
    return error_response(audited.error());
  }
  auto report = service::clinic_outcomes_report(context.protocol, *records, context.now);
  if (!report) return error_response(report.error());
  return headers_only_for_head(request, json_response(200, *report));
}

}  // namespace hipcoach::server
