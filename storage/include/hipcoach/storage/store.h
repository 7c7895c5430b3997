// Store: everything HipCoach keeps about people (accounts, sessions, the pain
// diary, saved triage results, questionnaires, guided sessions, reminders,
// consents to share with the clinic, the audit log of staff reads,
// appointment requests and the outbox of notifications, two-step sign-in:
// the TOTP secret and the recovery codes),
// behind one interface. open_store() in open_store.h picks the implementation
// from a URL; MemoryStore (memory_store.h) keeps everything in memory for
// tests.
//
// Thread-safety: every implementation is thread-safe; any method may be
// called from any thread at the same time as any other.
//
// Time: the store never reads the clock. Every time it records or compares
// comes from the caller, as a std::chrono::sys_seconds.
//
// Errors, the same in every implementation (the contract suite in
// tests/storage/ checks them):
//   kInvalidInput  a record breaks the limits below (where: the field name).
//   kNotFound      no such row, or it belongs to another user: a store never
//                  reveals whether another user's row exists.
//   kConflict      a unique value (an email, a session token hash) is taken,
//                  or an appointment cannot change as asked.
//   kUnavailable   the database cannot be used right now: busy (locked by
//                  another connection beyond the busy timeout), the file is
//                  damaged or not a database, or its schema is newer than
//                  this program.
//   kStorageFull   a write found the disk (or the file's size limit, or the
//                  quota) full; nothing was saved, and reads still work.
//   kInternal      anything else the database reports.
// The where of a stored-data error names the table and, where there is one,
// the row id ("diary_entries/17"). No message ever copies health data
// (pain, notes, triage answers) or secrets (password or token hashes).
//
// Writes are atomic: a method that fails leaves the store as it was, and one
// that succeeds has made its change durable (for SQLite, synchronous=FULL).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/result.h"

