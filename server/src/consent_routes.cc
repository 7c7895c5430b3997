#include "consent_routes.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api_support.h"
#include "hipcoach/core/questionnaire.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/core/utf8.h"
#include "hipcoach/service/records.h"
#include "problem.h"
#include "summary_routes.h"

namespace hipcoach::server {
namespace {

using core::Error;
using core::ErrorCode;
using nlohmann::json;
using std::chrono::sys_seconds;

constexpr int kDefaultDiaryLimit = 30;
constexpr int kDefaultAuditLimit = 100;

const char* const kPartNames = "diary, questionnaires, triage or sessions";
// The audit row's `what` for a staff listing of the patients who share.
constexpr std::string_view kPatientListWhat = "patient_list";

// Reads {"parts": [...], "until": "..."} into a consent of `user_id` given
// at `now`. Errors are kInvalidInput with a JSON Pointer.
core::Result<storage::Consent> consent_from_json(const json& body, std::int64_t user_id,
                                                 sys_seconds now) {
  if (!body.is_object()) return Error::invalid_input("/", "must be a JSON object");
  const auto parts = body.find("parts");
  if (parts == body.end() || !parts->is_array()) {
    return Error::invalid_input("/parts", fmt::format("is required: a list of {}", kPartNames));
  }
  if (parts->empty()) {
    return Error::invalid_input("/parts", fmt::format("must name at least one of {}", kPartNames));
  }
  storage::Consent consent;
  consent.user_id = user_id;
  consent.created_at = now;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const std::string where = fmt::format("/parts/{}", i);
    const json& item = (*parts)[i];
    const auto part =
        item.is_string() ? storage::parse_record_part(item.get<std::string>()) : std::nullopt;
    if (!part) return Error::invalid_input(where, fmt::format("must be one of {}", kPartNames));
    if (storage::has_part(consent.parts, *part)) {
      return Error::invalid_input(
          where, fmt::format("names {} a second time", storage::record_part_name(*part)));
    }
    consent.parts = static_cast<std::uint8_t>(consent.parts | static_cast<std::uint8_t>(*part));
  }
  const auto until = body.find("until");
  if (until == body.end() || !until->is_string()) {
    return Error::invalid_input("/until",
                                "is required: an RFC 3339 time, e.g. 2027-03-01T00:00:00Z");
  }
  auto parsed = core::parse_timestamp(until->get<std::string>(), "/until");
  if (!parsed) return parsed.error();
  if (parsed->utc <= now) return Error::invalid_input("/until", "must be in the future");
  if (parsed->utc > now + kMaxConsentDays) {
    return Error::invalid_input(
        "/until", fmt::format("must be at most {} days ahead", kMaxConsentDays.count()));
  }
  consent.until = parsed->utc;
  return consent;
}

// A positive whole number from the query, or `fallback` when absent.
core::Result<int> query_limit(std::string_view query, int fallback) {
  const auto text = query_value(query, "limit");
  if (!text) return fallback;
  int value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 1 ||
      value > storage::kMaxListLimit) {
    return Error::invalid_input(
        "limit", fmt::format("must be a whole number 1..{}", storage::kMaxListLimit));
  }
  return value;
}

// The ?reason= of a staff read, or kDefaultReadReason.
core::Result<std::string> read_reason(std::string_view query) {
  const auto raw = query_value(query, "reason");
  if (!raw || raw->empty()) return std::string(kDefaultReadReason);
  auto reason = percent_decode(*raw);
  if (!reason) return Error::invalid_input("reason", "has a malformed %-escape");
  if (reason->size() > storage::kMaxAuditReasonBytes) {
    return Error::invalid_input(
        "reason", fmt::format("must be at most {} bytes", storage::kMaxAuditReasonBytes));
  }
  if (core::find_invalid_utf8(*reason)) return Error::invalid_input("reason", "must be UTF-8");
  for (const char c : *reason) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Error::invalid_input("reason", "must not hold control characters");
    }
  }
  return std::move(*reason);
}

Response consents(const ConsentRouteContext& context, const Request& request) {
  if (request.method == "POST") {
    json body;
    if (auto problem = read_body(request, body)) return std::move(*problem);
    auto consent = consent_from_json(body, context.user_id, context.now);
    if (!consent) return error_response(consent.error());
    auto id = context.store.add_consent(*consent);
    if (!id) return error_response(id.error());
    consent->id = *id;
    Response response = json_response(201, service::to_json(*consent, context.now));
    response.add_header("Location", fmt::format("{}/{}", kConsentsPath, *id));
    return response;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    return method_not_allowed("GET, HEAD, POST");
  }
  auto list = context.store.list_consents(context.user_id);
  if (!list) return error_response(list.error());
  json items = json::array();
  for (const storage::Consent& consent : *list)
    items.push_back(service::to_json(consent, context.now));
  return headers_only_for_head(request, json_response(200, {{"consents", std::move(items)}}));
}

