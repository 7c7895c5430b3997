#include "hipcoach/storage/memory_store.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "migrations/migrations.h"

namespace hipcoach::storage {
namespace {

using core::Error;

// Emails compare ignoring ASCII case, as SQLite's NOCASE collation does.
std::string fold_email(std::string_view email) {
  std::string folded(email);
  for (char& c : folded) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return folded;
}

std::string row(std::string_view table, std::int64_t id) {
  return std::string(table) + "/" + std::to_string(id);
}

// Gives `record` of an existing user the next id of `table` and keeps it.
// REQUIRES: the store's mutex held.
template <typename Record>
core::Result<std::int64_t> keep(const std::map<std::int64_t, User>& users,
                                std::map<std::int64_t, Record>& table, std::int64_t& next_id,
                                Record record) {
  if (!users.contains(record.user_id)) {
    return Error::not_found(row("users", record.user_id), "no such user");
  }
  record.id = next_id++;
  const std::int64_t id = record.id;
  table.emplace(id, std::move(record));
  return id;
}

// The records of `user_id` in `table`, ordered by `before`. REQUIRES: the
// store's mutex held.
template <typename Record, typename Before>
std::vector<Record> records_of(const std::map<std::int64_t, Record>& table, std::int64_t user_id,
                               Before before) {
  std::vector<Record> records;
  for (const auto& [id, record] : table) {
    if (record.user_id == user_id) records.push_back(record);
  }
  std::sort(records.begin(), records.end(), before);
  return records;
}

}  // namespace

core::Result<int> MemoryStore::schema_version() { return migrations::kLatestSchemaVersion; }

core::Result<User> MemoryStore::create_user(const User& user) {
  if (auto ok = check_user(user); !ok) return ok.error();
  const std::scoped_lock lock(mutex_);
  std::string folded = fold_email(user.email);
  if (user_ids_by_folded_email_.contains(folded)) {
    return Error::conflict("users", "an account with this email exists");
  }
  User created = user;
  created.id = next_user_id_++;
  user_ids_by_folded_email_.emplace(std::move(folded), created.id);
  users_.emplace(created.id, created);
  return created;
}

core::Result<User> MemoryStore::find_user_by_email(std::string_view email) {
  const std::scoped_lock lock(mutex_);
  const auto it = user_ids_by_folded_email_.find(fold_email(email));
  if (it == user_ids_by_folded_email_.end()) {
    return Error::not_found("users", "no account with this email");
  }
  return users_.at(it->second);
}

core::Result<User> MemoryStore::find_user(std::int64_t user_id) {
  const std::scoped_lock lock(mutex_);
  const auto it = users_.find(user_id);
  if (it == users_.end()) return Error::not_found(row("users", user_id), "no such user");
  return it->second;
}

core::Result<void> MemoryStore::update_password_hash(std::int64_t user_id,
                                                     std::string_view password_hash) {
  if (auto ok = check_password_hash(password_hash); !ok) return ok;
  const std::scoped_lock lock(mutex_);
  const auto it = users_.find(user_id);
  if (it == users_.end()) return Error::not_found(row("users", user_id), "no such user");
  it->second.password_hash = std::string(password_hash);
  return {};
}

core::Result<void> MemoryStore::delete_user(std::int64_t user_id) {
  const std::scoped_lock lock(mutex_);
  const auto it = users_.find(user_id);
  if (it == users_.end()) return Error::not_found(row("users", user_id), "no such user");
  std::erase_if(sessions_, [&](const auto& item) { return item.second.user_id == user_id; });
  std::erase_if(diary_, [&](const auto& item) { return item.second.user_id == user_id; });
  std::erase_if(triage_, [&](const auto& item) { return item.second.user_id == user_id; });
  std::erase_if(questionnaire_responses_,
                [&](const auto& item) { return item.second.user_id == user_id; });
  std::erase_if(guided_sessions_, [&](const auto& item) { return item.second.user_id == user_id; });
  reminders_.erase(user_id);
  std::erase_if(consents_, [&](const auto& item) { return item.second.user_id == user_id; });
  std::erase_if(appointment_notes_, [&](const auto& item) {
    const auto appointment = appointments_.find(item.second.appointment_id);
    return appointment != appointments_.end() && appointment->second.user_id == user_id;
  });
  std::erase_if(appointments_, [&](const auto& item) { return item.second.user_id == user_id; });
  std::erase_if(outbox_, [&](const auto& item) { return item.second.user_id == user_id; });
  two_factor_.erase(user_id);
  std::erase_if(recovery_codes_, [&](const auto& item) { return item.second.user_id == user_id; });
  user_ids_by_folded_email_.erase(fold_email(it->second.email));
  users_.erase(it);
  return {};
}

core::Result<void> MemoryStore::create_session(const Session& session) {
  if (auto ok = check_session(session); !ok) return ok;
  const std::scoped_lock lock(mutex_);
  if (!users_.contains(session.user_id)) {
    return Error::not_found(row("users", session.user_id), "no such user");
  }
  if (sessions_.contains(session.token_hash)) {
    return Error::conflict("sessions", "a session with this token hash exists");
  }
  sessions_.emplace(session.token_hash, session);
  return {};
}

core::Result<Session> MemoryStore::find_session(std::string_view token_hash,
                                                std::chrono::sys_seconds now) {
  const std::scoped_lock lock(mutex_);
  const auto it = sessions_.find(token_hash);
  if (it == sessions_.end() || now >= it->second.expires_at) {
    return Error::not_found("sessions", "no such session, or it has expired");
  }
  return it->second;
}

core::Result<void> MemoryStore::delete_session(std::string_view token_hash) {
  const std::scoped_lock lock(mutex_);
  const auto it = sessions_.find(token_hash);
  if (it == sessions_.end()) return Error::not_found("sessions", "no such session");
  sessions_.erase(it);
  return {};
}

core::Result<void> MemoryStore::set_session_stage(std::string_view token_hash, SessionStage stage) {
  const std::scoped_lock lock(mutex_);
  const auto it = sessions_.find(token_hash);
  if (it == sessions_.end()) return Error::not_found("sessions", "no such session");
  it->second.stage = stage;
  return {};
}

core::Result<TwoFactor> MemoryStore::get_two_factor(std::int64_t user_id) {
  const std::scoped_lock lock(mutex_);
  const auto it = two_factor_.find(user_id);
  if (it == two_factor_.end()) {
    return Error::not_found(row("two_factor", user_id), "no two-step sign-in");
  }
  return it->second;
}

core::Result<void> MemoryStore::start_two_factor(const TwoFactor& pending) {
  if (auto ok = check_two_factor_secret(pending.secret); !ok) return ok;
  const std::scoped_lock lock(mutex_);
  if (!users_.contains(pending.user_id)) {
    return Error::not_found(row("users", pending.user_id), "no such user");
  }
  if (const auto it = two_factor_.find(pending.user_id);
      it != two_factor_.end() && it->second.enabled) {
    return Error::conflict(row("two_factor", pending.user_id), "two-step sign-in is on already");
  }
  TwoFactor kept;
  kept.user_id = pending.user_id;
  kept.secret = pending.secret;
  kept.created_at = pending.created_at;
  two_factor_[pending.user_id] = std::move(kept);
  return {};
}

void MemoryStore::put_recovery_codes(std::int64_t user_id,
                                     const std::vector<std::string>& code_hashes,
                                     std::chrono::sys_seconds at) {
  std::erase_if(recovery_codes_, [&](const auto& item) { return item.second.user_id == user_id; });
  for (const std::string& hash : code_hashes) {
    const std::int64_t id = next_recovery_code_id_++;
    recovery_codes_.emplace(id, RecoveryCode{id, user_id, hash, at, std::nullopt});
  }
}

core::Result<void> MemoryStore::enable_two_factor(std::int64_t user_id, std::int64_t used_step,
                                                  const std::vector<std::string>& code_hashes,
                                                  std::chrono::sys_seconds at) {
  if (auto ok = check_recovery_code_hashes(code_hashes); !ok) return ok;
  const std::scoped_lock lock(mutex_);
  const auto it = two_factor_.find(user_id);
  if (it == two_factor_.end()) {
    return Error::not_found(row("two_factor", user_id), "no two-step sign-in is being set up");
  }
  if (it->second.enabled) {
    return Error::conflict(row("two_factor", user_id), "two-step sign-in is on already");
  }
  it->second.enabled = true;
  it->second.enabled_at = at;
  it->second.last_used_step = used_step;
  put_recovery_codes(user_id, code_hashes, at);
  return {};
}

core::Result<void> MemoryStore::use_two_factor_step(std::int64_t user_id, std::int64_t step) {
  const std::scoped_lock lock(mutex_);
  const auto it = two_factor_.find(user_id);
  if (it == two_factor_.end() || !it->second.enabled) {
    return Error::not_found(row("two_factor", user_id), "two-step sign-in is not on");
  }
  if (it->second.last_used_step && step <= *it->second.last_used_step) {
    return Error::conflict(row("two_factor", user_id), "this code was used already");
  }
  it->second.last_used_step = step;
  return {};
}

core::Result<void> MemoryStore::use_recovery_code(std::int64_t user_id, std::string_view code_hash,
                                                  std::chrono::sys_seconds at) {
  const std::scoped_lock lock(mutex_);
  for (auto& [id, code] : recovery_codes_) {
    if (code.user_id == user_id && code.code_hash == code_hash && !code.used_at) {
      code.used_at = at;
      return {};
    }
  }
  return Error::not_found("recovery_codes", "no unused recovery code matches");
}

core::Result<void> MemoryStore::replace_recovery_codes(std::int64_t user_id,
                                                       const std::vector<std::string>& code_hashes,
                                                       std::chrono::sys_seconds at) {
  if (auto ok = check_recovery_code_hashes(code_hashes); !ok) return ok;
  const std::scoped_lock lock(mutex_);
  const auto it = two_factor_.find(user_id);
  if (it == two_factor_.end() || !it->second.enabled) {
    return Error::not_found(row("two_factor", user_id), "two-step sign-in is not on");
  }
  put_recovery_codes(user_id, code_hashes, at);
  return {};
}

core::Result<std::vector<RecoveryCode>> MemoryStore::list_recovery_codes(std::int64_t user_id) {
  const std::scoped_lock lock(mutex_);
  std::vector<RecoveryCode> codes;
  for (const auto& [id, code] : recovery_codes_) {
    if (code.user_id == user_id) codes.push_back(code);
  }
  return codes;
}

core::Result<void> MemoryStore::delete_two_factor(std::int64_t user_id) {
  const std::scoped_lock lock(mutex_);
  if (two_factor_.erase(user_id) == 0) {
    return Error::not_found(row("two_factor", user_id), "no two-step sign-in");
  }
  std::erase_if(recovery_codes_, [&](const auto& item) { return item.second.user_id == user_id; });
  return {};
}

core::Result<std::int64_t> MemoryStore::delete_expired_sessions(std::chrono::sys_seconds now) {
  const std::scoped_lock lock(mutex_);
  return static_cast<std::int64_t>(
      std::erase_if(sessions_, [&](const auto& item) { return now >= item.second.expires_at; }));
}

core::Result<std::int64_t> MemoryStore::delete_user_sessions(std::int64_t user_id,
                                                             std::string_view keep_token_hash) {
  const std::scoped_lock lock(mutex_);
  return static_cast<std::int64_t>(std::erase_if(sessions_, [&](const auto& item) {
    return item.second.user_id == user_id && item.first != keep_token_hash;
  }));
}

core::Result<SignInFailures> MemoryStore::count_sign_in_failure(SignInKeyKind kind,
                                                                std::string_view key,
                                                                const SignInFailureRule& rule,
                                                                std::chrono::sys_seconds now) {
  if (auto ok = check_sign_in_failure(key, rule); !ok) return ok.error();
  const std::scoped_lock lock(mutex_);
  std::erase_if(sign_in_failures_, [&](const auto& item) {
    return item.first.first == kind && sign_in_failures_ended(item.second, rule, now);
  });
  auto& row = sign_in_failures_[{kind, std::string(key)}];
  const bool is_new = row.failures == 0;
  row = next_sign_in_failures(is_new ? std::nullopt : std::optional(row), rule, now);
  return row;
}

core::Result<SignInFailures> MemoryStore::find_sign_in_failures(SignInKeyKind kind,
                                                                std::string_view key) {
  const std::scoped_lock lock(mutex_);
  const auto found = sign_in_failures_.find(std::pair{kind, std::string(key)});
  if (found == sign_in_failures_.end()) {
    return Error::not_found("sign_in_failures", "no failed sign-in is counted for this key");
  }
  return found->second;
}

core::Result<void> MemoryStore::clear_sign_in_failures(SignInKeyKind kind, std::string_view key) {
  const std::scoped_lock lock(mutex_);
  sign_in_failures_.erase(std::pair{kind, std::string(key)});
  return {};
}

core::Result<std::int64_t> MemoryStore::add_diary_entry(const DiaryEntry& entry) {
  if (auto ok = check_diary_entry(entry); !ok) return ok.error();
  const std::scoped_lock lock(mutex_);
  return keep(users_, diary_, next_diary_id_, entry);
}

core::Result<std::vector<DiaryEntry>> MemoryStore::list_diary(std::int64_t user_id, int limit,
                                                              std::optional<DiaryCursor> before) {
  if (auto ok = check_list_limit(limit); !ok) return ok.error();
  const std::scoped_lock lock(mutex_);
  std::vector<DiaryEntry> entries;
  for (const auto& [id, entry] : diary_) {
    if (entry.user_id != user_id) continue;
    if (before && std::tie(entry.at_utc, entry.id) >= std::tie(before->at_utc, before->id)) {
      continue;
    }
    entries.push_back(entry);
  }
  const auto newer = [](const DiaryEntry& a, const DiaryEntry& b) {
    return std::tie(a.at_utc, a.id) > std::tie(b.at_utc, b.id);
  };
  const auto count = std::min(entries.size(), static_cast<std::size_t>(limit));
  std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(count),
                    entries.end(), newer);
  entries.resize(count);
  return entries;
}

