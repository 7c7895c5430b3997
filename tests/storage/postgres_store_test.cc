// What only the PostgreSQL store has: its URL, an unreachable server, a
// schema from a newer program, and a lock held beyond the busy timeout. The
// contract it shares with the other stores is in store_test.cc.
#include <gtest/gtest.h>

#include <string>

#include "hipcoach/storage/open_store.h"
#include "migrations/postgres_migrations.h"
#include "postgres_test_db.h"
#include "test_store.h"

namespace hipcoach::storage {
namespace {

using core::ErrorCode;
using testing::make_guided_session;
using testing::make_response;
using testing::make_user;
using testing::TempDir;

TEST(PostgresStore, SaysTheServerIsUnreachableWithoutShowingTheUrl) {
  for (const char* url : {"postgresql://hipcoach:secret@127.0.0.1:1/hipcoach",
                          "postgres://hipcoach:secret@127.0.0.1:1/x"}) {
    auto store = open_store(url);
    ASSERT_FALSE(store) << url;
    EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable) << url;
    EXPECT_EQ(store.error().where(), "url") << url;
    EXPECT_EQ(store.error().message(), "the database is unreachable") << url;
  }
}

TEST(PostgresStore, RefusesAUrlLibpqCannotParseWithoutShowingIt) {
  auto store = open_store("postgresql://hipcoach:secret@db/x?sslmode=secret&nonsense=1");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(store.error().where(), "url");
  EXPECT_EQ(store.error().message(), "the PostgreSQL URL cannot be parsed");
}

class PostgresServer : public ::testing::Test {
 protected:
  void SetUp() override {
    HIPCOACH_REQUIRE_POSTGRES();
    url_ = testing::postgres_test_store_url(dir_);
  }
  void TearDown() override {
    if (!url_.empty()) testing::postgres_test_drop_schema(dir_);
  }
  std::string schema() const { return testing::postgres_test_schema(dir_); }

  TempDir dir_;
  std::string url_;
};

TEST_F(PostgresServer, RefusesADatabaseFromANewerProgram) {
  ASSERT_TRUE(open_store(url_));
  ASSERT_TRUE(
      testing::postgres_test_run("UPDATE " + schema() + ".schema_version SET version = 99"));

  auto store = open_store(url_);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().where(), "url");
  EXPECT_EQ(store.error().message(),
            "database schema version 99 is newer than this program (8); upgrade hipcoach");
}

TEST_F(PostgresServer, AppliesTheMigrationsOnlyOnce) {
  ASSERT_TRUE(open_store(url_));
  auto again = open_store(url_);
  ASSERT_TRUE(again) << again.error().to_string();
  auto version = (*again)->schema_version();
  ASSERT_TRUE(version) << version.error().to_string();
  EXPECT_EQ(*version, migrations::kLatestSchemaVersion);
}

TEST_F(PostgresServer, UpgradesAVersion1SchemaInPlace) {
  ASSERT_TRUE(testing::postgres_test_run(
      "SET search_path TO " + schema() + "; " +
      std::string(migrations::kPostgresMigrations[0].sql) +
      "CREATE TABLE schema_version (version INTEGER NOT NULL);"
      "INSERT INTO schema_version (version) VALUES (1);"
      "INSERT INTO users (email, role, password_hash, created_at)"
      " VALUES ('ana@example.org', 'patient', 'hash', 0);"
      "INSERT INTO diary_entries (user_id, pain, region, context, side, note, at, at_utc)"
      " SELECT id, 4, 'groin', 'rest', 'left', 'kept', '2026-01-01T00:00:00Z', 100 FROM users;"));

  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  auto version = (*store)->schema_version();
  ASSERT_TRUE(version) << version.error().to_string();
  EXPECT_EQ(*version, migrations::kLatestSchemaVersion);
  auto user = (*store)->find_user_by_email("ana@example.org");
  ASSERT_TRUE(user) << user.error().to_string();
  auto diary = (*store)->list_diary(user->id, 10, std::nullopt);
  ASSERT_TRUE(diary) << diary.error().to_string();
  ASSERT_EQ(diary->size(), 1U);
  EXPECT_EQ(diary->front().note, "kept");
  ASSERT_TRUE((*store)->add_questionnaire_response(make_response(user->id, 40, 100)));
  ASSERT_TRUE((*store)->add_guided_session(make_guided_session(user->id, 100)));

  ASSERT_TRUE((*store)->delete_user(user->id));
  EXPECT_TRUE((*store)->list_questionnaire_responses(user->id)->empty());
  EXPECT_TRUE((*store)->list_guided_sessions(user->id)->empty());
}

