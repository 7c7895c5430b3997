// The SQLite schema, as numbered migrations. The database's PRAGMA
// user_version is the number of the last one applied; the store applies the
// missing ones at open, all in one transaction. Never edit a migration that
// has shipped: add the next one.
#pragma once

#include <array>
#include <string_view>

namespace hipcoach::storage::migrations {

struct Migration {
  int version;
  std::string_view sql;
};

// The region CHECK mirrors core::kLocations; a contract test stores every
// location, so the two cannot drift apart unnoticed.
inline constexpr std::array<Migration, 8> kSqliteMigrations = {{
    {1, R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(email) BETWEEN 1 AND 254),
  role TEXT NOT NULL CHECK (role IN ('patient', 'clinician', 'admin')),
  password_hash TEXT NOT NULL CHECK (length(password_hash) BETWEEN 1 AND 512),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY CHECK (length(token_hash) BETWEEN 1 AND 128),
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  CHECK (expires_at >= created_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE diary_entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
  region TEXT NOT NULL CHECK (region IN ('outer_hip', 'buttock', 'groin', 'front_of_thigh',
    'outer_thigh', 'back_of_thigh', 'lower_back', 'knee', 'below_knee')),
  context TEXT NOT NULL CHECK (context IN ('rest', 'activity')),
  side TEXT NOT NULL CHECK (side IN ('left', 'right', 'both')),
  note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  at TEXT NOT NULL CHECK (length(at) BETWEEN 1 AND 64),
  at_utc INTEGER NOT NULL
) STRICT;
CREATE INDEX diary_entries_by_user_time ON diary_entries (user_id, at_utc DESC, id DESC);

CREATE TABLE saved_triage (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  answers_json TEXT NOT NULL CHECK (length(answers_json) BETWEEN 1 AND 65536),
  result_json TEXT NOT NULL CHECK (length(result_json) BETWEEN 1 AND 65536)
) STRICT;
CREATE INDEX saved_triage_by_user_time ON saved_triage (user_id, created_at DESC, id DESC);
)sql"},
    // Outcome questionnaires and guided sessions. Both are listed oldest
    // first, hence the ascending indexes. abs(score) fails for an infinite
    // score; SQLite stores a NaN as NULL, which NOT NULL refuses.
    {2, R"sql(
CREATE TABLE questionnaire_responses (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  questionnaire_id TEXT NOT NULL CHECK (length(questionnaire_id) BETWEEN 1 AND 64),
  at TEXT NOT NULL CHECK (length(at) BETWEEN 1 AND 64),
  at_utc INTEGER NOT NULL,
  answers_json TEXT NOT NULL CHECK (length(answers_json) BETWEEN 1 AND 65536),
  score REAL NOT NULL CHECK (abs(score) <= 1.7976931348623157e308)
) STRICT;
CREATE INDEX questionnaire_responses_by_user_time
  ON questionnaire_responses (user_id, at_utc, id);

CREATE TABLE guided_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
  pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
  record_json TEXT NOT NULL CHECK (length(record_json) BETWEEN 1 AND 65536),
  CHECK (ended_at >= started_at)
) STRICT;
CREATE INDEX guided_sessions_by_user_time ON guided_sessions (user_id, started_at, id);
)sql"},
    // Reminders: one row per person, and the hash of their calendar feed's
    // token, unique when set (NULL: no feed; UNIQUE allows many NULLs).
    {3, R"sql(
CREATE TABLE reminders (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  weekdays INTEGER NOT NULL CHECK (weekdays BETWEEN 0 AND 127),
  minute_of_day INTEGER NOT NULL CHECK (minute_of_day BETWEEN 0 AND 1439),
  feed_token_hash BLOB UNIQUE CHECK (length(feed_token_hash) BETWEEN 1 AND 128),
  updated_at INTEGER NOT NULL
) STRICT;
)sql"},
    // Consents and the audit log. The audit log has no foreign keys: its
    // rows outlive the accounts they name (delete_user keeps them), and the
    // triggers make it append-only for every connection, the store's too.
    // The actor's email and role are copied as they were at the time.
    {4, R"sql(
CREATE TABLE consents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  parts INTEGER NOT NULL CHECK (parts BETWEEN 1 AND 15),
  created_at INTEGER NOT NULL,
  until_at INTEGER NOT NULL,
  revoked_at INTEGER,
  CHECK (until_at > created_at)
) STRICT;
CREATE INDEX consents_by_user_time ON consents (user_id, created_at DESC, id DESC);
CREATE INDEX consents_unrevoked_by_end ON consents (until_at) WHERE revoked_at IS NULL;

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor_id INTEGER NOT NULL,
  actor_email TEXT NOT NULL CHECK (length(actor_email) BETWEEN 1 AND 254),
  actor_role TEXT NOT NULL CHECK (actor_role IN ('patient', 'clinician', 'admin')),
  patient_id INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 32),
  what TEXT NOT NULL CHECK (length(what) BETWEEN 1 AND 32),
  why TEXT NOT NULL CHECK (length(why) BETWEEN 1 AND 200),
  request_id TEXT NOT NULL DEFAULT '' CHECK (length(request_id) <= 64)
) STRICT;
CREATE INDEX audit_log_by_patient ON audit_log (patient_id, id DESC);
CREATE TRIGGER audit_log_refuses_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_refuses_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
)sql"},
    // Appointment requests and the outbox of notifications. Urgency is a
    // number (0 urgent .. 3 none) so that the staff queue sorts on it;
    // the queue index covers its order. Times are seconds since the epoch.
    {5, R"sql(
CREATE TABLE appointments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type_id TEXT NOT NULL CHECK (length(type_id) BETWEEN 1 AND 64),
  reason TEXT NOT NULL CHECK (length(CAST(reason AS BLOB)) BETWEEN 1 AND 2000),
  preferred TEXT NOT NULL DEFAULT '' CHECK (length(CAST(preferred AS BLOB)) <= 200),
  earliest_at INTEGER,
  urgency INTEGER NOT NULL CHECK (urgency BETWEEN 0 AND 3),
  triage_id INTEGER REFERENCES saved_triage (id) ON DELETE SET NULL,
  attach_summary INTEGER NOT NULL DEFAULT 0 CHECK (attach_summary IN (0, 1)),
  status TEXT NOT NULL CHECK (status IN ('requested', 'proposed', 'confirmed', 'declined',
    'cancelled')),
  start_at INTEGER,
  minutes INTEGER NOT NULL DEFAULT 0 CHECK (minutes BETWEEN 0 AND 480),
  message TEXT NOT NULL DEFAULT '' CHECK (length(CAST(message AS BLOB)) <= 2000),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK (status NOT IN ('proposed', 'confirmed') OR (start_at IS NOT NULL AND minutes > 0))
) STRICT;
CREATE INDEX appointments_by_user_time ON appointments (user_id, created_at DESC, id DESC);
CREATE INDEX appointments_queue ON appointments (status, urgency, created_at, id);
CREATE INDEX appointments_confirmed_by_start ON appointments (start_at)
  WHERE status = 'confirmed';

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 32),
  subject TEXT NOT NULL CHECK (length(CAST(subject AS BLOB)) BETWEEN 1 AND 200),
  body TEXT NOT NULL CHECK (length(CAST(body AS BLOB)) BETWEEN 1 AND 4000),
  created_at INTEGER NOT NULL,
  delivered_at INTEGER
) STRICT;
CREATE INDEX outbox_undelivered_by_user ON outbox (user_id, id) WHERE delivered_at IS NULL;
)sql"},
    // Two-step sign-in: how far each session has come through sign-in, the
    // TOTP secret (one per person, being set up or enabled, with the last
    // step used, for replay protection) and the hashed recovery codes, which
    // go with the secret. Staff sessions opened before this version may only
    // set up two-step sign-in, which staff now need.
    {6, R"sql(
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'signed_in'
  CHECK (stage IN ('signed_in', 'needs_code', 'needs_enrolment'));
UPDATE sessions SET stage = 'needs_enrolment'
  WHERE user_id IN (SELECT id FROM users WHERE role IN ('clinician', 'admin'));

CREATE TABLE two_factor (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret BLOB NOT NULL CHECK (length(secret) BETWEEN 1 AND 64),
  enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
  last_used_step INTEGER,
  created_at INTEGER NOT NULL,
  enabled_at INTEGER,
  CHECK (enabled = 0 OR enabled_at IS NOT NULL)
) STRICT;

CREATE TABLE recovery_codes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES two_factor (user_id) ON DELETE CASCADE,
  code_hash BLOB NOT NULL CHECK (length(code_hash) BETWEEN 1 AND 128),
  created_at INTEGER NOT NULL,
  used_at INTEGER
) STRICT;
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id, code_hash);
)sql"},
    // Staff notes on appointment requests: append-only (no UPDATE), gone
    // with their appointment. The author's id, email and role are kept as
    // they were, as in the audit log, when the account changes or goes.
    {7, R"sql(
CREATE TABLE appointment_notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  appointment_id INTEGER NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
  author_id INTEGER NOT NULL,
  author_email TEXT NOT NULL CHECK (length(author_email) BETWEEN 1 AND 254),
  author_role TEXT NOT NULL CHECK (author_role IN ('patient', 'clinician', 'admin')),
  body TEXT NOT NULL CHECK (length(CAST(body AS BLOB)) BETWEEN 1 AND 2000),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX appointment_notes_by_appointment ON appointment_notes (appointment_id, id);
CREATE TRIGGER appointment_notes_refuse_update BEFORE UPDATE ON appointment_notes
BEGIN
  SELECT RAISE(ABORT, 'appointment_notes is append-only');
END;
)sql"},
    // Failed sign-ins per account and per client address, so that every
    // server process on one database counts them together (the sign-in rate
    // limit). The key is a hash of the email or address, never the text.
    {8, R"sql(
CREATE TABLE sign_in_failures (
  key_kind TEXT NOT NULL CHECK (key_kind IN ('account', 'client')),
  key BLOB NOT NULL CHECK (length(key) BETWEEN 1 AND 128),
  window_start INTEGER NOT NULL,
  failures INTEGER NOT NULL CHECK (failures > 0),
  locked_until INTEGER,
  PRIMARY KEY (key_kind, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX sign_in_failures_by_window ON sign_in_failures (key_kind, window_start);
)sql"},
}};

// The newest schema version this program knows.
inline constexpr int kLatestSchemaVersion = kSqliteMigrations.back().version;

}  // namespace hipcoach::storage::migrations