core::Result<DiaryEntry> MemoryStore::get_diary_entry(std::int64_t user_id, std::int64_t entry_id) {
  const std::scoped_lock lock(mutex_);
  const auto it = diary_.find(entry_id);
  if (it == diary_.end() || it->second.user_id != user_id) {
    return Error::not_found(row("diary_entries", entry_id), "no such diary entry");
  }
  return it->second;
}

core::Result<void> MemoryStore::delete_diary_entry(std::int64_t user_id, std::int64_t entry_id) {
  const std::scoped_lock lock(mutex_);
  const auto it = diary_.find(entry_id);
  if (it == diary_.end() || it->second.user_id != user_id) {
    return Error::not_found(row("diary_entries", entry_id), "no such diary entry");
  }
  diary_.erase(it);
  return {};
}

core::Result<std::int64_t> MemoryStore::save_triage(const SavedTriage& triage) {
  if (auto ok = check_saved_triage(triage); !ok) return ok.error();
  const std::scoped_lock lock(mutex_);
  return keep(users_, triage_, next_triage_id_, triage);
}

core::Result<std::vector<SavedTriage>> MemoryStore::list_triage(std::int64_t user_id) {
  const std::scoped_lock lock(mutex_);
  return records_of(triage_, user_id, [](const SavedTriage& a, const SavedTriage& b) {
    return std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id);
  });
}