Response one_consent(const ConsentRouteContext& context, const Request& request,
                     std::string_view id_text) {
  const auto not_found = [] {
    return problem_response(404, "path", "no consent of yours has this id");
  };
  const auto id = parse_id(id_text);
  if (!id) return not_found();
  if (request.method != "DELETE") return method_not_allowed("DELETE");
  if (auto ok = context.store.revoke_consent(context.user_id, *id, context.now); !ok) {
    if (ok.error().code() == ErrorCode::kNotFound) return not_found();
    return error_response(ok.error());
  }
  return no_content();
}

Response my_audit(const ConsentRouteContext& context, const Request& request) {
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET, HEAD");
  auto entries = context.store.list_audit_for_patient(context.user_id);
  if (!entries) return error_response(entries.error());
  json items = json::array();
  for (const storage::AuditEntry& entry : *entries) items.push_back(service::to_json(entry));
  return headers_only_for_head(request, json_response(200, {{"audit", std::move(items)}}));
}

// The caller's account; 401 when it has gone since the session was checked.
core::Result<storage::User> caller_account(const ConsentRouteContext& context) {
  auto user = context.store.find_user(context.user_id);
  if (!user && user.error().code() == ErrorCode::kNotFound) {
    return Error::unauthenticated("", "sign in first");
  }
  return user;
}

Response whole_audit(const ConsentRouteContext& context, const Request& request,
                     std::string_view query, const storage::User& caller) {
  if (caller.role != storage::Role::kAdmin) {
    return problem_response(403, "role", "only an admin may read the whole audit log");
  }
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET, HEAD");
  auto limit = query_limit(query, kDefaultAuditLimit);
  if (!limit) return error_response(limit.error());
  std::optional<std::int64_t> before;
  if (const auto text = query_value(query, "before")) {
    before = parse_id(*text);
    if (!before) return problem_response(400, "before", "must be the id of an audit row");
  }
  auto entries = context.store.list_audit(*limit, before);
  if (!entries) return error_response(entries.error());
  json items = json::array();
  for (const storage::AuditEntry& entry : *entries) items.push_back(service::to_admin_json(entry));
  const bool full = static_cast<int>(entries->size()) == *limit;
  json next = full ? json(std::to_string(entries->back().id)) : json(nullptr);
  return headers_only_for_head(
      request, json_response(200, {{"audit", std::move(items)}, {"next", std::move(next)}}));
}

// An audit row of the caller reading `what` of `patient_id` now, for `why`.
storage::AuditEntry audit_entry(const ConsentRouteContext& context, std::int64_t patient_id,
                                std::string what, std::string why) {
  storage::AuditEntry entry;
  entry.at = context.now;
  entry.actor_id = context.user_id;
  entry.patient_id = patient_id;
  entry.action = "read";
  entry.what = std::move(what);
  entry.why = std::move(why);
  entry.request_id = context.request_id;
  return entry;
}

Response sharing_patients(const ConsentRouteContext& context, const Request& request,
                          std::string_view query) {
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET, HEAD");
  auto reason = read_reason(query);
  if (!reason) return error_response(reason.error());
  auto patients = context.store.list_sharing_patients(context.now);
  if (!patients) return error_response(patients.error());
  json items = json::array();
  for (const storage::SharingPatient& patient : *patients) {
    // The list shows who uses the app and what they share: a read of each
    // listed patient's record, written before the answer leaves.
    auto appended = context.store.append_audit(
        audit_entry(context, patient.user_id, std::string(kPatientListWhat), *reason));
    if (!appended) {
      // The account went between the listing and now: it is not listed.
      if (appended.error().code() == ErrorCode::kNotFound) continue;
      return error_response(appended.error());
    }
    items.push_back({{"id", patient.user_id},
                     {"email", patient.email},
                     {"parts", service::record_part_names(patient.parts)},
                     {"until", core::format_timestamp(patient.until)}});
  }
  return headers_only_for_head(request, json_response(200, {{"patients", std::move(items)}}));
}