TEST_F(PostgresServer, UpgradesAVersion2SchemaInPlace) {
  ASSERT_TRUE(testing::postgres_test_run(
      "SET search_path TO " + schema() + "; " +
      std::string(migrations::kPostgresMigrations[0].sql) +
      std::string(migrations::kPostgresMigrations[1].sql) +
      "CREATE TABLE schema_version (version INTEGER NOT NULL);"
      "INSERT INTO schema_version (version) VALUES (2);"
      "INSERT INTO users (email, role, password_hash, created_at)"
      " VALUES ('ana@example.org', 'patient', 'hash', 0);"
      "INSERT INTO guided_sessions (user_id, started_at, ended_at, record_json)"
      " SELECT id, 100, 200, '{}' FROM users;"));

  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  auto version = (*store)->schema_version();
  ASSERT_TRUE(version) << version.error().to_string();
  EXPECT_EQ(*version, migrations::kLatestSchemaVersion);
  auto user = (*store)->find_user_by_email("ana@example.org");
  ASSERT_TRUE(user) << user.error().to_string();
  EXPECT_EQ((*store)->list_guided_sessions(user->id)->size(), 1U);
  EXPECT_EQ((*store)->get_reminders(user->id).error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE((*store)->put_reminders(testing::make_reminders(user->id, 0b0010101, 18 * 60)));
  ASSERT_TRUE((*store)->set_reminder_feed(user->id, "feed"));
  EXPECT_EQ((*store)->find_reminders_by_feed("feed")->user_id, user->id);

  // The new table cascades from users like the old ones.
  ASSERT_TRUE(testing::postgres_test_run("DELETE FROM " + schema() + ".users"));
  EXPECT_EQ((*store)->get_reminders(user->id).error().code(), ErrorCode::kNotFound);
}

TEST_F(PostgresServer, UpgradesAVersion3SchemaInPlace) {
  ASSERT_TRUE(testing::postgres_test_run(
      "SET search_path TO " + schema() + "; " +
      std::string(migrations::kPostgresMigrations[0].sql) +
      std::string(migrations::kPostgresMigrations[1].sql) +
      std::string(migrations::kPostgresMigrations[2].sql) +
      "CREATE TABLE schema_version (version INTEGER NOT NULL);"
      "INSERT INTO schema_version (version) VALUES (3);"
      "INSERT INTO users (email, role, password_hash, created_at)"
      " VALUES ('ana@example.org', 'patient', 'hash', 0);"
      "INSERT INTO users (email, role, password_hash, created_at)"
      " VALUES ('doc@clinic.example', 'clinician', 'hash', 0);"
      "INSERT INTO reminders (user_id, weekdays, minute_of_day, updated_at)"
      " SELECT id, 5, 600, 0 FROM users WHERE email = 'ana@example.org';"));

  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  auto version = (*store)->schema_version();
  ASSERT_TRUE(version) << version.error().to_string();
  EXPECT_EQ(*version, migrations::kLatestSchemaVersion);
  auto user = (*store)->find_user_by_email("ana@example.org");
  ASSERT_TRUE(user) << user.error().to_string();
  auto doc = (*store)->find_user_by_email("doc@clinic.example");
  ASSERT_TRUE(doc) << doc.error().to_string();
  EXPECT_EQ((*store)->get_reminders(user->id)->minute_of_day, 600);
  EXPECT_TRUE((*store)->list_consents(user->id)->empty());
  ASSERT_TRUE((*store)->add_consent(testing::make_consent(user->id, 1, 100, 1000)));
  EXPECT_EQ(*(*store)->shared_parts(user->id, testing::at_seconds(200)), 1);
  ASSERT_TRUE((*store)->append_audit(testing::make_audit(doc->id, user->id, "diary", 200)));

  // Consents cascade from users like the other tables; the audit log stays.
  ASSERT_TRUE(testing::postgres_test_run("DELETE FROM " + schema() + ".users"));
  EXPECT_TRUE((*store)->list_consents(user->id)->empty());
  EXPECT_EQ((*store)->list_audit_for_patient(user->id)->size(), 1U);
}

TEST_F(PostgresServer, UpgradesAVersion4SchemaInPlace) {
  ASSERT_TRUE(testing::postgres_test_run(
      "SET search_path TO " + schema() + "; " +
      std::string(migrations::kPostgresMigrations[0].sql) +
      std::string(migrations::kPostgresMigrations[1].sql) +
      std::string(migrations::kPostgresMigrations[2].sql) +
      std::string(migrations::kPostgresMigrations[3].sql) +
      "CREATE TABLE schema_version (version INTEGER NOT NULL);"
      "INSERT INTO schema_version (version) VALUES (4);"
      "INSERT INTO users (email, role, password_hash, created_at)"
      " VALUES ('ana@example.org', 'patient', 'hash', 0);"
      "INSERT INTO saved_triage (user_id, created_at, answers_json, result_json)"
      " SELECT id, 10, '{}', '{}' FROM users;"
      "INSERT INTO consents (user_id, parts, created_at, until_at)"
      " SELECT id, 1, 100, 1000 FROM users;"));

  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  auto version = (*store)->schema_version();
  ASSERT_TRUE(version) << version.error().to_string();
  EXPECT_EQ(*version, migrations::kLatestSchemaVersion);
  auto user = (*store)->find_user_by_email("ana@example.org");
  ASSERT_TRUE(user) << user.error().to_string();
  EXPECT_EQ(*(*store)->shared_parts(user->id, testing::at_seconds(200)), 1);
  EXPECT_TRUE((*store)->list_appointments(user->id)->empty());
  Appointment request = testing::make_appointment(user->id, 100);
  request.triage_id = (*store)->list_triage(user->id)->front().id;
  auto id = (*store)->add_appointment(request);
  ASSERT_TRUE(id) << id.error().to_string();
  ASSERT_TRUE((*store)->change_appointment(
      testing::make_change(*id, AppointmentStatus::kProposed, 200, 10'000)));
  EXPECT_EQ(*(*store)->count_undelivered_notifications(user->id), 1);

  // Deleting the triage only detaches it; appointments and notifications
  // cascade from users like the other tables.
  ASSERT_TRUE(testing::postgres_test_run("DELETE FROM " + schema() + ".saved_triage"));
  EXPECT_FALSE((*store)->get_appointment(*id)->triage_id);
  ASSERT_TRUE(testing::postgres_test_run("DELETE FROM " + schema() + ".users"));
  EXPECT_TRUE((*store)->list_appointments(user->id)->empty());
  EXPECT_EQ(*(*store)->count_undelivered_notifications(user->id), 0);
}

TEST_F(PostgresServer, UpgradesAVersion5SchemaInPlace) {
  std::string version5 = "SET search_path TO " + schema() + "; ";
  for (int i = 0; i < 5; ++i) version5 += std::string(migrations::kPostgresMigrations[i].sql);
  ASSERT_TRUE(testing::postgres_test_run(
      version5 +
      "CREATE TABLE schema_version (version INTEGER NOT NULL);"
      "INSERT INTO schema_version (version) VALUES (5);"
      "INSERT INTO users (email, role, password_hash, created_at)"
      " VALUES ('ana@example.org', 'patient', 'hash', 0), ('doc@clinic.example', 'clinician',"
      " 'hash', 0);"
      "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
      " SELECT CASE role WHEN 'patient' THEN '\\x01'::bytea ELSE '\\x02'::bytea END, id, 0, 1000"
      " FROM users;"));

  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_EQ(*(*store)->schema_version(), migrations::kLatestSchemaVersion);
  EXPECT_EQ((*store)->find_session("\x01", testing::at_seconds(10))->stage,
            SessionStage::kSignedIn);
  EXPECT_EQ((*store)->find_session("\x02", testing::at_seconds(10))->stage,
            SessionStage::kNeedsEnrolment);
  const auto ana = (*store)->find_user_by_email("ana@example.org")->id;
  TwoFactor pending;
  pending.user_id = ana;
  pending.secret = "secret";
  ASSERT_TRUE((*store)->start_two_factor(pending));
  ASSERT_TRUE((*store)->enable_two_factor(ana, 7, {"h1", "h2"}, testing::at_seconds(20)));
  ASSERT_TRUE(testing::postgres_test_run("DELETE FROM " + schema() + ".users"));
  EXPECT_FALSE((*store)->get_two_factor(ana));
  EXPECT_TRUE((*store)->list_recovery_codes(ana)->empty());
}

TEST_F(PostgresServer, UpgradesAVersion6SchemaInPlace) {
  std::string version6 = "SET search_path TO " + schema() + "; ";
  for (int i = 0; i < 6; ++i) version6 += std::string(migrations::kPostgresMigrations[i].sql);
  ASSERT_TRUE(testing::postgres_test_run(
      version6 +
      "CREATE TABLE schema_version (version INTEGER NOT NULL);"
      "INSERT INTO schema_version (version) VALUES (6);"
      "INSERT INTO users (email, role, password_hash, created_at)"
      " VALUES ('ana@example.org', 'patient', 'hash', 0), ('doc@clinic.example', 'clinician',"
      " 'hash', 0);"
      "INSERT INTO appointments (user_id, type_id, reason, urgency, status, created_at,"
      " updated_at) SELECT id, 'assessment', 'hip pain', 3, 'requested', 0, 0 FROM users"
      " WHERE role = 'patient';"));

  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_EQ(*(*store)->schema_version(), 8);
  const auto ana = (*store)->find_user_by_email("ana@example.org")->id;
  const auto doc = (*store)->find_user_by_email("doc@clinic.example")->id;
  const auto id = (*store)->list_appointments(ana)->front().id;
  AppointmentNote note;
  note.appointment_id = id;
  note.author_id = doc;
  note.text = "Called back.";
  note.created_at = testing::at_seconds(10);
  auto added = (*store)->add_appointment_note(note);
  ASSERT_TRUE(added) << added.error().to_string();
  EXPECT_EQ(added->author_role, Role::kClinician);

  // Append-only: the database refuses to change a note.
  PGconn* connection = PQconnectdb(testing::postgres_test_url().c_str());
  ASSERT_EQ(PQstatus(connection), CONNECTION_OK);
  PGresult* result = PQexec(
      connection, ("UPDATE " + schema() + ".appointment_notes SET body = 'nothing'").c_str());
  EXPECT_EQ(PQresultStatus(result), PGRES_FATAL_ERROR);
  EXPECT_NE(std::string(PQresultErrorMessage(result)).find("appointment_notes is append-only"),
            std::string::npos);
  PQclear(result);
  PQfinish(connection);
  EXPECT_EQ((*store)->list_appointment_notes(id)->front().text, "Called back.");
  ASSERT_TRUE(testing::postgres_test_run("DELETE FROM " + schema() + ".users"));
  EXPECT_TRUE((*store)->list_appointment_notes(id)->empty());
}

TEST_F(PostgresServer, UpgradesAVersion7SchemaInPlace) {
  std::string version7 = "SET search_path TO " + schema() + "; ";
  for (int i = 0; i < 7; ++i) version7 += std::string(migrations::kPostgresMigrations[i].sql);
  ASSERT_TRUE(testing::postgres_test_run(version7 +
                                         "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                                         "INSERT INTO schema_version (version) VALUES (7);"));
  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_EQ(*(*store)->schema_version(), 8);
  SignInFailureRule rule;
  rule.max_failures = 1;
  auto counted = (*store)->count_sign_in_failure(SignInKeyKind::kAccount, "key", rule,
                                                 testing::at_seconds(100));
  ASSERT_TRUE(counted) << counted.error().to_string();
  EXPECT_EQ(counted->locked_until, testing::at_seconds(1000));
  // The database refuses a kind it does not know.
  PGconn* connection = PQconnectdb(testing::postgres_test_url().c_str());
  ASSERT_EQ(PQstatus(connection), CONNECTION_OK);
  PGresult* result = PQexec(connection, ("INSERT INTO " + schema() +
                                         ".sign_in_failures (key_kind, key, window_start, failures)"
                                         " VALUES ('user', '\\x01', 0, 1)")
                                            .c_str());
  EXPECT_EQ(PQresultStatus(result), PGRES_FATAL_ERROR);
  PQclear(result);
  PQfinish(connection);
}

TEST_F(PostgresServer, TheDatabaseRefusesToChangeOrDeleteAnAuditRow) {
  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  const auto ana = (*store)->create_user(make_user("ana@example.org"))->id;
  const auto doc = (*store)->create_user(make_user("doc@clinic.example"))->id;
  ASSERT_TRUE((*store)->append_audit(testing::make_audit(doc, ana, "diary", 500)));

  PGconn* connection = PQconnectdb(testing::postgres_test_url().c_str());
  ASSERT_EQ(PQstatus(connection), CONNECTION_OK);
  for (const std::string sql :
       {"UPDATE audit_log SET why = 'nothing happened'", "UPDATE audit_log SET actor_id = 0",
        "DELETE FROM audit_log", "TRUNCATE audit_log"}) {
    PGresult* result = PQexec(connection, ("SET search_path TO " + schema() + "; " + sql).c_str());
    EXPECT_EQ(PQresultStatus(result), PGRES_FATAL_ERROR) << sql;
    EXPECT_NE(std::string(PQresultErrorMessage(result)).find("audit_log is append-only"),
              std::string::npos)
        << sql;
    PQclear(result);
  }
  PQfinish(connection);
  auto entries = (*store)->list_audit_for_patient(ana);
  ASSERT_TRUE(entries) << entries.error().to_string();
  ASSERT_EQ(entries->size(), 1U);
  EXPECT_EQ(entries->front().why, "clinical care");
}

TEST_F(PostgresServer, TheNewTablesCascadeFromUsersEvenWithoutTheStore) {
  auto store = open_store(url_);
  ASSERT_TRUE(store) << store.error().to_string();
  auto user = (*store)->create_user(make_user("ana@example.org"));
  ASSERT_TRUE(user);
  ASSERT_TRUE((*store)->add_questionnaire_response(make_response(user->id, 40, 100)));
  ASSERT_TRUE((*store)->add_guided_session(make_guided_session(user->id, 100)));

  ASSERT_TRUE(testing::postgres_test_run("DELETE FROM " + schema() + ".users"));
  EXPECT_TRUE((*store)->list_questionnaire_responses(user->id)->empty());
  EXPECT_TRUE((*store)->list_guided_sessions(user->id)->empty());
}

TEST_F(PostgresServer, SaysTheDatabaseIsBusyWhenALockOutlastsTheBusyTimeout) {
  StoreOptions options;
  options.busy_timeout = std::chrono::milliseconds(100);
  auto store = open_store(url_, options);
  ASSERT_TRUE(store) << store.error().to_string();
  ASSERT_TRUE((*store)->create_user(make_user("ana@example.org")));

  PGconn* holder = PQconnectdb(url_.c_str());
  ASSERT_EQ(PQstatus(holder), CONNECTION_OK);
  PQclear(PQexec(holder, "BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE"));
  auto created = (*store)->create_user(make_user("ben@example.org"));
  PQclear(PQexec(holder, "ROLLBACK"));
  PQfinish(holder);

  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(created.error().where(), "users");
  EXPECT_EQ(created.error().message(), "the database is busy; try again");
}

}  // namespace
}  // namespace hipcoach::storage