core::Result<std::int64_t> MemoryStore::add_questionnaire_response(
    const QuestionnaireResponse& response) {
  if (auto ok = check_questionnaire_response(response); !ok) return ok.error();
  const std::scoped_lock lock(mutex_);
  return keep(users_, questionnaire_responses_, next_questionnaire_id_, response);
}

core::Result<std::vector<QuestionnaireResponse>> MemoryStore::list_questionnaire_responses(
    std::int64_t user_id) {
  const std::scoped_lock lock(mutex_);
  return records_of(questionnaire_responses_, user_id,
                    [](const QuestionnaireResponse& a, const QuestionnaireResponse& b) {
                      return std::tie(a.at_utc, a.id) < std::tie(b.at_utc, b.id);
                    });
}

core::Result<std::int64_t> MemoryStore::add_guided_session(const GuidedSessionRecord& record) {
  if (auto ok = check_guided_session(record); !ok) return ok.error();
  const std::scoped_lock lock(mutex_);
  return keep(users_, guided_sessions_, next_guided_session_id_, record);
}

core::Result<std::vector<GuidedSessionRecord>> MemoryStore::list_guided_sessions(
    std::int64_t user_id) {
  const std::scoped_lock lock(mutex_);
  return records_of(guided_sessions_, user_id,
                    [](const GuidedSessionRecord& a, const GuidedSessionRecord& b) {
                      return std::tie(a.started_at, a.id) < std::tie(b.started_at, b.id);
                    });
}

