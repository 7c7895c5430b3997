#include "hipcoach/storage/store.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "hipcoach/core/triage_model.h"
#include "hipcoach/core/utf8.h"

namespace hipcoach::storage {
namespace {

using core::Error;

// "a 300-byte string": describes a value without copying it (it may be
// health data or a secret).
std::string describe_size(std::size_t bytes) {
  return "a " + std::to_string(bytes) + "-byte string";
}

core::Result<void> check_bytes(std::string_view field, std::string_view value, std::size_t min,
                               std::size_t max) {
  if (value.size() < min || value.size() > max) {
    return Error::invalid_input(std::string(field), "must be " + std::to_string(min) + ".." +
                                                        std::to_string(max) + " bytes, got " +
                                                        describe_size(value.size()));
  }
  return {};
}

core::Result<void> check_text(std::string_view field, std::string_view value, std::size_t min,
                              std::size_t max) {
  if (auto ok = check_bytes(field, value, min, max); !ok) return ok;
  if (core::find_invalid_utf8(value)) {
    return Error::invalid_input(std::string(field), "must be valid UTF-8");
  }
  return {};
}

core::Result<void> check_pain(std::string_view field, int pain) {
  if (pain < kMinPain || pain > kMaxPain) {
    return Error::invalid_input(std::string(field),
                                "must be an integer " + std::to_string(kMinPain) + ".." +
                                    std::to_string(kMaxPain) + ", got " + std::to_string(pain));
  }
  return {};
}

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kPatient:
      return "patient";
    case Role::kClinician:
      return "clinician";
    case Role::kAdmin:
      return "admin";
  }
  return "patient";
}

std::string_view pain_context_name(PainContext context) {
  switch (context) {
    case PainContext::kRest:
      return "rest";
    case PainContext::kActivity:
      return "activity";
  }
  return "rest";
}

std::string_view side_name(Side side) {
  switch (side) {
    case Side::kLeft:
      return "left";
    case Side::kRight:
      return "right";
    case Side::kBoth:
      return "both";
  }
  return "both";
}

std::string_view session_stage_name(SessionStage stage) {
  switch (stage) {
    case SessionStage::kSignedIn:
      return "signed_in";
    case SessionStage::kNeedsCode:
      return "needs_code";
    case SessionStage::kNeedsEnrolment:
      return "needs_enrolment";
  }
  return "signed_in";
}

std::optional<SessionStage> parse_session_stage(std::string_view name) {
  for (const SessionStage stage :
       {SessionStage::kSignedIn, SessionStage::kNeedsCode, SessionStage::kNeedsEnrolment}) {
    if (session_stage_name(stage) == name) return stage;
  }
  return std::nullopt;
}

std::optional<Role> parse_role(std::string_view name) {
  for (const Role role : {Role::kPatient, Role::kClinician, Role::kAdmin}) {
    if (role_name(role) == name) return role;
  }
  return std::nullopt;
}

std::optional<PainContext> parse_pain_context(std::string_view name) {
  for (const PainContext context : {PainContext::kRest, PainContext::kActivity}) {
    if (pain_context_name(context) == name) return context;
  }
  return std::nullopt;
}

std::optional<Side> parse_side(std::string_view name) {
  for (const Side side : {Side::kLeft, Side::kRight, Side::kBoth}) {
    if (side_name(side) == name) return side;
  }
  return std::nullopt;
}

DiaryCursor cursor_after(const DiaryEntry& entry) { return {entry.at_utc, entry.id}; }

core::Result<void> check_user(const User& user) {
  if (auto ok = check_bytes("email", user.email, 1, kMaxEmailBytes); !ok) return ok;
  if (core::find_invalid_utf8(user.email)) {
    return Error::invalid_input("email", "must be valid UTF-8");
  }
  return check_password_hash(user.password_hash);
}

core::Result<void> check_password_hash(std::string_view password_hash) {
  return check_bytes("password_hash", password_hash, 1, kMaxPasswordHashBytes);
}

core::Result<void> check_session(const Session& session) {
  if (auto ok = check_bytes("token_hash", session.token_hash, 1, kMaxTokenHashBytes); !ok) {
    return ok;
  }
  if (session.expires_at < session.created_at) {
    return Error::invalid_input("expires_at", "must not be before created_at");
  }
  return {};
}