// The part of a patient's record, as JSON text, that a staff read answers with.
core::Result<std::string> read_part(const ConsentRouteContext& context, std::int64_t patient_id,
                                    storage::RecordPart part, std::string_view query) {
  storage::Store& store = context.store;
  switch (part) {
    case storage::RecordPart::kDiary: {
      auto limit = query_limit(query, kDefaultDiaryLimit);
      if (!limit) return limit.error();
      std::optional<storage::DiaryCursor> before;
      if (const auto text = query_value(query, "before")) {
        auto cursor = service::decode_cursor(*text);
        if (!cursor) return cursor.error();
        before = *cursor;
      }
      auto entries = store.list_diary(patient_id, *limit, before);
      if (!entries) return entries.error();
      std::optional<std::string> next;
      if (static_cast<int>(entries->size()) == *limit) {
        next = service::encode_cursor(storage::cursor_after(entries->back()));
      }
      return service::diary_page_json(*entries, next);
    }
    case storage::RecordPart::kQuestionnaires: {
      auto responses = store.list_questionnaire_responses(patient_id);
      if (!responses) return responses.error();
      json items = json::array();
      for (const auto& response : *responses) {
        items.push_back(service::to_json(
            response, core::find_questionnaire(context.protocol, response.questionnaire_id)));
      }
      return dump({{"responses", std::move(items)}});
    }
    case storage::RecordPart::kTriage: {
      auto saved = store.list_triage(patient_id);
      if (!saved) return saved.error();
      json items = json::array();
      for (const auto& triage : *saved) items.push_back(service::to_json(triage));
      return dump({{"triage", std::move(items)}});
    }
    case storage::RecordPart::kSessions: {
      auto sessions = store.list_guided_sessions(patient_id);
      if (!sessions) return sessions.error();
      json items = json::array();
      for (const auto& session : *sessions) items.push_back(service::to_json(session));
      return dump({{"sessions", std::move(items)}});
    }
  }
  return Error::internal("part", "unknown part");
}

// GET /api/v1/patients/{id}/{part}: `rest` is "{id}/{part}".
Response patient_part(const ConsentRouteContext& context, const Request& request,
                      std::string_view rest, std::string_view query) {
  // One answer for a malformed id, a patient who does not exist, one who
  // shares nothing now, and one who does not share this part.
  const auto not_shared = [] {
    return problem_response(404, "path", "no patient shares this part of their record with you");
  };
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return not_shared();
  const auto patient_id = parse_id(rest.substr(0, slash));
  const auto part = storage::parse_record_part(rest.substr(slash + 1));
  if (!patient_id || !part) return not_shared();
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET, HEAD");
  auto reason = read_reason(query);
  if (!reason) return error_response(reason.error());

  auto shared = context.store.shared_parts(*patient_id, context.now);
  if (!shared) return error_response(shared.error());
  if (!storage::has_part(*shared, *part)) return not_shared();
  auto answer = read_part(context, *patient_id, *part, query);
  if (!answer) return error_response(answer.error());

  // Written before the answer leaves: a read the log does not show never
  // reaches the reader.
  const storage::AuditEntry entry = audit_entry(
      context, *patient_id, std::string(storage::record_part_name(*part)), std::move(*reason));
  if (auto appended = context.store.append_audit(entry); !appended) {
    // The patient's account went between the check and now: as if it never was.
    if (appended.error().code() == ErrorCode::kNotFound) return not_shared();
    return error_response(appended.error());
  }
  return headers_only_for_head(request, body_response(200, std::move(*answer)));
}

Response staff_route(const ConsentRouteContext& context, const Request& request,
                     std::string_view path, std::string_view query) {
  auto caller = caller_account(context);
  if (!caller) return error_response(caller.error());
  if (path == kAuditPath) return whole_audit(context, request, query, *caller);
  if (caller->role != storage::Role::kClinician && caller->role != storage::Role::kAdmin) {
    return problem_response(403, "role", "only clinic staff may read patients' records");
  }
  if (path == kPatientsPath) return sharing_patients(context, request, query);
  if (const auto rest = path.substr(kPatientsPath.size() + 1); is_staff_summary_path(rest)) {
    auto reason = read_reason(query);
    if (!reason) return error_response(reason.error());
    return handle_staff_summary(
        {context.protocol, context.store, context.user_id, context.now, context.request_id},
        request, rest, std::move(*reason));
  }
  return patient_part(context, request, path.substr(kPatientsPath.size() + 1), query);
}

bool below(std::string_view path, std::string_view root) {
  return path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/';
}

}  // namespace

bool is_consent_route(std::string_view path) {
  return path == kConsentsPath || below(path, kConsentsPath) || path == kPatientsPath ||
         below(path, kPatientsPath) || path == kMyAuditPath || path == kAuditPath;
}

Response handle_consent_route(const ConsentRouteContext& context, const Request& request,
                              std::string_view path, std::string_view query) {
  if (path == kConsentsPath) return consents(context, request);
  if (below(path, kConsentsPath)) {
    return one_consent(context, request, path.substr(kConsentsPath.size() + 1));
  }
  if (path == kMyAuditPath) return my_audit(context, request);
  return staff_route(context, request, path, query);
}

}  // namespace hipcoach::server