core::Result<Reminders> MemoryStore::get_reminders(std::int64_t user_id) {
  const std::scoped_lock lock(mutex_);
  const auto it = reminders_.find(user_id);
  if (it == reminders_.end()) return Error::not_found(row("reminders", user_id), "no reminders");
  return it->second;
}

core::Result<void> MemoryStore::put_reminders(const Reminders& reminders) {
  if (auto ok = check_reminders(reminders); !ok) return ok;
  const std::scoped_lock lock(mutex_);
  if (!users_.contains(reminders.user_id)) {
    return Error::not_found(row("users", reminders.user_id), "no such user");
  }
  Reminders& kept = reminders_[reminders.user_id];
  std::string feed = std::move(kept.feed_token_hash);
  kept = reminders;
  kept.feed_token_hash = std::move(feed);
  return {};
}

core::Result<void> MemoryStore::set_reminder_feed(std::int64_t user_id,
                                                  std::string_view token_hash) {
  if (auto ok = check_feed_token_hash(token_hash); !ok) return ok;
  const std::scoped_lock lock(mutex_);
  const auto it = reminders_.find(user_id);
  if (it == reminders_.end()) return Error::not_found(row("reminders", user_id), "no reminders");
  if (!token_hash.empty()) {
    for (const auto& [other, reminders] : reminders_) {
      if (other != user_id && reminders.feed_token_hash == token_hash) {
        return Error::conflict(row("reminders", user_id), "a row with this key exists");
      }
    }
  }
  it->second.feed_token_hash = std::string(token_hash);
  return {};
}