core::Result<void> check_diary_entry(const DiaryEntry& entry) {
  if (auto ok = check_pain("pain", entry.pain); !ok) return ok;
  if (std::find(core::kLocations.begin(), core::kLocations.end(), entry.region) ==
      core::kLocations.end()) {
    return Error::invalid_input(
        "region", "must be one of the triage locations, got " + describe_size(entry.region.size()));
  }
  if (auto ok = check_bytes("note", entry.note, 0, kMaxNoteBytes); !ok) return ok;
  if (core::find_invalid_utf8(entry.note)) {
    return Error::invalid_input("note", "must be valid UTF-8");
  }
  if (auto ok = check_bytes("at", entry.at, 1, kMaxAtBytes); !ok) return ok;
  if (core::find_invalid_utf8(entry.at)) return Error::invalid_input("at", "must be valid UTF-8");
  return {};
}

core::Result<void> check_saved_triage(const SavedTriage& triage) {
  if (auto ok = check_bytes("answers_json", triage.answers_json, 1, kMaxTriageJsonBytes); !ok) {
    return ok;
  }
  if (auto ok = check_bytes("result_json", triage.result_json, 1, kMaxTriageJsonBytes); !ok) {
    return ok;
  }
  if (core::find_invalid_utf8(triage.answers_json)) {
    return Error::invalid_input("answers_json", "must be valid UTF-8");
  }
  if (core::find_invalid_utf8(triage.result_json)) {
    return Error::invalid_input("result_json", "must be valid UTF-8");
  }
  return {};
}

core::Result<void> check_questionnaire_response(const QuestionnaireResponse& response) {
  if (auto ok =
          check_text("questionnaire_id", response.questionnaire_id, 1, kMaxQuestionnaireIdBytes);
      !ok) {
    return ok;
  }
  if (auto ok = check_text("at", response.at, 1, kMaxAtBytes); !ok) return ok;
  if (auto ok = check_text("answers_json", response.answers_json, 1, kMaxRecordJsonBytes); !ok) {
    return ok;
  }
  // Naming a non-finite value reveals nothing about the person.
  if (std::isnan(response.score)) return Error::invalid_input("score", "must be finite, got NaN");
  if (std::isinf(response.score)) {
    return Error::invalid_input("score", response.score > 0 ? "must be finite, got infinity"
                                                            : "must be finite, got -infinity");
  }
  return {};
}

core::Result<void> check_guided_session(const GuidedSessionRecord& record) {
  if (record.ended_at < record.started_at) {
    return Error::invalid_input("ended_at", "must not be before started_at");
  }
  if (record.pain_before) {
    if (auto ok = check_pain("pain_before", *record.pain_before); !ok) return ok;
  }
  if (record.pain_after) {
    if (auto ok = check_pain("pain_after", *record.pain_after); !ok) return ok;
  }
  return check_text("record_json", record.record_json, 1, kMaxRecordJsonBytes);
}

core::Result<void> check_reminders(const Reminders& reminders) {
  if (reminders.weekdays > kMaxReminderWeekdays) {
    return Error::invalid_input("weekdays", "must be 0.." + std::to_string(kMaxReminderWeekdays) +
                                                ", got " + std::to_string(reminders.weekdays));
  }
  if (reminders.minute_of_day < 0 || reminders.minute_of_day > kMaxReminderMinute) {
    return Error::invalid_input("minute_of_day", "must be 0.." +
                                                     std::to_string(kMaxReminderMinute) + ", got " +
                                                     std::to_string(reminders.minute_of_day));
  }
  return {};
}

core::Result<void> check_feed_token_hash(std::string_view token_hash) {
  return check_bytes("feed_token_hash", token_hash, 0, kMaxTokenHashBytes);
}

std::string_view record_part_name(RecordPart part) {
  switch (part) {
    case RecordPart::kDiary:
      return "diary";
    case RecordPart::kQuestionnaires:
      return "questionnaires";
    case RecordPart::kTriage:
      return "triage";
    case RecordPart::kSessions:
      return "sessions";
  }
  return "diary";
}

std::optional<RecordPart> parse_record_part(std::string_view name) {
  for (const RecordPart part : kRecordParts) {
    if (record_part_name(part) == name) return part;
  }
  return std::nullopt;
}