namespace hipcoach::storage {

// Limits every implementation enforces, in bytes unless named otherwise.
inline constexpr std::size_t kMaxEmailBytes = 254;
inline constexpr std::size_t kMaxPasswordHashBytes = 512;
inline constexpr std::size_t kMaxTokenHashBytes = 128;
inline constexpr std::size_t kMaxNoteBytes = 2000;
inline constexpr std::size_t kMaxAtBytes = 64;
inline constexpr std::size_t kMaxTriageJsonBytes = 64 * 1024;
inline constexpr std::size_t kMaxQuestionnaireIdBytes = 64;
inline constexpr std::size_t kMaxRecordJsonBytes = 64 * 1024;
inline constexpr int kMinPain = 0;
inline constexpr int kMaxPain = 10;
// The most rows one list_diary call returns.
inline constexpr int kMaxListLimit = 1000;

enum class Role { kPatient, kClinician, kAdmin };
enum class PainContext { kRest, kActivity };
enum class Side { kLeft, kRight, kBoth };

// The snake_case names used in JSON and in the database: "patient",
// "clinician", "admin"; "rest", "activity"; "left", "right", "both".
std::string_view role_name(Role role);
std::string_view pain_context_name(PainContext context);
std::string_view side_name(Side side);
// The inverse of the above; std::nullopt for any other text.
std::optional<Role> parse_role(std::string_view name);
std::optional<PainContext> parse_pain_context(std::string_view name);
std::optional<Side> parse_side(std::string_view name);

struct User {
  std::int64_t id = 0;  // Assigned by create_user; ignored on input.
  // As given. Two emails that differ only in ASCII letter case are the same
  // account.
  std::string email;
  Role role = Role::kPatient;
  // Opaque to the store: the caller hashes the password (argon2id) and
  // checks it. 1..kMaxPasswordHashBytes bytes.
  std::string password_hash;
  std::chrono::sys_seconds created_at{};
};

// How far a session has come through sign-in (two-step sign-in).
enum class SessionStage : std::uint8_t {
  kSignedIn,        // Fully signed in.
  kNeedsCode,       // The password was right; the code of the second step is still due.
  kNeedsEnrolment,  // Staff without two-step sign-in: may only set it up.
};
// "signed_in", "needs_code", "needs_enrolment"; parse_session_stage is the
// inverse, std::nullopt for any other text.
std::string_view session_stage_name(SessionStage stage);
std::optional<SessionStage> parse_session_stage(std::string_view name);

struct Session {
  // The hash of the session token (e.g. 32 raw bytes or 64 hex digits);
  // the token itself is never stored. 1..kMaxTokenHashBytes bytes, any bytes.
  std::string token_hash;
  std::int64_t user_id = 0;
  std::chrono::sys_seconds created_at{};
  // The session is valid while now < expires_at. REQUIRES: >= created_at.
  std::chrono::sys_seconds expires_at{};
  // Default: fully signed in. set_session_stage changes it.
  SessionStage stage = SessionStage::kSignedIn;
};

// A person's two-step sign-in (TOTP, RFC 6238). At most one per user: a
// secret being set up (not enabled) or the one in use (enabled).
struct TwoFactor {
  std::int64_t user_id = 0;
  // The TOTP key, raw bytes: 1..kMaxTwoFactorSecretBytes. The server must
  // read it back to check codes, so it is kept as is, never hashed, and
  // never copied into a message or an export.
  std::string secret;
  // False while being set up (start_two_factor); enable_two_factor sets it.
  bool enabled = false;
  // The latest time step whose code was accepted: codes of this step or an
  // earlier one are refused (replay protection). Ignored on input.
  std::optional<std::int64_t> last_used_step;
  std::chrono::sys_seconds created_at{};               // When this secret was made.
  std::optional<std::chrono::sys_seconds> enabled_at;  // Ignored on input.
};
inline constexpr std::size_t kMaxTwoFactorSecretBytes = 64;

// Failed sign-ins, counted per key in the database so that every server
// process sharing it sees the same counts (service::SignInLimiter). A key is
// an account or a client address, as the caller chooses to name it (the
// service stores a hash of it): 1..kMaxTokenHashBytes bytes, any bytes.
enum class SignInKeyKind : std::uint8_t { kAccount, kClient };
// "account", "client": the key_kind column.
std::string_view sign_in_key_kind_name(SignInKeyKind kind);

// How failures count against a key.
struct SignInFailureRule {
  // A key's count starts with its first failure and lasts this long. > 0.
  // Default: 15 min.
  std::chrono::seconds window = std::chrono::minutes{15};
  // How long a key stays locked once its failures reach max_failures,
  // counted from the failure that reached it. >= 0. Default: 15 min.
  std::chrono::seconds lockout = std::chrono::minutes{15};
  // Failures within the window that lock the key. > 0. Default: 5.
  int max_failures = 5;
};

// One key's failed sign-ins in its current window.
struct SignInFailures {
  std::chrono::sys_seconds window_start{};  // The window's first failure.
  int failures = 0;
  // Unset until the failures reach the rule's maximum.
  std::optional<std::chrono::sys_seconds> locked_until;
};

// One recovery code of two-step sign-in, each usable once.
struct RecoveryCode {
  std::int64_t id = 0;  // Assigned by the store.
  std::int64_t user_id = 0;
  // The code's hash, as for a session token: 1..kMaxTokenHashBytes bytes.
  std::string code_hash;
  std::chrono::sys_seconds created_at{};
  std::optional<std::chrono::sys_seconds> used_at;
};
// The most recovery codes one person holds.
inline constexpr std::size_t kMaxRecoveryCodes = 32;

struct DiaryEntry {
  std::int64_t id = 0;  // Assigned by add_diary_entry; ignored on input.
  std::int64_t user_id = 0;
  int pain = 0;                      // kMinPain..kMaxPain.
  std::string region = "outer_hip";  // One of core::kLocations.
  PainContext context = PainContext::kRest;
  Side side = Side::kBoth;
  std::string note;  // Optional: empty for none. Valid UTF-8.
  // When, as the person gave it: RFC 3339 with its offset, e.g.
  // "2026-11-25T08:30:00-06:00", kept verbatim. 1..kMaxAtBytes bytes.
  std::string at;
  // The same instant in UTC; the diary is ordered by it. The caller derives
  // it from `at`; the store does not parse `at`.
  std::chrono::sys_seconds at_utc{};
};

// Where a page of the diary ends: list_diary returns entries strictly older
// than this one in the diary's order (at_utc, then id, both descending).
struct DiaryCursor {
  std::chrono::sys_seconds at_utc{};
  std::int64_t id = 0;
};
// The cursor that continues after `entry`.
DiaryCursor cursor_after(const DiaryEntry& entry);

struct SavedTriage {
  std::int64_t id = 0;  // Assigned by save_triage; ignored on input.
  std::int64_t user_id = 0;
  std::chrono::sys_seconds created_at{};
  // The answers and the result as the codec wrote them; opaque to the store.
  // Each 1..kMaxTriageJsonBytes bytes.
  std::string answers_json;
  std::string result_json;
};

// One completed outcome questionnaire (data/questionnaires/).
struct QuestionnaireResponse {
  std::int64_t id = 0;  // Assigned by add_questionnaire_response; ignored on input.
  std::int64_t user_id = 0;
  std::string questionnaire_id;  // e.g. "lefs"; 1..kMaxQuestionnaireIdBytes bytes.
  // When it was answered: RFC 3339 with offset, verbatim, 1..kMaxAtBytes
  // bytes, and the same instant in UTC (derived by the caller), as for the diary.
  std::string at;
  std::chrono::sys_seconds at_utc{};
  // The answers as the codec wrote them; opaque to the store (health data).
  // 1..kMaxRecordJsonBytes bytes.
  std::string answers_json;
  double score = 0;  // As core::score_response computed it; finite.
};

// What one guided session (the coach walking through the points) recorded.
struct GuidedSessionRecord {
  std::int64_t id = 0;  // Assigned by add_guided_session; ignored on input.
  std::int64_t user_id = 0;
  std::chrono::sys_seconds started_at{};
  std::chrono::sys_seconds ended_at{};  // REQUIRES: >= started_at.
  std::optional<int> pain_before;       // kMinPain..kMaxPain when set.
  std::optional<int> pain_after;        // kMinPain..kMaxPain when set.
  // The points treated, holds and stops as the coach wrote them; opaque to
  // the store. 1..kMaxRecordJsonBytes bytes.
  std::string record_json;
};

// A person's reminder schedule and the private link of its calendar feed.
struct Reminders {
  std::int64_t user_id = 0;
  // The days: bit 0 = Monday ... bit 6 = Sunday (0..kMaxReminderWeekdays);
  // 0 means no reminder.
  std::uint8_t weekdays = 0;
  // The local time of day, in minutes after midnight: 0..kMaxReminderMinute.
  int minute_of_day = 0;
  // The hash of the feed link's token, as for a session; empty when there is
  // no link. Ignored by put_reminders (set_reminder_feed changes it).
  std::string feed_token_hash;
  std::chrono::sys_seconds updated_at{};
};
inline constexpr std::uint8_t kMaxReminderWeekdays = 0x7f;
inline constexpr int kMaxReminderMinute = 24 * 60 - 1;

// The parts of a person's record they may share with the clinic, as bits of
// Consent::parts.
enum class RecordPart : std::uint8_t {
  kDiary = 1,
  kQuestionnaires = 2,
  kTriage = 4,
  kSessions = 8,
};
inline constexpr std::uint8_t kAllRecordParts = 0x0f;
inline constexpr std::array<RecordPart, 4> kRecordParts = {
    RecordPart::kDiary, RecordPart::kQuestionnaires, RecordPart::kTriage, RecordPart::kSessions};
// "diary", "questionnaires", "triage", "sessions"; parse_record_part is the
// inverse, std::nullopt for any other text.
std::string_view record_part_name(RecordPart part);
std::optional<RecordPart> parse_record_part(std::string_view name);
// Whether the bit mask `parts` includes `part`.
constexpr bool has_part(std::uint8_t parts, RecordPart part) {
  return (parts & static_cast<std::uint8_t>(part)) != 0;
}

// A person's consent that the clinic's staff may read some parts of their
// record for a while. Never deleted while the person's account lives:
// revoking keeps it with its revoked_at, so the person sees their history.
struct Consent {
  std::int64_t id = 0;  // Assigned by add_consent; ignored on input.
  std::int64_t user_id = 0;
  // A bit mask of RecordPart: 1..kAllRecordParts.
  std::uint8_t parts = 0;
  std::chrono::sys_seconds created_at{};
  // It ends at this instant. REQUIRES: > created_at.
  std::chrono::sys_seconds until{};
  // When it was revoked; ignored by add_consent (set by revoke_consent).
  std::optional<std::chrono::sys_seconds> revoked_at;
};
// Whether `consent` lets staff read at `now`: not revoked, and
// created_at <= now < until.
bool is_active(const Consent& consent, std::chrono::sys_seconds now);

// A patient who shares some of their record at a given time, for staff.
struct SharingPatient {
  std::int64_t user_id = 0;
  std::string email;
  std::uint8_t parts = 0;  // The union of their active consents' parts.
  // The latest end of their active consents.
  std::chrono::sys_seconds until{};
};

// One row of the append-only audit log: a member of staff (the actor) did
// something with a patient's record. The log holds no health data: `why` is
// a short reason, not a clinical note.
struct AuditEntry {
  std::int64_t id = 0;  // Assigned by append_audit; ignored on input.
  std::chrono::sys_seconds at{};
  std::int64_t actor_id = 0;
  // Copied by append_audit from the actor's account as it is then, and kept
  // as it was when the account later changes or is deleted; ignored on input.
  std::string actor_email;
  Role actor_role = Role::kPatient;
  std::int64_t patient_id = 0;
  // What was done, e.g. "read": 1..kMaxAuditWordBytes of [a-z_].
  std::string action;
  // Which part, e.g. "diary": 1..kMaxAuditWordBytes of [a-z_].
  std::string what;
  // Why: 1..kMaxAuditReasonBytes of valid UTF-8.
  std::string why;
  // The request that did it, for tracing: 0..kMaxRequestIdBytes, valid UTF-8.
  std::string request_id;
};
inline constexpr std::size_t kMaxAuditWordBytes = 32;
inline constexpr std::size_t kMaxAuditReasonBytes = 200;
inline constexpr std::size_t kMaxRequestIdBytes = 64;

// An appointment request and where it stands. Staff move it on:
// requested -> proposed (again and again) -> confirmed, or declined; the
// patient may cancel it until it is declined or cancelled.
enum class AppointmentStatus : std::uint8_t {
  kRequested,
  kProposed,
  kConfirmed,
  kDeclined,
  kCancelled,
};
// "requested", "proposed", "confirmed", "declined", "cancelled";
// parse_appointment_status is the inverse, std::nullopt for any other text.
std::string_view appointment_status_name(AppointmentStatus status);
std::optional<AppointmentStatus> parse_appointment_status(std::string_view name);
// Whether a request in `status` still waits for staff (requested, proposed).
bool is_open(AppointmentStatus status);
// Whether `from` may move to `to`: requested and proposed go to proposed,
// confirmed, declined or cancelled; confirmed only to cancelled; declined
// and cancelled nowhere.
bool can_change_status(AppointmentStatus from, AppointmentStatus to);

// How soon the patient should be seen, from their attached triage; the
// staff queue puts urgent first. Lower values sort first.
enum class AppointmentUrgency : std::uint8_t { kUrgent, kSoon, kSelfCare, kNone };
// "urgent", "soon", "self_care", "none", and the inverse.
std::string_view urgency_name(AppointmentUrgency urgency);
std::optional<AppointmentUrgency> parse_urgency(std::string_view name);

struct Appointment {
  std::int64_t id = 0;  // Assigned by add_appointment; ignored on input.
  std::int64_t user_id = 0;
  // The clinic's appointment type id: 1..kMaxAppointmentTypeBytes of
  // [a-z0-9_-]. The caller checks it against the clinic's settings.
  std::string type_id;
  // Why, in the patient's words: 1..kMaxAppointmentReasonBytes, valid UTF-8.
  std::string reason;
  // Preferred days and times: 0..kMaxPreferredBytes, valid UTF-8.
  std::string preferred;
  // Not before this instant, when given.
  std::optional<std::chrono::sys_seconds> earliest;
  AppointmentUrgency urgency = AppointmentUrgency::kNone;
  // The patient's own saved triage attached, when given.
  std::optional<std::int64_t> triage_id;
  // Whether the patient lets staff see their diary summary with it.
  bool attach_summary = false;
  // kRequested for add_appointment, which ignores this.
  AppointmentStatus status = AppointmentStatus::kRequested;
  // The proposed or confirmed start and length; required (minutes
  // 1..kMaxAppointmentMinutes) when proposed or confirmed.
  std::optional<std::chrono::sys_seconds> start;
  int minutes = 0;
  // The staff's last message to the patient: 0..kMaxStaffMessageBytes.
  std::string message;
  std::chrono::sys_seconds created_at{};
  std::chrono::sys_seconds updated_at{};  // add_appointment sets it to created_at.
};
inline constexpr std::size_t kMaxAppointmentTypeBytes = 64;
inline constexpr std::size_t kMaxAppointmentReasonBytes = 2000;
inline constexpr std::size_t kMaxPreferredBytes = 200;
inline constexpr std::size_t kMaxStaffMessageBytes = 2000;
inline constexpr int kMaxAppointmentMinutes = 8 * 60;

// A short internal note of the clinic's staff on an appointment request
// (the triage that led to it, a call made). Append-only: never changed or
// deleted, except with its appointment (when the patient's account goes).
// Never shown to the patient.
struct AppointmentNote {
  std::int64_t id = 0;  // Assigned by add_appointment_note; ignored on input.
  std::int64_t appointment_id = 0;
  std::int64_t author_id = 0;
  // Copied by add_appointment_note from the author's account as it is then,
  // and kept when the account later changes or is deleted; ignored on input.
  std::string author_email;
  Role author_role = Role::kPatient;
  std::string text;  // 1..kMaxAppointmentNoteBytes, valid UTF-8.
  std::chrono::sys_seconds created_at{};
};
inline constexpr std::size_t kMaxAppointmentNoteBytes = 2000;

// A notification to a person, for an SMTP relay to send or, without one,
// to show at their next sign-in. Holds no health data.
struct OutboxMessage {
  std::int64_t id = 0;  // Assigned by the store; ignored on input.
  std::int64_t user_id = 0;
  // What it is about, e.g. "appointment": 1..kMaxAuditWordBytes of [a-z_].
  std::string kind;
  std::string subject;  // 1..kMaxOutboxSubjectBytes, valid UTF-8.
  std::string body;     // 1..kMaxOutboxBodyBytes, valid UTF-8.
  std::chrono::sys_seconds created_at{};
  std::optional<std::chrono::sys_seconds> delivered_at;  // Ignored on input.
};
inline constexpr std::size_t kMaxOutboxSubjectBytes = 200;
inline constexpr std::size_t kMaxOutboxBodyBytes = 4000;

// A change of an appointment's status, with the notification that tells
// the patient.
struct AppointmentChange {
  std::int64_t appointment_id = 0;
  // When given, the appointment must be this user's (a patient cancelling
  // their own); otherwise kNotFound.
  std::optional<std::int64_t> owner_id;
  AppointmentStatus status = AppointmentStatus::kProposed;
  // The new start and length; when not given, the appointment keeps its own.
  std::optional<std::chrono::sys_seconds> start;
  std::optional<int> minutes;
  // The new staff message; when not given, it keeps its own.
  std::optional<std::string> message;
  std::chrono::sys_seconds at{};  // Becomes updated_at.
  // Written to the outbox in the same transaction, when given; its user_id
  // is set to the appointment's patient.
  std::optional<OutboxMessage> notify;
};

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // The schema version of the open database (MemoryStore: the newest this
  // program knows). kUnavailable when the database cannot be read.
  virtual core::Result<int> schema_version() = 0;