core::Result<Reminders> MemoryStore::find_reminders_by_feed(std::string_view token_hash) {
  const std::scoped_lock lock(mutex_);
  if (!token_hash.empty()) {
    for (const auto& [user_id, reminders] : reminders_) {
      if (reminders.feed_token_hash == token_hash) return reminders;
    }
  }
  return Error::not_found("reminders", "no reminders have this feed");
}

core::Result<std::int64_t> MemoryStore::add_consent(const Consent& consent) {
  if (auto ok = check_consent(consent); !ok) return ok.error();
  const std::scoped_lock lock(mutex_);
  Consent kept = consent;
  kept.revoked_at.reset();
  return keep(users_, consents_, next_consent_id_, std::move(kept));
}

core::Result<std::vector<Consent>> MemoryStore::list_consents(std::int64_t user_id) {
  const std::scoped_lock lock(mutex_);
  return records_of(consents_, user_id, [](const Consent& a, const Consent& b) {
    return std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id);
  });
}

core::Result<void> MemoryStore::revoke_consent(std::int64_t user_id, std::int64_t consent_id,
                                               std::chrono::sys_seconds now) {
  const std::scoped_lock lock(mutex_);
  const auto it = consents_.find(consent_id);
  if (it == consents_.end() || it->second.user_id != user_id) {
    return Error::not_found(row("consents", consent_id), "no such consent");
  }
  if (!it->second.revoked_at) it->second.revoked_at = now;
  return {};
}

