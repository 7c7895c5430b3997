// MemoryStore: the Store contract kept in memory, for tests and for
// "memory:". Everything is lost when it is destroyed. Thread-safe: one mutex
// guards all state.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "hipcoach/storage/store.h"

namespace hipcoach::storage {

class MemoryStore final : public Store {
 public:
  MemoryStore() = default;

  core::Result<int> schema_version() override;
  core::Result<User> create_user(const User& user) override;
  core::Result<User> find_user_by_email(std::string_view email) override;
  core::Result<User> find_user(std::int64_t user_id) override;
  core::Result<void> update_password_hash(std::int64_t user_id,
                                          std::string_view password_hash) override;
  core::Result<void> delete_user(std::int64_t user_id) override;
  core::Result<void> create_session(const Session& session) override;
  core::Result<Session> find_session(std::string_view token_hash,
                                     std::chrono::sys_seconds now) override;
  core::Result<void> delete_session(std::string_view token_hash) override;
  core::Result<void> set_session_stage(std::string_view token_hash, SessionStage stage) override;
  core::Result<std::int64_t> delete_expired_sessions(std::chrono::sys_seconds now) override;
  core::Result<std::int64_t> add_diary_entry(const DiaryEntry& entry) override;
  core::Result<std::vector<DiaryEntry>> list_diary(std::int64_t user_id, int limit,
                                                   std::optional<DiaryCursor> before) override;
  core::Result<DiaryEntry> get_diary_entry(std::int64_t user_id, std::int64_t entry_id) override;
  core::Result<void> delete_diary_entry(std::int64_t user_id, std::int64_t entry_id) override;
  core::Result<std::int64_t> save_triage(const SavedTriage& triage) override;
  core::Result<std::vector<SavedTriage>> list_triage(std::int64_t user_id) override;
  core::Result<std::int64_t> add_questionnaire_response(
      const QuestionnaireResponse& response) override;
  core::Result<std::vector<QuestionnaireResponse>> list_questionnaire_responses(
      std::int64_t user_id) override;
  core::Result<std::int64_t> add_guided_session(const GuidedSessionRecord& record) override;
  core::Result<std::vector<GuidedSessionRecord>> list_guided_sessions(
      std::int64_t user_id) override;
  core::Result<Reminders> get_reminders(std::int64_t user_id) override;
  core::Result<void> put_reminders(const Reminders& reminders) override;
  core::Result<void> set_reminder_feed(std::int64_t user_id, std::string_view token_hash) override;
  core::Result<Reminders> find_reminders_by_feed(std::string_view token_hash) override;
  core::Result<std::int64_t> add_consent(const Consent& consent) override;
  core::Result<std::vector<Consent>> list_consents(std::int64_t user_id) override;
  core::Result<void> revoke_consent(std::int64_t user_id, std::int64_t consent_id,
                                    std::chrono::sys_seconds now) override;
  core::Result<std::uint8_t> shared_parts(std::int64_t user_id,
                                          std::chrono::sys_seconds now) override;
  core::Result<std::vector<SharingPatient>> list_sharing_patients(
      std::chrono::sys_seconds now) override;
  core::Result<std::int64_t> append_audit(const AuditEntry& entry) override;
  core::Result<std::vector<AuditEntry>> list_audit_for_patient(std::int64_t patient_id) override;
  core::Result<std::vector<AuditEntry>> list_audit(int limit,
                                                   std::optional<std::int64_t> before_id) override;
  core::Result<std::int64_t> add_appointment(const Appointment& appointment) override;
  core::Result<Appointment> get_appointment(std::int64_t appointment_id) override;
  core::Result<std::vector<Appointment>> list_appointments(std::int64_t user_id) override;
  core::Result<std::vector<Appointment>> list_appointment_queue(
      std::optional<AppointmentStatus> status) override;
  core::Result<Appointment> change_appointment(const AppointmentChange& change) override;
  core::Result<AppointmentNote> add_appointment_note(const AppointmentNote& note) override;
  core::Result<std::vector<AppointmentNote>> list_appointment_notes(
      std::int64_t appointment_id) override;
  core::Result<std::vector<OutboxMessage>> deliver_notifications(
      std::int64_t user_id, std::chrono::sys_seconds now) override;
  core::Result<std::int64_t> count_undelivered_notifications(std::int64_t user_id) override;
  core::Result<std::int64_t> delete_user_sessions(std::int64_t user_id,
                                                  std::string_view keep_token_hash) override;
  core::Result<TwoFactor> get_two_factor(std::int64_t user_id) override;
  core::Result<void> start_two_factor(const TwoFactor& pending) override;
  core::Result<void> enable_two_factor(std::int64_t user_id, std::int64_t used_step,
                                       const std::vector<std::string>& code_hashes,
                                       std::chrono::sys_seconds at) override;
  core::Result<void> use_two_factor_step(std::int64_t user_id, std::int64_t step) override;
  core::Result<void> use_recovery_code(std::int64_t user_id, std::string_view code_hash,
                                       std::chrono::sys_seconds at) override;
  core::Result<void> replace_recovery_codes(std::int64_t user_id,
                                            const std::vector<std::string>& code_hashes,
                                            std::chrono::sys_seconds at) override;
  core::Result<std::vector<RecoveryCode>> list_recovery_codes(std::int64_t user_id) override;
  core::Result<void> delete_two_factor(std::int64_t user_id) override;
  core::Result<SignInFailures> count_sign_in_failure(SignInKeyKind kind, std::string_view key,
                                                     const SignInFailureRule& rule,
                                                     std::chrono::sys_seconds now) override;
  core::Result<SignInFailures> find_sign_in_failures(SignInKeyKind kind,
                                                     std::string_view key) override;
  core::Result<void> clear_sign_in_failures(SignInKeyKind kind, std::string_view key) override;