  // Accounts.

  // Creates a user from `user` (its id is ignored) and returns it with its
  // new id. kConflict when the email is taken (ignoring ASCII case);
  // kInvalidInput when the email is empty or longer than kMaxEmailBytes or
  // the hash is empty or longer than kMaxPasswordHashBytes.
  virtual core::Result<User> create_user(const User& user) = 0;
  // The user with `email` (ignoring ASCII case); kNotFound when none.
  virtual core::Result<User> find_user_by_email(std::string_view email) = 0;
  // The user with `user_id`; kNotFound when none.
  virtual core::Result<User> find_user(std::int64_t user_id) = 0;
  // Replaces the password hash. kNotFound when there is no such user;
  // kInvalidInput for a hash out of bounds. Sessions are left alone: ending
  // them is the caller's choice (delete_session).
  virtual core::Result<void> update_password_hash(std::int64_t user_id,
                                                  std::string_view password_hash) = 0;
  // Deletes the user and everything of theirs (sessions, diary, saved
  // triage, questionnaire responses, guided sessions, reminders, consents,
  // appointments, notifications, two-step sign-in and recovery codes),
  // all or nothing. The audit log keeps its rows about them, as actor or as
  // patient: it records who looked at whose record and holds no health
  // data, and nothing may delete from it. Ids are never reused, so those
  // rows never point at a later account.
  // kNotFound when there is no such user.
  virtual core::Result<void> delete_user(std::int64_t user_id) = 0;