bool is_active(const Consent& consent, std::chrono::sys_seconds now) {
  return !consent.revoked_at && consent.created_at <= now && now < consent.until;
}

core::Result<void> check_consent(const Consent& consent) {
  if (consent.parts < 1 || consent.parts > kAllRecordParts) {
    return Error::invalid_input("parts", "must be 1.." + std::to_string(kAllRecordParts) +
                                             ", got " + std::to_string(consent.parts));
  }
  if (consent.until <= consent.created_at) {
    return Error::invalid_input("until", "must be after created_at");
  }
  return {};
}

namespace {

core::Result<void> check_word(std::string_view field, std::string_view value) {
  if (auto ok = check_bytes(field, value, 1, kMaxAuditWordBytes); !ok) return ok;
  for (const char c : value) {
    if ((c < 'a' || c > 'z') && c != '_') {
      return Error::invalid_input(std::string(field), "must be lower-case letters and '_'");
    }
  }
  return {};
}

}  // namespace

core::Result<void> check_audit_entry(const AuditEntry& entry) {
  if (auto ok = check_word("action", entry.action); !ok) return ok;
  if (auto ok = check_word("what", entry.what); !ok) return ok;
  if (auto ok = check_text("why", entry.why, 1, kMaxAuditReasonBytes); !ok) return ok;
  return check_text("request_id", entry.request_id, 0, kMaxRequestIdBytes);
}

std::string_view appointment_status_name(AppointmentStatus status) {
  switch (status) {
    case AppointmentStatus::kRequested:
      return "requested";
    case AppointmentStatus::kProposed:
      return "proposed";
    case AppointmentStatus::kConfirmed:
      return "confirmed";
    case AppointmentStatus::kDeclined:
      return "declined";
    case AppointmentStatus::kCancelled:
      return "cancelled";
  }
  return "requested";
}

std::optional<AppointmentStatus> parse_appointment_status(std::string_view name) {
  for (const AppointmentStatus status :
       {AppointmentStatus::kRequested, AppointmentStatus::kProposed, AppointmentStatus::kConfirmed,
        AppointmentStatus::kDeclined, AppointmentStatus::kCancelled}) {
    if (appointment_status_name(status) == name) return status;
  }
  return std::nullopt;
}

bool is_open(AppointmentStatus status) {
  return status == AppointmentStatus::kRequested || status == AppointmentStatus::kProposed;
}

bool can_change_status(AppointmentStatus from, AppointmentStatus to) {
  if (is_open(from)) return to != AppointmentStatus::kRequested;
  return from == AppointmentStatus::kConfirmed && to == AppointmentStatus::kCancelled;
}

std::string_view urgency_name(AppointmentUrgency urgency) {
  switch (urgency) {
    case AppointmentUrgency::kUrgent:
      return "urgent";
    case AppointmentUrgency::kSoon:
      return "soon";
    case AppointmentUrgency::kSelfCare:
      return "self_care";
    case AppointmentUrgency::kNone:
      return "none";
  }
  return "none";
}

std::optional<AppointmentUrgency> parse_urgency(std::string_view name) {
  for (const AppointmentUrgency urgency :
       {AppointmentUrgency::kUrgent, AppointmentUrgency::kSoon, AppointmentUrgency::kSelfCare,
        AppointmentUrgency::kNone}) {
    if (urgency_name(urgency) == name) return urgency;
  }
  return std::nullopt;
}

