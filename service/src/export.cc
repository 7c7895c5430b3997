#include "hipcoach/service/export.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include "hipcoach/core/questionnaire.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/records.h"

namespace hipcoach::service {

using nlohmann::json;

core::Result<std::vector<storage::DiaryEntry>> whole_diary(storage::Store& store,
                                                           std::int64_t user_id) {
  std::vector<storage::DiaryEntry> diary;
  std::optional<storage::DiaryCursor> cursor;
  for (;;) {
    auto page = store.list_diary(user_id, storage::kMaxListLimit, cursor);
    if (!page) return page.error();
    if (page->empty()) break;
    cursor = storage::cursor_after(page->back());
    const bool last_page = page->size() < static_cast<std::size_t>(storage::kMaxListLimit);
    diary.insert(diary.end(), std::make_move_iterator(page->begin()),
                 std::make_move_iterator(page->end()));
    if (last_page) break;
  }
  std::reverse(diary.begin(), diary.end());
  return diary;
}

namespace {

// A spreadsheet runs a cell that starts with one of these as a formula
// (OWASP, "CSV Injection"); a leading quote makes it text.
bool looks_like_formula(std::string_view cell) {
  if (cell.empty()) return false;
  const char first = cell.front();
  return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' ||
         first == '\r';
}

// One RFC 4180 field: quoted when it holds a comma, a quote or a line break,
// with inner quotes doubled.
std::string csv_field(std::string_view value) {
  std::string cell;
  if (looks_like_formula(value)) cell += '\'';
  cell += value;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (const char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

}  // namespace

core::Result<json> export_json(const core::Protocol& protocol, storage::Store& store,
                               const storage::User& user, std::chrono::sys_seconds now) {
  auto diary = whole_diary(store, user.id);
  if (!diary) return diary.error();
  auto responses = store.list_questionnaire_responses(user.id);
  if (!responses) return responses.error();
  auto sessions = store.list_guided_sessions(user.id);
  if (!sessions) return sessions.error();
  auto triage = store.list_triage(user.id);
  if (!triage) return triage.error();
  auto reminders = find_reminders(store, user.id);
  if (!reminders) return reminders.error();
  auto consents = store.list_consents(user.id);
  if (!consents) return consents.error();
  auto audit = store.list_audit_for_patient(user.id);
  if (!audit) return audit.error();
  // Whether two-step sign-in is on, never its secret or the codes' hashes.
  json two_step = {{"enabled", false}, {"enabled_at", nullptr}, {"recovery_codes_left", 0}};
  if (auto two_factor = store.get_two_factor(user.id); two_factor && two_factor->enabled) {
    auto codes = store.list_recovery_codes(user.id);
    if (!codes) return codes.error();
    two_step["enabled"] = true;
    if (two_factor->enabled_at) {
      two_step["enabled_at"] = core::format_timestamp(*two_factor->enabled_at);
    }
    two_step["recovery_codes_left"] = std::count_if(
        codes->begin(), codes->end(), [](const auto& code) { return !code.used_at.has_value(); });
  } else if (!two_factor && two_factor.error().code() != core::ErrorCode::kNotFound) {
    return two_factor.error();
  }
  json consents_json = json::array();
  for (const storage::Consent& consent : *consents) consents_json.push_back(to_json(consent, now));
  json audit_json = json::array();
  for (const storage::AuditEntry& entry : *audit) audit_json.push_back(to_json(entry));

  json diary_json = json::array();
  for (const storage::DiaryEntry& entry : *diary) diary_json.push_back(to_json(entry));
  json responses_json = json::array();
  for (const storage::QuestionnaireResponse& response : *responses) {
    responses_json.push_back(
        to_json(response, core::find_questionnaire(protocol, response.questionnaire_id)));
  }
  json sessions_json = json::array();
  for (const storage::GuidedSessionRecord& session : *sessions) {
    sessions_json.push_back(to_json(session));
  }
  // list_triage gives newest first; the export lists everything oldest first.
  json triage_json = json::array();
  for (auto it = triage->rbegin(); it != triage->rend(); ++it) triage_json.push_back(to_json(*it));

  return json{{"exported_at", core::format_timestamp(now)},
              {"account", to_json(user)},
              {"two_step_sign_in", std::move(two_step)},
              {"diary", std::move(diary_json)},
              {"questionnaire_responses", std::move(responses_json)},
              {"guided_sessions", std::move(sessions_json)},
              {"triage", std::move(triage_json)},
              {"reminders", to_json(*reminders)},
              {"consents", std::move(consents_json)},
              {"audit", std::move(audit_json)}};
}

core::Result<std::string> export_diary_csv(storage::Store& store, std::int64_t user_id) {
  auto diary = whole_diary(store, user_id);
  if (!diary) return diary.error();
  std::string csv = "id,at,pain,region,side,context,note\r\n";
  for (const storage::DiaryEntry& entry : *diary) {
    csv += std::to_string(entry.id);
    csv += ',';
    csv += csv_field(entry.at);
    csv += ',';
    csv += std::to_string(entry.pain);
    csv += ',';
    csv += csv_field(entry.region);
    csv += ',';
    csv += csv_field(storage::side_name(entry.side));
    csv += ',';
    csv += csv_field(storage::pain_context_name(entry.context));
    csv += ',';
    csv += csv_field(entry.note);
    csv += "\r\n";
  }
  return csv;
}

}  // namespace hipcoach::service