  // Sessions.

  // Stores `session`. kConflict when its token hash exists; kNotFound when
  // its user does not; kInvalidInput for a token hash out of bounds or an
  // expiry before the creation time.
  virtual core::Result<void> create_session(const Session& session) = 0;
  // The session with `token_hash` that is still valid at `now`. kNotFound
  // when there is none or it has expired (now >= expires_at); the two are
  // not told apart.
  virtual core::Result<Session> find_session(std::string_view token_hash,
                                             std::chrono::sys_seconds now) = 0;
  // Deletes the session with `token_hash`; kNotFound when there is none.
  virtual core::Result<void> delete_session(std::string_view token_hash) = 0;
  // Moves the session with `token_hash` to `stage` (e.g. signed in after
  // the second step). kNotFound when there is none.
  virtual core::Result<void> set_session_stage(std::string_view token_hash, SessionStage stage) = 0;
  // Deletes every session expired at `now` and returns how many.
  virtual core::Result<std::int64_t> delete_expired_sessions(std::chrono::sys_seconds now) = 0;

  // The pain diary.

  // Adds `entry` (its id is ignored) and returns the new id. Ids are never
  // reused. kInvalidInput when a field breaks the limits above (where: the
  // field name); kNotFound when the user does not exist.
  virtual core::Result<std::int64_t> add_diary_entry(const DiaryEntry& entry) = 0;
  // Up to `limit` of the user's entries, newest first (at_utc, then id,
  // descending), starting after `before` when given. An unknown user has an
  // empty diary. kInvalidInput unless 1 <= limit <= kMaxListLimit.
  virtual core::Result<std::vector<DiaryEntry>> list_diary(std::int64_t user_id, int limit,
                                                           std::optional<DiaryCursor> before) = 0;
  // The entry `entry_id` of `user_id`. kNotFound when there is none or it is
  // another user's.
  virtual core::Result<DiaryEntry> get_diary_entry(std::int64_t user_id, std::int64_t entry_id) = 0;
  // Deletes the entry `entry_id` of `user_id`. kNotFound when there is none
  // or it is another user's (which is then left alone).
  virtual core::Result<void> delete_diary_entry(std::int64_t user_id, std::int64_t entry_id) = 0;