core::Result<std::uint8_t> MemoryStore::shared_parts(std::int64_t user_id,
                                                     std::chrono::sys_seconds now) {
  const std::scoped_lock lock(mutex_);
  std::uint8_t parts = 0;
  for (const auto& [id, consent] : consents_) {
    if (consent.user_id == user_id && is_active(consent, now)) {
      parts = static_cast<std::uint8_t>(parts | consent.parts);
    }
  }
  return parts;
}

core::Result<std::vector<SharingPatient>> MemoryStore::list_sharing_patients(
    std::chrono::sys_seconds now) {
  const std::scoped_lock lock(mutex_);
  std::map<std::int64_t, SharingPatient> patients;
  for (const auto& [id, consent] : consents_) {
    if (!is_active(consent, now)) continue;
    auto [it, added] = patients.try_emplace(consent.user_id);
    SharingPatient& patient = it->second;
    if (added) {
      patient.user_id = consent.user_id;
      patient.email = users_.at(consent.user_id).email;
    }
    patient.parts = static_cast<std::uint8_t>(patient.parts | consent.parts);
    patient.until = std::max(patient.until, consent.until);
  }
  std::vector<SharingPatient> sharing;
  for (auto& [user_id, patient] : patients) sharing.push_back(std::move(patient));
  return sharing;
}

core::Result<std::int64_t> MemoryStore::append_audit(const AuditEntry& entry) {
  if (auto ok = check_audit_entry(entry); !ok) return ok.error();
  const std::scoped_lock lock(mutex_);
  const auto actor = users_.find(entry.actor_id);
  if (actor == users_.end() || !users_.contains(entry.patient_id)) {
    return Error::not_found("audit_log", "the actor or the patient does not exist");
  }
  AuditEntry appended = entry;
  appended.id = static_cast<std::int64_t>(audit_log_.size()) + 1;
  appended.actor_email = actor->second.email;
  appended.actor_role = actor->second.role;
  audit_log_.push_back(std::move(appended));
  return audit_log_.back().id;
}

core::Result<std::vector<AuditEntry>> MemoryStore::list_audit_for_patient(std::int64_t patient_id) {
  const std::scoped_lock lock(mutex_);
  std::vector<AuditEntry> entries;
  for (auto it = audit_log_.rbegin(); it != audit_log_.rend(); ++it) {
    if (it->patient_id == patient_id) entries.push_back(*it);
  }
  return entries;
}

core::Result<std::vector<AuditEntry>> MemoryStore::list_audit(
    int limit, std::optional<std::int64_t> before_id) {
  if (auto ok = check_list_limit(limit); !ok) return ok.error();
  const std::scoped_lock lock(mutex_);
  std::vector<AuditEntry> entries;
  for (auto it = audit_log_.rbegin();
       it != audit_log_.rend() && std::cmp_less(entries.size(), limit); ++it) {
    if (!before_id || it->id < *before_id) entries.push_back(*it);
  }
  return entries;
}

core::Result<std::int64_t> MemoryStore::add_appointment(const Appointment& appointment) {
  Appointment kept = appointment;
  kept.status = AppointmentStatus::kRequested;
  kept.start.reset();
  kept.minutes = 0;
  kept.message.clear();
  kept.updated_at = kept.created_at;
  if (auto ok = check_appointment(kept); !ok) return ok.error();
  const std::scoped_lock lock(mutex_);
  if (!users_.contains(kept.user_id)) {
    return Error::not_found(row("users", kept.user_id), "no such user");
  }
  if (kept.triage_id) {
    const auto it = triage_.find(*kept.triage_id);
    if (it == triage_.end() || it->second.user_id != kept.user_id) {
      return Error::not_found(row("saved_triage", *kept.triage_id), "no such saved triage");
    }
  }
  return keep(users_, appointments_, next_appointment_id_, std::move(kept));
}

core::Result<AppointmentNote> MemoryStore::add_appointment_note(const AppointmentNote& note) {
  if (auto ok = check_appointment_note(note); !ok) return ok.error();
  const std::scoped_lock lock(mutex_);
  if (!appointments_.contains(note.appointment_id)) {
    return Error::not_found(row("appointments", note.appointment_id), "no such appointment");
  }
  const auto author = users_.find(note.author_id);
  if (author == users_.end()) {
    return Error::not_found(row("users", note.author_id), "no such user");
  }
  AppointmentNote kept = note;
  kept.id = next_appointment_note_id_++;
  kept.author_email = author->second.email;
  kept.author_role = author->second.role;
  appointment_notes_.emplace(kept.id, kept);
  return kept;
}

