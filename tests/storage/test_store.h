// Helpers for the storage tests: a temporary directory, records to store,
// and FailingStore, which fails its Nth call.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>

#include "hipcoach/storage/store.h"

namespace hipcoach::storage::testing {

// A fresh directory under the system's temp directory, removed with all its
// contents when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hipcoach-storage-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::chrono::sys_seconds at_seconds(std::int64_t seconds) {
  return std::chrono::sys_seconds{std::chrono::seconds{seconds}};
}

inline User make_user(std::string email) {
  User user;
  user.email = std::move(email);
  user.role = Role::kPatient;
  user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  user.created_at = at_seconds(1'700'000'000);
  return user;
}

inline DiaryEntry make_entry(std::int64_t user_id, int pain, std::int64_t at_utc) {
  DiaryEntry entry;
  entry.user_id = user_id;
  entry.pain = pain;
  entry.region = "outer_hip";
  entry.context = PainContext::kActivity;
  entry.side = Side::kLeft;
  entry.note = "after the stairs";
  entry.at = "2026-11-25T08:30:00-06:00";
  entry.at_utc = at_seconds(at_utc);
  return entry;
}

inline QuestionnaireResponse make_response(std::int64_t user_id, double score,
                                           std::int64_t at_utc) {
  QuestionnaireResponse response;
  response.user_id = user_id;
  response.questionnaire_id = "lefs";
  response.at = "2026-11-25T08:30:00-06:00";
  response.at_utc = at_seconds(at_utc);
  response.answers_json = R"({"stairs":2,"walk_mile":3})";
  response.score = score;
  return response;
}

inline GuidedSessionRecord make_guided_session(std::int64_t user_id, std::int64_t started_at) {
  GuidedSessionRecord record;
  record.user_id = user_id;
  record.started_at = at_seconds(started_at);
  record.ended_at = at_seconds(started_at + 600);
  record.pain_before = 6;
  record.pain_after = 3;
  record.record_json = R"({"points":["gluteus_medius"],"holds":3,"stops":0})";
  return record;
}

inline Reminders make_reminders(std::int64_t user_id, std::uint8_t weekdays, int minute_of_day) {
  Reminders reminders;
  reminders.user_id = user_id;
  reminders.weekdays = weekdays;
  reminders.minute_of_day = minute_of_day;
  reminders.updated_at = at_seconds(1'700'000'000);
  return reminders;
}

// A consent of `user_id` to `parts` from `created_at` until `until`.
inline Consent make_consent(std::int64_t user_id, std::uint8_t parts, std::int64_t created_at,
                            std::int64_t until) {
  Consent consent;
  consent.user_id = user_id;
  consent.parts = parts;
  consent.created_at = at_seconds(created_at);
  consent.until = at_seconds(until);
  return consent;
}

// `actor_id` read the `what` of `patient_id` at `at`.
inline AuditEntry make_audit(std::int64_t actor_id, std::int64_t patient_id, std::string what,
                             std::int64_t at) {
  AuditEntry entry;
  entry.at = at_seconds(at);
  entry.actor_id = actor_id;
  entry.patient_id = patient_id;
  entry.action = "read";
  entry.what = std::move(what);
  entry.why = "clinical care";
  entry.request_id = "req-1";
  return entry;
}

// A request of `user_id` for an assessment, made at `created_at`.
inline Appointment make_appointment(std::int64_t user_id, std::int64_t created_at,
                                    AppointmentUrgency urgency = AppointmentUrgency::kNone) {
  Appointment appointment;
  appointment.user_id = user_id;
  appointment.type_id = "assessment";
  appointment.reason = "outer hip pain for three weeks";
  appointment.preferred = "weekday mornings";
  appointment.urgency = urgency;
  appointment.created_at = at_seconds(created_at);
  return appointment;
}

// Staff move appointment `id` to `status` at `at`, starting at `start` for
// `minutes`, with a notification.
inline AppointmentChange make_change(std::int64_t id, AppointmentStatus status, std::int64_t at,
                                     std::optional<std::int64_t> start = std::nullopt,
                                     int minutes = 45) {
  AppointmentChange change;
  change.appointment_id = id;
  change.status = status;
  if (start) {
    change.start = at_seconds(*start);
    change.minutes = minutes;
  }
  change.at = at_seconds(at);
  OutboxMessage message;
  message.kind = "appointment";
  message.subject = "Your appointment request";
  message.body = "Your appointment request has changed. Sign in to see it.";
  message.created_at = at_seconds(at);
  change.notify = message;
  return change;
}

// Forwards every call to another store, except that call number
// `failing_call` (counting from 1, over all methods) fails with kUnavailable
// instead of reaching it. Like leveldb's ErrorEnv and Beast's fail_count.
// Not thread-safe.
class FailingStore final : public Store {
 public:
  FailingStore(Store& store, int failing_call) : store_(store), failing_call_(failing_call) {}

  core::Result<int> schema_version() override {
    if (fails()) return failure();
    return store_.schema_version();
  }
  core::Result<User> create_user(const User& user) override {
    if (fails()) return failure();
    return store_.create_user(user);
  }
  core::Result<User> find_user_by_email(std::string_view email) override {
    if (fails()) return failure();
    return store_.find_user_by_email(email);
  }
  core::Result<User> find_user(std::int64_t user_id) override {
    if (fails()) return failure();
    return store_.find_user(user_id);
  }
  core::Result<void> update_password_hash(std::int64_t user_id,
                                          std::string_view password_hash) override {
    if (fails()) return failure();
    return store_.update_password_hash(user_id, password_hash);
  }
  core::Result<void> delete_user(std::int64_t user_id) override {
    if (fails()) return failure();
    return store_.delete_user(user_id);
  }
  core::Result<void> create_session(const Session& session) override {
    if (fails()) return failure();
    return store_.create_session(session);
  }
  core::Result<Session> find_session(std::string_view token_hash,
                                     std::chrono::sys_seconds now) override {
    if (fails()) return failure();
    return store_.find_session(token_hash, now);
  }
  core::Result<void> delete_session(std::string_view token_hash) override {
    if (fails()) return failure();
    return store_.delete_session(token_hash);
  }
  core::Result<std::int64_t> delete_expired_sessions(std::chrono::sys_seconds now) override {
    if (fails()) return failure();
    return store_.delete_expired_sessions(now);
  }
  core::Result<std::int64_t> add_diary_entry(const DiaryEntry& entry) override {
    if (fails()) return failure();
    return store_.add_diary_entry(entry);
  }
  core::Result<std::vector<DiaryEntry>> list_diary(std::int64_t user_id, int limit,
                                                   std::optional<DiaryCursor> before) override {
    if (fails()) return failure();
    return store_.list_diary(user_id, limit, before);
  }
  core::Result<DiaryEntry> get_diary_entry(std::int64_t user_id, std::int64_t entry_id) override {
    if (fails()) return failure();
    return store_.get_diary_entry(user_id, entry_id);
  }
  core::Result<void> delete_diary_entry(std::int64_t user_id, std::int64_t entry_id) override {
    if (fails()) return failure();
    return store_.delete_diary_entry(user_id, entry_id);
  }
  core::Result<std::int64_t> save_triage(const SavedTriage& triage) override {
    if (fails()) return failure();
    return store_.save_triage(triage);
  }
  core::Result<std::vector<SavedTriage>> list_triage(std::int64_t user_id) override {
    if (fails()) return failure();
    return store_.list_triage(user_id);
  }

  core::Result<std::int64_t> add_questionnaire_response(
      const QuestionnaireResponse& response) override {
    if (fails()) return failure();
    return store_.add_questionnaire_response(response);
  }
  core::Result<std::vector<QuestionnaireResponse>> list_questionnaire_responses(
      std::int64_t user_id) override {
    if (fails()) return failure();
    return store_.list_questionnaire_responses(user_id);
  }
  core::Result<std::int64_t> add_guided_session(const GuidedSessionRecord& record) override {
    if (fails()) return failure();
    return store_.add_guided_session(record);
  }
  core::Result<std::vector<GuidedSessionRecord>> list_guided_sessions(
      std::int64_t user_id) override {
    if (fails()) return failure();
    return store_.list_guided_sessions(user_id);
  }
  core::Result<Reminders> get_reminders(std::int64_t user_id) override {
    if (fails()) return failure();
    return store_.get_reminders(user_id);
  }
  core::Result<void> put_reminders(const Reminders& reminders) override {
    if (fails()) return failure();
    return store_.put_reminders(reminders);
  }
  core::Result<void> set_reminder_feed(std::int64_t user_id, std::string_view token_hash) override {
    if (fails()) return failure();
    return store_.set_reminder_feed(user_id, token_hash);
  }
  core::Result<Reminders> find_reminders_by_feed(std::string_view token_hash) override {
    if (fails()) return failure();
    return store_.find_reminders_by_feed(token_hash);
  }
  core::Result<std::int64_t> add_consent(const Consent& consent) override {
    if (fails()) return failure();
    return store_.add_consent(consent);
  }
  core::Result<std::vector<Consent>> list_consents(std::int64_t user_id) override {
    if (fails()) return failure();
    return store_.list_consents(user_id);
  }
  core::Result<void> revoke_consent(std::int64_t user_id, std::int64_t consent_id,
                                    std::chrono::sys_seconds now) override {
    if (fails()) return failure();
    return store_.revoke_consent(user_id, consent_id, now);
  }
  core::Result<std::uint8_t> shared_parts(std::int64_t user_id,
                                          std::chrono::sys_seconds now) override {
    if (fails()) return failure();
    return store_.shared_parts(user_id, now);
  }
  core::Result<std::vector<SharingPatient>> list_sharing_patients(
      std::chrono::sys_seconds now) override {
    if (fails()) return failure();
    return store_.list_sharing_patients(now);
  }
  core::Result<std::int64_t> append_audit(const AuditEntry& entry) override {
    if (fails()) return failure();
    return store_.append_audit(entry);
  }
  core::Result<std::vector<AuditEntry>> list_audit_for_patient(std::int64_t patient_id) override {
    if (fails()) return failure();
    return store_.list_audit_for_patient(patient_id);
  }
  core::Result<std::vector<AuditEntry>> list_audit(int limit,
                                                   std::optional<std::int64_t> before_id) override {
    if (fails()) return failure();
    return store_.list_audit(limit, before_id);
  }
  core::Result<std::int64_t> add_appointment(const Appointment& appointment) override {
    if (fails()) return failure();
    return store_.add_appointment(appointment);
  }
  core::Result<Appointment> get_appointment(std::int64_t appointment_id) override {
    if (fails()) return failure();
    return store_.get_appointment(appointment_id);
  }
  core::Result<std::vector<Appointment>> list_appointments(std::int64_t user_id) override {
    if (fails()) return failure();
    return store_.list_appointments(user_id);
  }
  core::Result<std::vector<Appointment>> list_appointment_queue(
      std::optional<AppointmentStatus> status) override {
    if (fails()) return failure();
    return store_.list_appointment_queue(status);
  }
  core::Result<Appointment> change_appointment(const AppointmentChange& change) override {
    if (fails()) return failure();
    return store_.change_appointment(change);
  }
  core::Result<AppointmentNote> add_appointment_note(const AppointmentNote& note) override {
    if (fails()) return failure();
    return store_.add_appointment_note(note);
  }
  core::Result<std::vector<AppointmentNote>> list_appointment_notes(
      std::int64_t appointment_id) override {
    if (fails()) return failure();
    return store_.list_appointment_notes(appointment_id);
  }
  core::Result<std::vector<OutboxMessage>> deliver_notifications(
      std::int64_t user_id, std::chrono::sys_seconds now) override {
    if (fails()) return failure();
    return store_.deliver_notifications(user_id, now);
  }
  core::Result<std::int64_t> count_undelivered_notifications(std::int64_t user_id) override {
    if (fails()) return failure();
    return store_.count_undelivered_notifications(user_id);
  }
  core::Result<std::int64_t> delete_user_sessions(std::int64_t user_id,
                                                  std::string_view keep_token_hash) override {
    if (fails()) return failure();
    return store_.delete_user_sessions(user_id, keep_token_hash);
  }

  core::Result<void> set_session_stage(std::string_view token_hash, SessionStage stage) override {
    if (fails()) return failure();
    return store_.set_session_stage(token_hash, stage);
  }
  core::Result<TwoFactor> get_two_factor(std::int64_t user_id) override {
    if (fails()) return failure();
    return store_.get_two_factor(user_id);
  }
  core::Result<void> start_two_factor(const TwoFactor& pending) override {
    if (fails()) return failure();
    return store_.start_two_factor(pending);
  }
  core::Result<void> enable_two_factor(std::int64_t user_id, std::int64_t used_step,
                                       const std::vector<std::string>& code_hashes,
                                       std::chrono::sys_seconds at) override {
    if (fails()) return failure();
    return store_.enable_two_factor(user_id, used_step, code_hashes, at);
  }
  core::Result<void> use_two_factor_step(std::int64_t user_id, std::int64_t step) override {
    if (fails()) return failure();
    return store_.use_two_factor_step(user_id, step);
  }
  core::Result<void> use_recovery_code(std::int64_t user_id, std::string_view code_hash,
                                       std::chrono::sys_seconds at) override {
    if (fails()) return failure();
    return store_.use_recovery_code(user_id, code_hash, at);
  }
  core::Result<void> replace_recovery_codes(std::int64_t user_id,
                                            const std::vector<std::string>& code_hashes,
                                            std::chrono::sys_seconds at) override {
    if (fails()) return failure();
    return store_.replace_recovery_codes(user_id, code_hashes, at);
  }
  core::Result<std::vector<RecoveryCode>> list_recovery_codes(std::int64_t user_id) override {
    if (fails()) return failure();
    return store_.list_recovery_codes(user_id);
  }
  core::Result<void> delete_two_factor(std::int64_t user_id) override {
    if (fails()) return failure();
    return store_.delete_two_factor(user_id);
  }
  core::Result<SignInFailures> count_sign_in_failure(SignInKeyKind kind, std::string_view key,
                                                     const SignInFailureRule& rule,
                                                     std::chrono::sys_seconds now) override {
    if (fails()) return failure();
    return store_.count_sign_in_failure(kind, key, rule, now);
  }
  core::Result<SignInFailures> find_sign_in_failures(SignInKeyKind kind,
                                                     std::string_view key) override {
    if (fails()) return failure();
    return store_.find_sign_in_failures(kind, key);
  }
  core::Result<void> clear_sign_in_failures(SignInKeyKind kind, std::string_view key) override {
    if (fails()) return failure();
    return store_.clear_sign_in_failures(kind, key);
  }

  int calls() const { return calls_; }

 private:
  bool fails() { return ++calls_ == failing_call_; }
  core::Error failure() const {
    return core::Error::unavailable("failing_store",
                                    "injected failure on call " + std::to_string(calls_));
  }

  Store& store_;
  const int failing_call_;
  int calls_ = 0;
};

}  // namespace hipcoach::storage::testing