  // Saved triage results.

  // Saves `triage` (its id is ignored) and returns the new id. kInvalidInput
  // for a JSON text out of bounds; kNotFound when the user does not exist.
  virtual core::Result<std::int64_t> save_triage(const SavedTriage& triage) = 0;
  // Every saved triage of the user, newest first (created_at, then id,
  // descending). An unknown user has none.
  virtual core::Result<std::vector<SavedTriage>> list_triage(std::int64_t user_id) = 0;

  // Outcome questionnaires.

  // Saves `response` (its id is ignored) and returns the new id.
  // kInvalidInput when a field breaks the limits above (where: the field
  // name); kNotFound when the user does not exist.
  virtual core::Result<std::int64_t> add_questionnaire_response(
      const QuestionnaireResponse& response) = 0;
  // Every response of the user, oldest first (at_utc, then id, ascending).
  // An unknown user has none.
  virtual core::Result<std::vector<QuestionnaireResponse>> list_questionnaire_responses(
      std::int64_t user_id) = 0;

  // Guided sessions.

  // Saves `record` (its id is ignored) and returns the new id. kInvalidInput
  // when a field breaks the limits above; kNotFound when the user does not
  // exist.
  virtual core::Result<std::int64_t> add_guided_session(const GuidedSessionRecord& record) = 0;
  // Every guided session of the user, oldest first (started_at, then id,
  // ascending). An unknown user has none.
  virtual core::Result<std::vector<GuidedSessionRecord>> list_guided_sessions(
      std::int64_t user_id) = 0;