core::Result<std::vector<AppointmentNote>> MemoryStore::list_appointment_notes(
    std::int64_t appointment_id) {
  const std::scoped_lock lock(mutex_);
  std::vector<AppointmentNote> notes;
  for (const auto& [id, note] : appointment_notes_) {
    if (note.appointment_id == appointment_id) notes.push_back(note);
  }
  return notes;
}

core::Result<Appointment> MemoryStore::get_appointment(std::int64_t appointment_id) {
  const std::scoped_lock lock(mutex_);
  const auto it = appointments_.find(appointment_id);
  if (it == appointments_.end()) {
    return Error::not_found(row("appointments", appointment_id), "no such appointment");
  }
  return it->second;
}

core::Result<std::vector<Appointment>> MemoryStore::list_appointments(std::int64_t user_id) {
  const std::scoped_lock lock(mutex_);
  return records_of(appointments_, user_id, [](const Appointment& a, const Appointment& b) {
    return std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id);
  });
}

core::Result<std::vector<Appointment>> MemoryStore::list_appointment_queue(
    std::optional<AppointmentStatus> status) {
  const std::scoped_lock lock(mutex_);
  std::vector<Appointment> queue;
  for (const auto& [id, appointment] : appointments_) {
    if (status ? appointment.status == *status : is_open(appointment.status)) {
      queue.push_back(appointment);
    }
  }
  std::sort(queue.begin(), queue.end(), [](const Appointment& a, const Appointment& b) {
    return std::tie(a.urgency, a.created_at, a.id) < std::tie(b.urgency, b.created_at, b.id);
  });
  return queue;
}

core::Result<Appointment> MemoryStore::change_appointment(const AppointmentChange& change) {
  const std::scoped_lock lock(mutex_);
  const std::string where = row("appointments", change.appointment_id);
  const auto it = appointments_.find(change.appointment_id);
  if (it == appointments_.end() || (change.owner_id && it->second.user_id != *change.owner_id)) {
    return Error::not_found(where, "no such appointment");
  }
  auto changed = apply_appointment_change(it->second, change);
  if (!changed) return changed.error();
  if (changed->status == AppointmentStatus::kConfirmed) {
    const auto end = *changed->start + std::chrono::minutes(changed->minutes);
    for (const auto& [id, other] : appointments_) {
      if (id == changed->id || other.status != AppointmentStatus::kConfirmed) continue;
      const auto other_end = *other.start + std::chrono::minutes(other.minutes);
      if (*other.start < end && *changed->start < other_end) {
        return Error::conflict(where, "the time overlaps another confirmed appointment");
      }
    }
  }
  if (change.notify) {
    OutboxMessage message = *change.notify;
    message.user_id = it->second.user_id;
    message.delivered_at.reset();
    message.id = next_outbox_id_++;
    outbox_.emplace(message.id, std::move(message));
  }
  it->second = *changed;
  return *changed;
}

core::Result<std::vector<OutboxMessage>> MemoryStore::deliver_notifications(
    std::int64_t user_id, std::chrono::sys_seconds now) {
  const std::scoped_lock lock(mutex_);
  std::vector<OutboxMessage> delivered;
  for (auto& [id, message] : outbox_) {
    if (message.user_id != user_id || message.delivered_at) continue;
    message.delivered_at = now;
    delivered.push_back(message);
  }
  return delivered;
}

core::Result<std::int64_t> MemoryStore::count_undelivered_notifications(std::int64_t user_id) {
  const std::scoped_lock lock(mutex_);
  std::int64_t count = 0;
  for (const auto& [id, message] : outbox_) {
    if (message.user_id == user_id && !message.delivered_at) ++count;
  }
  return count;
}

}  // namespace hipcoach::storage