core::Result<void> check_appointment(const Appointment& appointment) {
  if (auto ok = check_bytes("type", appointment.type_id, 1, kMaxAppointmentTypeBytes); !ok) {
    return ok;
  }
  for (const char c : appointment.type_id) {
    if ((c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' && c != '-') {
      return Error::invalid_input("type", "must be lower-case letters, digits, '_' and '-'");
    }
  }
  if (auto ok = check_text("reason", appointment.reason, 1, kMaxAppointmentReasonBytes); !ok) {
    return ok;
  }
  if (auto ok = check_text("preferred", appointment.preferred, 0, kMaxPreferredBytes); !ok) {
    return ok;
  }
  if (auto ok = check_text("message", appointment.message, 0, kMaxStaffMessageBytes); !ok) {
    return ok;
  }
  const bool scheduled = appointment.status == AppointmentStatus::kProposed ||
                         appointment.status == AppointmentStatus::kConfirmed;
  if (scheduled && !appointment.start) {
    return Error::invalid_input("start", "is required to propose or confirm a time");
  }
  if ((scheduled || appointment.start) &&
      (appointment.minutes < 1 || appointment.minutes > kMaxAppointmentMinutes)) {
    return Error::invalid_input("minutes", "must be 1.." + std::to_string(kMaxAppointmentMinutes) +
                                               ", got " + std::to_string(appointment.minutes));
  }
  return {};
}

core::Result<void> check_outbox_message(const OutboxMessage& message) {
  if (auto ok = check_word("kind", message.kind); !ok) return ok;
  if (auto ok = check_text("subject", message.subject, 1, kMaxOutboxSubjectBytes); !ok) return ok;
  return check_text("body", message.body, 1, kMaxOutboxBodyBytes);
}

core::Result<void> check_appointment_note(const AppointmentNote& note) {
  return check_text("text", note.text, 1, kMaxAppointmentNoteBytes);
}

core::Result<void> check_two_factor_secret(std::string_view secret) {
  return check_bytes("secret", secret, 1, kMaxTwoFactorSecretBytes);
}

core::Result<void> check_recovery_code_hashes(const std::vector<std::string>& code_hashes) {
  if (code_hashes.size() > kMaxRecoveryCodes) {
    return Error::invalid_input("recovery_codes", "must be at most " +
                                                      std::to_string(kMaxRecoveryCodes) + ", got " +
                                                      std::to_string(code_hashes.size()));
  }
  for (const std::string& hash : code_hashes) {
    if (auto ok = check_bytes("recovery_codes", hash, 1, kMaxTokenHashBytes); !ok) return ok;
  }
  return {};
}

std::string_view sign_in_key_kind_name(SignInKeyKind kind) {
  return kind == SignInKeyKind::kAccount ? "account" : "client";
}

core::Result<void> check_sign_in_failure(std::string_view key, const SignInFailureRule& rule) {
  if (auto ok = check_bytes("sign_in_failures", key, 1, kMaxTokenHashBytes); !ok) return ok;
  if (rule.window.count() <= 0 || rule.lockout.count() < 0 || rule.max_failures <= 0) {
    return Error::invalid_input("sign_in_failures",
                                "the rule needs a window > 0, a lockout >= 0 and max_failures > 0");
  }
  return {};
}

bool sign_in_failures_ended(const SignInFailures& failures, const SignInFailureRule& rule,
                            std::chrono::sys_seconds now) {
  return failures.locked_until.value_or(now) <= now && now - failures.window_start >= rule.window;
}

SignInFailures next_sign_in_failures(const std::optional<SignInFailures>& before,
                                     const SignInFailureRule& rule, std::chrono::sys_seconds now) {
  SignInFailures after;
  if (before && !sign_in_failures_ended(*before, rule, now)) {
    after = *before;
  } else {
    after.window_start = now;
  }
  ++after.failures;
  if (after.failures >= rule.max_failures) {
    after.locked_until =
        std::max(after.locked_until.value_or(now + rule.lockout), now + rule.lockout);
  }
  return after;
}

core::Result<Appointment> apply_appointment_change(const Appointment& appointment,
                                                   const AppointmentChange& change) {
  const std::string where = "appointments/" + std::to_string(appointment.id);
  if (!can_change_status(appointment.status, change.status)) {
    return Error::conflict(where, "a " + std::string(appointment_status_name(appointment.status)) +
                                      " appointment cannot become " +
                                      std::string(appointment_status_name(change.status)));
  }
  Appointment changed = appointment;
  changed.status = change.status;
  if (change.start) changed.start = change.start;
  if (change.minutes) changed.minutes = *change.minutes;
  if (change.message) changed.message = *change.message;
  changed.updated_at = change.at;
  if (auto ok = check_appointment(changed); !ok) return ok.error();
  if (change.notify) {
    if (auto ok = check_outbox_message(*change.notify); !ok) return ok.error();
  }
  return changed;
}

core::Result<void> check_list_limit(int limit) {
  if (limit < 1 || limit > kMaxListLimit) {
    return Error::invalid_input(
        "limit", "must be 1.." + std::to_string(kMaxListLimit) + ", got " + std::to_string(limit));
  }
  return {};
}

}  // namespace hipcoach::storage