  // Reminders.

  // The user's reminders; kNotFound when they have none (or no such user).
  virtual core::Result<Reminders> get_reminders(std::int64_t user_id) = 0;
  // Saves the schedule and updated_at of `reminders` for its user, adding
  // the row or replacing the schedule; a feed link the user has stays as it
  // was. kInvalidInput when weekdays or minute_of_day is out of range (where:
  // the field name); kNotFound when the user does not exist.
  virtual core::Result<void> put_reminders(const Reminders& reminders) = 0;
  // Replaces the user's feed link by the one whose token hashes to
  // `token_hash` (1..kMaxTokenHashBytes bytes, any bytes), or removes it
  // when `token_hash` is empty: the old link stops working at once.
  // kNotFound when the user has no reminders (put_reminders first);
  // kConflict when another feed has this hash; kInvalidInput for a hash
  // longer than kMaxTokenHashBytes.
  virtual core::Result<void> set_reminder_feed(std::int64_t user_id,
                                               std::string_view token_hash) = 0;
  // The reminders whose feed link has `token_hash`. kNotFound when none has
  // it, the link was replaced or removed, or `token_hash` is empty: these
  // are not told apart.
  virtual core::Result<Reminders> find_reminders_by_feed(std::string_view token_hash) = 0;

  // Consents.

  // Saves `consent` (its id and revoked_at are ignored) and returns the new
  // id. kInvalidInput when parts is not 1..kAllRecordParts or until is not
  // after created_at (where: the field name); kNotFound when the user does
  // not exist.
  virtual core::Result<std::int64_t> add_consent(const Consent& consent) = 0;
  // Every consent of the user, revoked and expired ones too, newest first
  // (created_at, then id, descending). An unknown user has none.
  virtual core::Result<std::vector<Consent>> list_consents(std::int64_t user_id) = 0;
  // Revokes the consent `consent_id` of `user_id` at `now`; one already
  // revoked keeps its first revoked_at and this succeeds. kNotFound when
  // there is none or it is another user's (which is then left alone).
  virtual core::Result<void> revoke_consent(std::int64_t user_id, std::int64_t consent_id,
                                            std::chrono::sys_seconds now) = 0;
  // The parts (a RecordPart bit mask) that the user's consents active at
  // `now` share; 0 when none does, or for an unknown user.
  virtual core::Result<std::uint8_t> shared_parts(std::int64_t user_id,
                                                  std::chrono::sys_seconds now) = 0;
  // Every user with a consent active at `now`, by user id ascending.
  virtual core::Result<std::vector<SharingPatient>> list_sharing_patients(
      std::chrono::sys_seconds now) = 0;

  // The audit log: rows are only ever added; no method changes or deletes
  // one, and the databases refuse UPDATE and DELETE on it.

  // Appends `entry` (its id, actor_email and actor_role are ignored) and
  // returns the new id; ids grow in the order of appending. kInvalidInput
  // when a field breaks the limits above (where: the field name); kNotFound
  // (where: audit_log) when the actor or the patient does not exist.
  virtual core::Result<std::int64_t> append_audit(const AuditEntry& entry) = 0;
  // Every row about `patient_id`, newest first (id descending). An unknown
  // patient has none.
  virtual core::Result<std::vector<AuditEntry>> list_audit_for_patient(std::int64_t patient_id) = 0;
  // Up to `limit` rows about anyone, newest first (id descending), starting
  // after the row `before_id` when given. kInvalidInput unless
  // 1 <= limit <= kMaxListLimit.
  virtual core::Result<std::vector<AuditEntry>> list_audit(
      int limit, std::optional<std::int64_t> before_id) = 0;

