// The PostgreSQL schema, as numbered migrations with the same versions as
// the SQLite ones (migrations.h). The table schema_version holds the number
// of the last one applied; the store applies the missing ones at open, all
// in one transaction under an advisory lock. Never edit a migration that has
// shipped: add the next one, here and in migrations.h.
#pragma once

#include <array>

#include "migrations.h"

namespace hipcoach::storage::migrations {

// Emails are unique ignoring ASCII case only, as SQLite's NOCASE: the index
// folds A-Z with translate() rather than lower(), which follows the locale.
#define HIPCOACH_PG_FOLD_EMAIL(column) \
  "translate(" column ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"

// The region CHECK mirrors core::kLocations, as in the SQLite schema.
inline constexpr std::array<Migration, 8> kPostgresMigrations = {{
    {1, R"sql(
CREATE TABLE users (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email TEXT NOT NULL CHECK (octet_length(email) BETWEEN 1 AND 254),
  role TEXT NOT NULL CHECK (role IN ('patient', 'clinician', 'admin')),
  password_hash TEXT NOT NULL CHECK (octet_length(password_hash) BETWEEN 1 AND 512),
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email_nocase ON users (
  translate(email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'));

CREATE TABLE sessions (
  token_hash BYTEA PRIMARY KEY CHECK (octet_length(token_hash) BETWEEN 1 AND 128),
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  CHECK (expires_at >= created_at)
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE diary_entries (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  pain INTEGER NOT NULL CHECK (pain BETWEEN 0 AND 10),
  region TEXT NOT NULL CHECK (region IN ('outer_hip', 'buttock', 'groin', 'front_of_thigh',
    'outer_thigh', 'back_of_thigh', 'lower_back', 'knee', 'below_knee')),
  context TEXT NOT NULL CHECK (context IN ('rest', 'activity')),
  side TEXT NOT NULL CHECK (side IN ('left', 'right', 'both')),
  note TEXT NOT NULL DEFAULT '' CHECK (octet_length(note) <= 2000),
  at TEXT NOT NULL CHECK (octet_length(at) BETWEEN 1 AND 64),
  at_utc BIGINT NOT NULL
);
CREATE INDEX diary_entries_by_user_time ON diary_entries (user_id, at_utc DESC, id DESC);

CREATE TABLE saved_triage (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  answers_json TEXT NOT NULL CHECK (octet_length(answers_json) BETWEEN 1 AND 65536),
  result_json TEXT NOT NULL CHECK (octet_length(result_json) BETWEEN 1 AND 65536)
);
CREATE INDEX saved_triage_by_user_time ON saved_triage (user_id, created_at DESC, id DESC);
)sql"},
    // Outcome questionnaires and guided sessions, as in the SQLite schema.
    {2, R"sql(
CREATE TABLE questionnaire_responses (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  questionnaire_id TEXT NOT NULL CHECK (octet_length(questionnaire_id) BETWEEN 1 AND 64),
  at TEXT NOT NULL CHECK (octet_length(at) BETWEEN 1 AND 64),
  at_utc BIGINT NOT NULL,
  answers_json TEXT NOT NULL CHECK (octet_length(answers_json) BETWEEN 1 AND 65536),
  score DOUBLE PRECISION NOT NULL CHECK (score NOT IN ('Infinity', '-Infinity', 'NaN'))
);
CREATE INDEX questionnaire_responses_by_user_time
  ON questionnaire_responses (user_id, at_utc, id);

CREATE TABLE guided_sessions (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  started_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL,
  pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
  pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
  record_json TEXT NOT NULL CHECK (octet_length(record_json) BETWEEN 1 AND 65536),
  CHECK (ended_at >= started_at)
);
CREATE INDEX guided_sessions_by_user_time ON guided_sessions (user_id, started_at, id);
)sql"},
    // Reminders, as in the SQLite schema.
    {3, R"sql(
CREATE TABLE reminders (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  weekdays INTEGER NOT NULL CHECK (weekdays BETWEEN 0 AND 127),
  minute_of_day INTEGER NOT NULL CHECK (minute_of_day BETWEEN 0 AND 1439),
  feed_token_hash BYTEA UNIQUE CHECK (octet_length(feed_token_hash) BETWEEN 1 AND 128),
  updated_at BIGINT NOT NULL
);
)sql"},
    // Consents and the audit log, as in the SQLite schema. A trigger refuses
    // UPDATE and DELETE on each row and TRUNCATE on the table, whoever runs
    // them (the table's owner too, who could not be kept out by REVOKE).
    {4, R"sql(
CREATE TABLE consents (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  parts INTEGER NOT NULL CHECK (parts BETWEEN 1 AND 15),
  created_at BIGINT NOT NULL,
  until_at BIGINT NOT NULL,
  revoked_at BIGINT,
  CHECK (until_at > created_at)
);
CREATE INDEX consents_by_user_time ON consents (user_id, created_at DESC, id DESC);
CREATE INDEX consents_unrevoked_by_end ON consents (until_at) WHERE revoked_at IS NULL;

CREATE TABLE audit_log (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_id BIGINT NOT NULL,
  actor_email TEXT NOT NULL CHECK (octet_length(actor_email) BETWEEN 1 AND 254),
  actor_role TEXT NOT NULL CHECK (actor_role IN ('patient', 'clinician', 'admin')),
  patient_id BIGINT NOT NULL,
  action TEXT NOT NULL CHECK (octet_length(action) BETWEEN 1 AND 32),
  what TEXT NOT NULL CHECK (octet_length(what) BETWEEN 1 AND 32),
  why TEXT NOT NULL CHECK (octet_length(why) BETWEEN 1 AND 200),
  request_id TEXT NOT NULL DEFAULT '' CHECK (octet_length(request_id) <= 64)
);
CREATE INDEX audit_log_by_patient ON audit_log (patient_id, id DESC);
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_refuses_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_refuses_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
)sql"},
    // Appointment requests and the outbox, as in the SQLite schema.
    {5, R"sql(
CREATE TABLE appointments (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type_id TEXT NOT NULL CHECK (octet_length(type_id) BETWEEN 1 AND 64),
  reason TEXT NOT NULL CHECK (octet_length(reason) BETWEEN 1 AND 2000),
  preferred TEXT NOT NULL DEFAULT '' CHECK (octet_length(preferred) <= 200),
  earliest_at BIGINT,
  urgency INTEGER NOT NULL CHECK (urgency BETWEEN 0 AND 3),
  triage_id BIGINT REFERENCES saved_triage (id) ON DELETE SET NULL,
  attach_summary BOOLEAN NOT NULL DEFAULT FALSE,
  status TEXT NOT NULL CHECK (status IN ('requested', 'proposed', 'confirmed', 'declined',
    'cancelled')),
  start_at BIGINT,
  minutes INTEGER NOT NULL DEFAULT 0 CHECK (minutes BETWEEN 0 AND 480),
  message TEXT NOT NULL DEFAULT '' CHECK (octet_length(message) <= 2000),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CHECK (status NOT IN ('proposed', 'confirmed') OR (start_at IS NOT NULL AND minutes > 0))
);
CREATE INDEX appointments_by_user_time ON appointments (user_id, created_at DESC, id DESC);
CREATE INDEX appointments_queue ON appointments (status, urgency, created_at, id);
CREATE INDEX appointments_confirmed_by_start ON appointments (start_at)
  WHERE status = 'confirmed';

CREATE TABLE outbox (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (octet_length(kind) BETWEEN 1 AND 32),
  subject TEXT NOT NULL CHECK (octet_length(subject) BETWEEN 1 AND 200),
  body TEXT NOT NULL CHECK (octet_length(body) BETWEEN 1 AND 4000),
  created_at BIGINT NOT NULL,
  delivered_at BIGINT
);
CREATE INDEX outbox_undelivered_by_user ON outbox (user_id, id) WHERE delivered_at IS NULL;
)sql"},
    // Two-step sign-in, as in the SQLite schema.
    {6, R"sql(
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'signed_in'
  CHECK (stage IN ('signed_in', 'needs_code', 'needs_enrolment'));
UPDATE sessions SET stage = 'needs_enrolment'
  WHERE user_id IN (SELECT id FROM users WHERE role IN ('clinician', 'admin'));

CREATE TABLE two_factor (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret BYTEA NOT NULL CHECK (octet_length(secret) BETWEEN 1 AND 64),
  enabled BOOLEAN NOT NULL DEFAULT FALSE,
  last_used_step BIGINT,
  created_at BIGINT NOT NULL,
  enabled_at BIGINT,
  CHECK (NOT enabled OR enabled_at IS NOT NULL)
);

CREATE TABLE recovery_codes (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES two_factor (user_id) ON DELETE CASCADE,
  code_hash BYTEA NOT NULL CHECK (octet_length(code_hash) BETWEEN 1 AND 128),
  created_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id, code_hash);
)sql"},
    // Staff notes on appointment requests, as in the SQLite schema.
    {7, R"sql(
CREATE TABLE appointment_notes (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  appointment_id BIGINT NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
  author_id BIGINT NOT NULL,
  author_email TEXT NOT NULL CHECK (octet_length(author_email) BETWEEN 1 AND 254),
  author_role TEXT NOT NULL CHECK (author_role IN ('patient', 'clinician', 'admin')),
  body TEXT NOT NULL CHECK (octet_length(body) BETWEEN 1 AND 2000),
  created_at BIGINT NOT NULL
);
CREATE INDEX appointment_notes_by_appointment ON appointment_notes (appointment_id, id);
CREATE FUNCTION appointment_notes_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'appointment_notes is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER appointment_notes_refuses_update BEFORE UPDATE ON appointment_notes
  FOR EACH ROW EXECUTE FUNCTION appointment_notes_refuse_update();
)sql"},
    // Failed sign-ins, as in the SQLite schema.
    {8, R"sql(
CREATE TABLE sign_in_failures (
  key_kind TEXT NOT NULL CHECK (key_kind IN ('account', 'client')),
  key BYTEA NOT NULL CHECK (octet_length(key) BETWEEN 1 AND 128),
  window_start BIGINT NOT NULL,
  failures INTEGER NOT NULL CHECK (failures > 0),
  locked_until BIGINT,
  PRIMARY KEY (key_kind, key)
);
CREATE INDEX sign_in_failures_by_window ON sign_in_failures (key_kind, window_start);
)sql"},
}};

static_assert(kPostgresMigrations.size() == kSqliteMigrations.size() &&
                  kPostgresMigrations.back().version == kLatestSchemaVersion,
              "PostgreSQL and SQLite migrations must have the same versions");

}  // namespace hipcoach::storage::migrations