 private:
  // Replaces the recovery codes of `user_id`. REQUIRES: mutex_ held.
  void put_recovery_codes(std::int64_t user_id, const std::vector<std::string>& code_hashes,
                          std::chrono::sys_seconds at);

  std::mutex mutex_;
  // Ids start at 1 and are never reused, as in the SQLite store.
  std::int64_t next_user_id_ = 1;
  std::int64_t next_diary_id_ = 1;
  std::int64_t next_triage_id_ = 1;
  std::int64_t next_questionnaire_id_ = 1;
  std::int64_t next_guided_session_id_ = 1;
  std::int64_t next_consent_id_ = 1;
  std::int64_t next_appointment_id_ = 1;
  std::int64_t next_outbox_id_ = 1;
  std::int64_t next_recovery_code_id_ = 1;
  std::int64_t next_appointment_note_id_ = 1;
  std::map<std::int64_t, User> users_;
  std::map<std::string, std::int64_t> user_ids_by_folded_email_;
  std::map<std::string, Session, std::less<>> sessions_;
  std::map<std::int64_t, DiaryEntry> diary_;
  std::map<std::int64_t, SavedTriage> triage_;
  std::map<std::int64_t, QuestionnaireResponse> questionnaire_responses_;
  std::map<std::int64_t, GuidedSessionRecord> guided_sessions_;
  std::map<std::int64_t, Reminders> reminders_;  // By user id.
  std::map<std::int64_t, Consent> consents_;
  std::vector<AuditEntry> audit_log_;  // In the order appended; never changed.
  std::map<std::int64_t, Appointment> appointments_;
  std::map<std::int64_t, OutboxMessage> outbox_;
  std::map<std::int64_t, AppointmentNote> appointment_notes_;
  std::map<std::int64_t, TwoFactor> two_factor_;  // By user id.
  std::map<std::int64_t, RecoveryCode> recovery_codes_;
  std::map<std::pair<SignInKeyKind, std::string>, SignInFailures, std::less<>> sign_in_failures_;
};

}  // namespace hipcoach::storage