  // Appointment requests.

  // Saves `appointment` as requested (its id, status, start, minutes and
  // message are ignored; updated_at becomes created_at) and returns the new
  // id. kInvalidInput when a field breaks the limits above (where: the
  // field name); kNotFound when the user does not exist, or (where:
  // saved_triage/ID) when triage_id is not one of the user's saved triage.
  virtual core::Result<std::int64_t> add_appointment(const Appointment& appointment) = 0;
  // The appointment `appointment_id`, whoever's it is (for staff; callers
  // check ownership). kNotFound when there is none.
  virtual core::Result<Appointment> get_appointment(std::int64_t appointment_id) = 0;
  // Every appointment of the user, newest first (created_at, then id,
  // descending). An unknown user has none.
  virtual core::Result<std::vector<Appointment>> list_appointments(std::int64_t user_id) = 0;
  // The staff queue: the appointments in `status`, or every open one
  // (requested or proposed) when not given, most urgent first, then oldest
  // first (created_at, then id, ascending).
  virtual core::Result<std::vector<Appointment>> list_appointment_queue(
      std::optional<AppointmentStatus> status) = 0;
  // Applies `change` and writes its notification, all or nothing, and
  // returns the appointment as it now is. kNotFound when there is no such
  // appointment (or it is not owner_id's); kConflict (where:
  // appointments/ID) when its status cannot move to change.status, or when
  // confirming it would overlap another confirmed appointment (checked in
  // the same transaction); kInvalidInput when the result breaks the limits
  // above (a proposed or confirmed one without a start or minutes).
  virtual core::Result<Appointment> change_appointment(const AppointmentChange& change) = 0;

  // Staff notes on appointment requests.

  // Adds `note` (its id, author_email and author_role are ignored) and
  // returns it as stored, with its id and its author's email and role.
  // kInvalidInput when the text breaks the limits above (where: text);
  // kNotFound when the appointment (where: appointments/ID) or the author
  // (where: users/ID) does not exist.
  virtual core::Result<AppointmentNote> add_appointment_note(const AppointmentNote& note) = 0;
  // Every note on the appointment, oldest first (id ascending). An unknown
  // appointment has none.
  virtual core::Result<std::vector<AppointmentNote>> list_appointment_notes(
      std::int64_t appointment_id) = 0;

  // Notifications.

  // Marks every undelivered notification of the user delivered at `now`
  // and returns them, oldest first. An unknown user has none.
  virtual core::Result<std::vector<OutboxMessage>> deliver_notifications(
      std::int64_t user_id, std::chrono::sys_seconds now) = 0;
  // How many notifications of the user wait to be delivered.
  virtual core::Result<std::int64_t> count_undelivered_notifications(std::int64_t user_id) = 0;

  // Two-step sign-in.

  // The user's two-step sign-in, set up or being set up; kNotFound when
  // there is none (or no such user).
  virtual core::Result<TwoFactor> get_two_factor(std::int64_t user_id) = 0;
  // Saves `pending` (user_id, secret, created_at) as a secret being set up,
  // replacing one not yet enabled. kConflict (where two_factor/ID) when the
  // user's two-step sign-in is enabled; kNotFound when the user does not
  // exist; kInvalidInput for a secret out of bounds.
  virtual core::Result<void> start_two_factor(const TwoFactor& pending) = 0;
  // Enables the secret being set up at `at`, records `used_step` as its
  // last used step, and replaces the user's recovery codes by
  // `code_hashes`, all or nothing. kNotFound (where two_factor/ID) when
  // none is being set up; kConflict when it is enabled already;
  // kInvalidInput for more than kMaxRecoveryCodes hashes or one out of
  // bounds (where: recovery_codes).
  virtual core::Result<void> enable_two_factor(std::int64_t user_id, std::int64_t used_step,
                                               const std::vector<std::string>& code_hashes,
                                               std::chrono::sys_seconds at) = 0;
  // Records `step` as the last used one when it is later than the last
  // used step, atomically, so that two requests with one code cannot both
  // pass. kConflict when it is not later (a replay); kNotFound when the
  // user has no enabled two-step sign-in.
  virtual core::Result<void> use_two_factor_step(std::int64_t user_id, std::int64_t step) = 0;
  // Marks the user's unused recovery code with `code_hash` used at `at`,
  // atomically. kNotFound when the user has no unused code with this hash.
  virtual core::Result<void> use_recovery_code(std::int64_t user_id, std::string_view code_hash,
                                               std::chrono::sys_seconds at) = 0;
  // Replaces every recovery code of the user by `code_hashes`, created at
  // `at`, all or nothing. kNotFound when the user has no enabled two-step
  // sign-in; kInvalidInput as for enable_two_factor.
  virtual core::Result<void> replace_recovery_codes(std::int64_t user_id,
                                                    const std::vector<std::string>& code_hashes,
                                                    std::chrono::sys_seconds at) = 0;
  // Every recovery code of the user, used ones too, by id ascending.
  virtual core::Result<std::vector<RecoveryCode>> list_recovery_codes(std::int64_t user_id) = 0;
  // Deletes the user's two-step sign-in and every recovery code. kNotFound
  // when there is none.
  virtual core::Result<void> delete_two_factor(std::int64_t user_id) = 0;

  // Ends every session of the user except the one whose hash is
  // `keep_token_hash` (empty: ends them all), e.g. after a password change.
  // Returns how many were deleted; an unknown user has none.
  virtual core::Result<std::int64_t> delete_user_sessions(std::int64_t user_id,
                                                          std::string_view keep_token_hash) = 0;

  // Failed sign-ins (SignInFailures), shared by every process on the
  // database.

  // Counts one failed sign-in against `key` at `now`, atomically: calls at
  // the same time, from any process, are all counted. A key without a row,
  // or whose window and lockout have both ended (now - window_start >=
  // rule.window and locked_until <= now), starts a new window at `now` with
  // one failure; otherwise its failures grow by one. When they reach
  // rule.max_failures, locked_until becomes now + rule.lockout (never
  // earlier than it was). Also deletes the rows of `kind` whose window and
  // lockout have both ended. Returns the key's row as it is after.
  // kInvalidInput (where "sign_in_failures") for a key out of bounds or a
  // rule out of range.
  virtual core::Result<SignInFailures> count_sign_in_failure(SignInKeyKind kind,
                                                             std::string_view key,
                                                             const SignInFailureRule& rule,
                                                             std::chrono::sys_seconds now) = 0;
  // The row of `key`; kNotFound when it has none (no failure counted since
  // it was cleared or pruned).
  virtual core::Result<SignInFailures> find_sign_in_failures(SignInKeyKind kind,
                                                             std::string_view key) = 0;
  // Deletes the row of `key`, e.g. after a right password; succeeds when
  // there is none.
  virtual core::Result<void> clear_sign_in_failures(SignInKeyKind kind, std::string_view key) = 0;
};

// The checks every implementation makes before writing, shared so that the
// stores agree. Each returns kInvalidInput naming the first field at fault.
core::Result<void> check_user(const User& user);
core::Result<void> check_password_hash(std::string_view password_hash);
core::Result<void> check_session(const Session& session);
core::Result<void> check_diary_entry(const DiaryEntry& entry);
core::Result<void> check_saved_triage(const SavedTriage& triage);
core::Result<void> check_list_limit(int limit);
core::Result<void> check_questionnaire_response(const QuestionnaireResponse& response);
core::Result<void> check_guided_session(const GuidedSessionRecord& record);
core::Result<void> check_reminders(const Reminders& reminders);
// Also accepts an empty hash (no link).
core::Result<void> check_feed_token_hash(std::string_view token_hash);
core::Result<void> check_consent(const Consent& consent);
core::Result<void> check_audit_entry(const AuditEntry& entry);
core::Result<void> check_appointment(const Appointment& appointment);
core::Result<void> check_outbox_message(const OutboxMessage& message);
core::Result<void> check_appointment_note(const AppointmentNote& note);
core::Result<void> check_two_factor_secret(std::string_view secret);
core::Result<void> check_recovery_code_hashes(const std::vector<std::string>& code_hashes);
// The key and rule of count_sign_in_failure (where "sign_in_failures").
core::Result<void> check_sign_in_failure(std::string_view key, const SignInFailureRule& rule);
// The state after one more failure at `now` of a key whose row is `before`
// (nullopt: none), as count_sign_in_failure defines it; the memory store
// uses it, and the SQL of the other stores computes the same.
SignInFailures next_sign_in_failures(const std::optional<SignInFailures>& before,
                                     const SignInFailureRule& rule, std::chrono::sys_seconds now);
// True when the window and the lockout of `failures` have both ended at `now`.
bool sign_in_failures_ended(const SignInFailures& failures, const SignInFailureRule& rule,
                            std::chrono::sys_seconds now);
// The appointment as `change` would leave it: kConflict when the status
// cannot move, kInvalidInput when the result breaks the limits. Does not
// check overlaps.
core::Result<Appointment> apply_appointment_change(const Appointment& appointment,
                                                   const AppointmentChange& change);

}  // namespace hipcoach::storage
