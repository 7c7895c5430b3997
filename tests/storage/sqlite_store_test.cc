// What only the SQLite store has: migrations, durability across reopening,
// damaged, foreign, newer, locked or full database files, and the group
// commit of diary entries.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "hipcoach/storage/open_store.h"
#include "migrations/migrations.h"
#include "test_store.h"

namespace hipcoach::storage {
namespace {

using core::ErrorCode;
using testing::at_seconds;
using testing::make_entry;
using testing::make_guided_session;
using testing::make_response;
using testing::make_user;
using testing::TempDir;

constexpr int kLatestVersion = 8;

// While one lives, every SQLite connection this process opens gets
// max_page_count = `pages`: its database cannot grow past that, and a write
// that needs more fails with SQLITE_FULL, as on a full disk. Process-wide
// (sqlite3_auto_extension), so only one may live at a time.
class PageLimit {
 public:
  explicit PageLimit(int pages) {
    pages_ = pages;
    // SQLite declares the entry point as void(void) and calls it with its
    // real arguments; GCC allows this one cast.
    sqlite3_auto_extension(reinterpret_cast<void (*)()>(&PageLimit::apply));
  }
  PageLimit(const PageLimit&) = delete;
  PageLimit& operator=(const PageLimit&) = delete;
  ~PageLimit() { sqlite3_reset_auto_extension(); }

 private:
  static int apply(sqlite3* db, char** /*error*/, const sqlite3_api_routines* /*api*/) {
    const std::string sql = "PRAGMA max_page_count = " + std::to_string(pages_.load());
    return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  }
  static inline std::atomic<int> pages_{0};
};

// A second connection to the file, as another program would open it.
class RawConnection {
 public:
  explicit RawConnection(const std::filesystem::path& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) ADD_FAILURE() << sqlite3_errmsg(db_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection() { sqlite3_close(db_); }

  // Runs `sql`; returns SQLite's result code.
  int exec(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }
  // The first column of the first row of `sql`, as text.
  std::string query(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    std::string text;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      const auto* bytes = sqlite3_column_text(statement, 0);
      if (bytes != nullptr) text = reinterpret_cast<const char*>(bytes);
    }
    sqlite3_finalize(statement);
    return text;
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStore : public ::testing::Test {
 protected:
  core::Result<std::unique_ptr<Store>> open(const StoreOptions& options = {}) {
    return open_store("sqlite:" + path_.string(), options);
  }
  void write_file(const std::string& bytes) {
    std::ofstream out(path_, std::ios::binary);
    out << bytes;
  }

  TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "hipcoach.sqlite";
};

TEST_F(SqliteStore, AppliesEveryMigrationToANewFile) {
  auto store = open();
  ASSERT_TRUE(store) << store.error().to_string();
  RawConnection raw(path_);
  EXPECT_EQ(raw.query("PRAGMA user_version"), std::to_string(kLatestVersion));
  EXPECT_EQ(raw.query("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                      "('users', 'sessions', 'diary_entries', 'saved_triage', "
                      "'questionnaire_responses', 'guided_sessions', 'reminders', 'consents', "
                      "'audit_log', 'appointments', 'outbox', 'two_factor', 'recovery_codes')"),
            "13");
}

TEST_F(SqliteStore, UpgradesAVersion1DatabaseInPlace) {
  {
    RawConnection raw(path_);
    const std::string version1 =
        "BEGIN; " + std::string(migrations::kSqliteMigrations[0].sql) +
        " PRAGMA user_version = 1; "
        "INSERT INTO users (email, role, password_hash, created_at) "
        "VALUES ('ana@example.org', 'patient', 'hash', 0); "
        "INSERT INTO diary_entries (user_id, pain, region, context, side, note, at, at_utc) "
        "VALUES (1, 4, 'groin', 'rest', 'left', 'kept', '2026-01-01T00:00:00Z', 100); "
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
        "VALUES (X'01', 1, 0, 1000); "
        "COMMIT;";
    ASSERT_EQ(raw.exec(version1), SQLITE_OK);
  }
  auto store = open();
  ASSERT_TRUE(store) << store.error().to_string();
  auto version = (*store)->schema_version();
  ASSERT_TRUE(version) << version.error().to_string();
  EXPECT_EQ(*version, kLatestVersion);

  auto user = (*store)->find_user_by_email("ana@example.org");
  ASSERT_TRUE(user) << user.error().to_string();
  auto diary = (*store)->list_diary(user->id, 10, std::nullopt);
  ASSERT_TRUE(diary) << diary.error().to_string();
  ASSERT_EQ(diary->size(), 1U);
  EXPECT_EQ(diary->front().note, "kept");
  ASSERT_TRUE((*store)->add_questionnaire_response(make_response(user->id, 40, 100)));
  ASSERT_TRUE((*store)->add_guided_session(make_guided_session(user->id, 100)));

  // The new tables cascade from users like the old ones.
  ASSERT_TRUE((*store)->delete_user(user->id));
  RawConnection raw(path_);
  EXPECT_EQ(raw.query("SELECT (SELECT count(*) FROM questionnaire_responses) + "
                      "(SELECT count(*) FROM guided_sessions) + "
                      "(SELECT count(*) FROM diary_entries) + (SELECT count(*) FROM sessions)"),
            "0");
}

TEST_F(SqliteStore, UpgradesAVersion2DatabaseInPlace) {
  {
    RawConnection raw(path_);
    const std::string version2 =
        "BEGIN; " + std::string(migrations::kSqliteMigrations[0].sql) +
        std::string(migrations::kSqliteMigrations[1].sql) +
        " PRAGMA user_version = 2; "
        "INSERT INTO users (email, role, password_hash, created_at) "
        "VALUES ('ana@example.org', 'patient', 'hash', 0); "
        "INSERT INTO guided_sessions (user_id, started_at, ended_at, record_json) "
        "VALUES (1, 100, 200, '{}'); "
        "COMMIT;";
    ASSERT_EQ(raw.exec(version2), SQLITE_OK);
  }
  auto store = open();
  ASSERT_TRUE(store) << store.error().to_string();
  auto version = (*store)->schema_version();
  ASSERT_TRUE(version) << version.error().to_string();
  EXPECT_EQ(*version, kLatestVersion);

  auto user = (*store)->find_user_by_email("ana@example.org");
  ASSERT_TRUE(user) << user.error().to_string();
  EXPECT_EQ((*store)->list_guided_sessions(user->id)->size(), 1U);
  EXPECT_EQ((*store)->get_reminders(user->id).error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE((*store)->put_reminders(testing::make_reminders(user->id, 0b0010101, 18 * 60)));
  ASSERT_TRUE((*store)->set_reminder_feed(user->id, "feed"));
  EXPECT_EQ((*store)->find_reminders_by_feed("feed")->user_id, user->id);

  // The new table cascades from users like the old ones.
  RawConnection raw(path_);
  ASSERT_EQ(raw.exec("PRAGMA foreign_keys = ON; DELETE FROM users"), SQLITE_OK);
  EXPECT_EQ(raw.query("SELECT count(*) FROM reminders"), "0");
}

TEST_F(SqliteStore, UpgradesAVersion3DatabaseInPlace) {
  {
    RawConnection raw(path_);
    const std::string version3 =
        "BEGIN; " + std::string(migrations::kSqliteMigrations[0].sql) +
        std::string(migrations::kSqliteMigrations[1].sql) +
        std::string(migrations::kSqliteMigrations[2].sql) +
        " PRAGMA user_version = 3; "
        "INSERT INTO users (email, role, password_hash, created_at) "
        "VALUES ('ana@example.org', 'patient', 'hash', 0); "
        "INSERT INTO users (email, role, password_hash, created_at) "
        "VALUES ('doc@clinic.example', 'clinician', 'hash', 0); "
        "INSERT INTO reminders (user_id, weekdays, minute_of_day, updated_at) "
        "VALUES (1, 5, 600, 0); "
        "COMMIT;";
    ASSERT_EQ(raw.exec(version3), SQLITE_OK);
  }
  auto store = open();
  ASSERT_TRUE(store) << store.error().to_string();
  auto version = (*store)->schema_version();
  ASSERT_TRUE(version) << version.error().to_string();
  EXPECT_EQ(*version, kLatestVersion);

  auto user = (*store)->find_user_by_email("ana@example.org");
  ASSERT_TRUE(user) << user.error().to_string();
  EXPECT_EQ((*store)->get_reminders(user->id)->minute_of_day, 600);
  EXPECT_TRUE((*store)->list_consents(user->id)->empty());
  ASSERT_TRUE((*store)->add_consent(testing::make_consent(user->id, 1, 100, 1000)));
  EXPECT_EQ(*(*store)->shared_parts(user->id, testing::at_seconds(200)), 1);
  ASSERT_TRUE((*store)->append_audit(testing::make_audit(2, user->id, "diary", 200)));
  EXPECT_EQ((*store)->list_audit_for_patient(user->id)->size(), 1U);

  // Consents cascade from users like the other tables; the audit log stays.
  RawConnection raw(path_);
  ASSERT_EQ(raw.exec("PRAGMA foreign_keys = ON; DELETE FROM users"), SQLITE_OK);
  EXPECT_EQ(raw.query("SELECT count(*) FROM consents"), "0");
  EXPECT_EQ(raw.query("SELECT count(*) FROM audit_log"), "1");
}

TEST_F(SqliteStore, UpgradesAVersion4DatabaseInPlace) {
  {
    RawConnection raw(path_);
    const std::string version4 =
        "BEGIN; " + std::string(migrations::kSqliteMigrations[0].sql) +
        std::string(migrations::kSqliteMigrations[1].sql) +
        std::string(migrations::kSqliteMigrations[2].sql) +
        std::string(migrations::kSqliteMigrations[3].sql) +
        " PRAGMA user_version = 4; "
        "INSERT INTO users (email, role, password_hash, created_at) "
        "VALUES ('ana@example.org', 'patient', 'hash', 0); "
        "INSERT INTO saved_triage (user_id, created_at, answers_json, result_json) "
        "VALUES (1, 10, '{}', '{}'); "
        "INSERT INTO consents (user_id, parts, created_at, until_at) VALUES (1, 1, 100, 1000); "
        "COMMIT;";
    ASSERT_EQ(raw.exec(version4), SQLITE_OK);
  }
  auto store = open();
  ASSERT_TRUE(store) << store.error().to_string();
  auto version = (*store)->schema_version();
  ASSERT_TRUE(version) << version.error().to_string();
  EXPECT_EQ(*version, kLatestVersion);

  auto user = (*store)->find_user_by_email("ana@example.org");
  ASSERT_TRUE(user) << user.error().to_string();
  EXPECT_EQ(*(*store)->shared_parts(user->id, testing::at_seconds(200)), 1);
  EXPECT_TRUE((*store)->list_appointments(user->id)->empty());
  Appointment request = testing::make_appointment(user->id, 100);
  request.triage_id = 1;
  auto id = (*store)->add_appointment(request);
  ASSERT_TRUE(id) << id.error().to_string();
  ASSERT_TRUE((*store)->change_appointment(
      testing::make_change(*id, AppointmentStatus::kProposed, 200, 10'000)));
  EXPECT_EQ(*(*store)->count_undelivered_notifications(user->id), 1);

  // Appointments and notifications cascade from users like the other
  // tables; deleting the triage only detaches it.
  RawConnection raw(path_);
  ASSERT_EQ(raw.exec("PRAGMA foreign_keys = ON; DELETE FROM saved_triage"), SQLITE_OK);
  EXPECT_EQ(raw.query("SELECT count(*) FROM appointments WHERE triage_id IS NULL"), "1");
  ASSERT_EQ(raw.exec("PRAGMA foreign_keys = ON; DELETE FROM users"), SQLITE_OK);
  EXPECT_EQ(raw.query("SELECT count(*) FROM appointments"), "0");
  EXPECT_EQ(raw.query("SELECT count(*) FROM outbox"), "0");
}

TEST_F(SqliteStore, UpgradesAVersion5DatabaseInPlace) {
  {
    RawConnection raw(path_);
    std::string version5 = "BEGIN; ";
    for (int i = 0; i < 5; ++i) version5 += std::string(migrations::kSqliteMigrations[i].sql);
    version5 +=
        " PRAGMA user_version = 5; "
        "INSERT INTO users (email, role, password_hash, created_at) "
        "VALUES ('ana@example.org', 'patient', 'hash', 0), "
        "('doc@clinic.example', 'clinician', 'hash', 0); "
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
        "VALUES (X'01', 1, 0, 1000), (X'02', 2, 0, 1000); "
        "COMMIT;";
    ASSERT_EQ(raw.exec(version5), SQLITE_OK);
  }
  auto store = open();
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_EQ(*(*store)->schema_version(), kLatestVersion);

  // A patient's session stays signed in; staff may only set up two-step
  // sign-in, which they now need.
  EXPECT_EQ((*store)->find_session("\x01", testing::at_seconds(10))->stage,
            SessionStage::kSignedIn);
  EXPECT_EQ((*store)->find_session("\x02", testing::at_seconds(10))->stage,
            SessionStage::kNeedsEnrolment);
  TwoFactor pending;
  pending.user_id = 1;
  pending.secret = "secret";
  ASSERT_TRUE((*store)->start_two_factor(pending));
  ASSERT_TRUE((*store)->enable_two_factor(1, 7, {"h1", "h2"}, testing::at_seconds(20)));

  // Both cascade from the user; the recovery codes also from the secret.
  RawConnection raw(path_);
  ASSERT_EQ(raw.exec("PRAGMA foreign_keys = ON; DELETE FROM two_factor"), SQLITE_OK);
  EXPECT_EQ(raw.query("SELECT count(*) FROM recovery_codes"), "0");
  ASSERT_TRUE((*store)->start_two_factor(pending));
  ASSERT_EQ(raw.exec("PRAGMA foreign_keys = ON; DELETE FROM users"), SQLITE_OK);
  EXPECT_EQ(raw.query("SELECT count(*) FROM two_factor"), "0");
  EXPECT_NE(raw.exec("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, stage) "
                     "VALUES (X'03', 1, 0, 1, 'halfway')"),
            SQLITE_OK);
}

TEST_F(SqliteStore, UpgradesAVersion6DatabaseInPlace) {
  {
    RawConnection raw(path_);
    std::string version6 = "BEGIN; ";
    for (int i = 0; i < 6; ++i) version6 += std::string(migrations::kSqliteMigrations[i].sql);
    version6 +=
        " PRAGMA user_version = 6; "
        "INSERT INTO users (email, role, password_hash, created_at) "
        "VALUES ('ana@example.org', 'patient', 'hash', 0), "
        "('doc@clinic.example', 'clinician', 'hash', 0); "
        "INSERT INTO appointments (user_id, type_id, reason, urgency, status, created_at, "
        "updated_at) VALUES (1, 'assessment', 'hip pain', 3, 'requested', 0, 0); "
        "COMMIT;";
    ASSERT_EQ(raw.exec(version6), SQLITE_OK);
  }
  auto store = open();
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_EQ(*(*store)->schema_version(), 8);
  // The request made before the upgrade takes notes.
  AppointmentNote note;
  note.appointment_id = 1;
  note.author_id = 2;
  note.text = "Called back.";
  note.created_at = testing::at_seconds(10);
  auto added = (*store)->add_appointment_note(note);
  ASSERT_TRUE(added) << added.error().to_string();
  EXPECT_EQ(added->author_email, "doc@clinic.example");

  // Append-only: the database refuses to change a note; the notes go with
  // their appointment.
  RawConnection raw(path_);
  EXPECT_EQ(raw.exec("UPDATE appointment_notes SET body = 'nothing'"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.query("SELECT body FROM appointment_notes"), "Called back.");
  ASSERT_EQ(raw.exec("PRAGMA foreign_keys = ON; DELETE FROM users WHERE id = 1"), SQLITE_OK);
  EXPECT_EQ(raw.query("SELECT count(*) FROM appointment_notes"), "0");
}

TEST_F(SqliteStore, UpgradesAVersion7DatabaseInPlace) {
  {
    RawConnection raw(path_);
    std::string version7 = "BEGIN; ";
    for (int i = 0; i < 7; ++i) version7 += std::string(migrations::kSqliteMigrations[i].sql);
    version7 += " PRAGMA user_version = 7; COMMIT;";
    ASSERT_EQ(raw.exec(version7), SQLITE_OK);
  }
  auto store = open();
  ASSERT_TRUE(store) << store.error().to_string();
  EXPECT_EQ(*(*store)->schema_version(), 8);
  SignInFailureRule rule;
  rule.max_failures = 1;
  auto counted = (*store)->count_sign_in_failure(SignInKeyKind::kAccount, "key", rule,
                                                 testing::at_seconds(100));
  ASSERT_TRUE(counted) << counted.error().to_string();
  EXPECT_EQ(counted->locked_until, testing::at_seconds(1000));
  RawConnection raw(path_);
  EXPECT_EQ(raw.query("SELECT failures FROM sign_in_failures WHERE key_kind = 'account'"), "1");
  EXPECT_NE(raw.exec("INSERT INTO sign_in_failures (key_kind, key, window_start, failures) "
                     "VALUES ('user', X'01', 0, 1)"),
            SQLITE_OK);
}

TEST_F(SqliteStore, TheDatabaseRefusesToChangeOrDeleteAnAuditRow) {
  {
    auto store = open();
    ASSERT_TRUE(store) << store.error().to_string();
    const auto ana = (*store)->create_user(make_user("ana@example.org"))->id;
    const auto doc = (*store)->create_user(make_user("doc@clinic.example"))->id;
    ASSERT_TRUE((*store)->append_audit(testing::make_audit(doc, ana, "diary", 500)));
  }
  RawConnection raw(path_);
  for (const char* sql :
       {"UPDATE audit_log SET why = 'nothing happened'", "UPDATE audit_log SET actor_id = 0",
        "DELETE FROM audit_log", "DELETE FROM audit_log WHERE id = 1"}) {
    EXPECT_EQ(raw.exec(sql), SQLITE_CONSTRAINT) << sql;
  }
  // A write that fails the trigger leaves the row as it was.
  EXPECT_EQ(raw.query("SELECT count(*) FROM audit_log WHERE why = 'clinical care'"), "1");
}

TEST_F(SqliteStore, TheNewTablesCascadeFromUsersEvenWithoutTheStore) {
  auto store = open();
  ASSERT_TRUE(store) << store.error().to_string();
  auto user = (*store)->create_user(make_user("ana@example.org"));
  ASSERT_TRUE(user);
  ASSERT_TRUE((*store)->add_questionnaire_response(make_response(user->id, 40, 100)));
  ASSERT_TRUE((*store)->add_guided_session(make_guided_session(user->id, 100)));

  RawConnection raw(path_);
  ASSERT_EQ(raw.exec("PRAGMA foreign_keys = ON; DELETE FROM users"), SQLITE_OK);
  EXPECT_EQ(raw.query("SELECT (SELECT count(*) FROM questionnaire_responses) + "
                      "(SELECT count(*) FROM guided_sessions)"),
            "0");
}

TEST_F(SqliteStore, UsesWriteAheadLogging) {
  auto store = open();
  ASSERT_TRUE(store) << store.error().to_string();
  RawConnection raw(path_);
  EXPECT_EQ(raw.query("PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteStore, ReopeningAppliesNothingTwice) {
  {
    auto first = open();
    ASSERT_TRUE(first) << first.error().to_string();
    ASSERT_TRUE((*first)->create_user(make_user("ana@example.org")));
  }
  auto second = open();
  ASSERT_TRUE(second) << second.error().to_string();
  auto version = (*second)->schema_version();
  ASSERT_TRUE(version);
  EXPECT_EQ(*version, kLatestVersion);
  EXPECT_TRUE((*second)->find_user_by_email("ana@example.org"));
}

TEST_F(SqliteStore, KeepsEveryAcknowledgedEntryAcrossReopening) {
  std::vector<DiaryEntry> written;
  std::int64_t user = 0;
  {
    auto store = open();
    ASSERT_TRUE(store) << store.error().to_string();
    auto created = (*store)->create_user(make_user("ana@example.org"));
    ASSERT_TRUE(created);
    user = created->id;
    for (int i = 0; i < 30; ++i) {
      DiaryEntry entry = make_entry(user, i % 11, 1000 + i);
      auto id = (*store)->add_diary_entry(entry);
      ASSERT_TRUE(id) << id.error().to_string();
      entry.id = *id;
      written.insert(written.begin(), entry);
    }
  }
  auto reopened = open();
  ASSERT_TRUE(reopened) << reopened.error().to_string();
  auto listed = (*reopened)->list_diary(user, kMaxListLimit, std::nullopt);
  ASSERT_TRUE(listed) << listed.error().to_string();
  ASSERT_EQ(listed->size(), written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ((*listed)[i].id, written[i].id) << i;
    EXPECT_EQ((*listed)[i].pain, written[i].pain) << i;
    EXPECT_EQ((*listed)[i].at_utc, written[i].at_utc) << i;
  }
}

TEST_F(SqliteStore, RefusesADatabaseFromANewerVersion) {
  {
    RawConnection raw(path_);
    ASSERT_EQ(raw.exec("PRAGMA user_version = 99"), SQLITE_OK);
  }
  auto store = open();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().where(), path_.string());
  EXPECT_EQ(store.error().message(),
            "database schema version 99 is newer than this program (8); upgrade hipcoach");
}

TEST_F(SqliteStore, SaysAFileOfRandomBytesIsDamaged) {
  std::string bytes;
  unsigned state = 12345;
  for (int i = 0; i < 8192; ++i) {
    state = state * 1103515245U + 12345U;
    bytes.push_back(static_cast<char>(state >> 16));
  }
  write_file(bytes);
  auto store = open();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().where(), path_.string());
  EXPECT_EQ(store.error().message(), "the file is damaged or is not a HipCoach database");
}

TEST_F(SqliteStore, SaysATextFileIsNotADatabase) {
  write_file("pain diary, private: do not print\n");
  auto store = open();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().where(), path_.string());
  EXPECT_EQ(store.error().message(), "the file is damaged or is not a HipCoach database");
  EXPECT_EQ(store.error().to_string().find("private"), std::string::npos);
}

TEST_F(SqliteStore, SaysAFileDamagedAfterOpeningIsDamaged) {
  auto store = open();
  ASSERT_TRUE(store) << store.error().to_string();
  auto user = (*store)->create_user(make_user("ana@example.org"));
  ASSERT_TRUE(user);
  ASSERT_TRUE((*store)->add_diary_entry(make_entry(user->id, 5, 100)));
  store->reset();
  // Overwrite every page after the header with noise.
  {
    std::fstream file(path_, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(100);
    const std::string noise(64 * 1024, 'Z');
    file.write(noise.data(), static_cast<std::streamsize>(noise.size()));
  }
  auto reopened = open();
  core::Result<std::vector<DiaryEntry>> listed = core::Error::internal("", "not run");
  if (reopened) listed = (*reopened)->list_diary(user->id, 10, std::nullopt);
  const core::Error& error = reopened ? listed.error() : reopened.error();
  EXPECT_EQ(error.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(error.where(), path_.string());
  EXPECT_EQ(error.message(), "the file is damaged or is not a HipCoach database");
}

TEST_F(SqliteStore, SaysTheDatabaseIsBusyWhileAnotherConnectionHoldsIt) {
  auto store = open({.busy_timeout = std::chrono::milliseconds(50)});
  ASSERT_TRUE(store) << store.error().to_string();
  auto user = (*store)->create_user(make_user("ana@example.org"));
  ASSERT_TRUE(user);
  RawConnection other(path_);
  ASSERT_EQ(other.exec("BEGIN EXCLUSIVE"), SQLITE_OK);

  auto added = (*store)->add_diary_entry(make_entry(user->id, 5, 100));
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(added.error().where(), "diary_entries");
  EXPECT_EQ(added.error().message(), "the database is busy; try again");

  ASSERT_EQ(other.exec("COMMIT"), SQLITE_OK);
  auto next = (*store)->add_diary_entry(make_entry(user->id, 6, 200));
  ASSERT_TRUE(next) << next.error().to_string();
  auto listed = (*store)->list_diary(user->id, 10, std::nullopt);
  ASSERT_TRUE(listed) << listed.error().to_string();
  ASSERT_EQ(listed->size(), 1U);
  EXPECT_EQ(listed->front().id, *next);
}

TEST_F(SqliteStore, ReadsWhileAnotherConnectionHoldsTheWriteLock) {
  auto store = open({.busy_timeout = std::chrono::milliseconds(50)});
  ASSERT_TRUE(store) << store.error().to_string();
  auto user = (*store)->create_user(make_user("ana@example.org"));
  ASSERT_TRUE(user);
  ASSERT_TRUE((*store)->add_diary_entry(make_entry(user->id, 5, 100)));
  ASSERT_TRUE((*store)->create_session({"hash", user->id, at_seconds(0), at_seconds(10)}));
  RawConnection other(path_);
  ASSERT_EQ(other.exec("BEGIN EXCLUSIVE"), SQLITE_OK);

  auto listed = (*store)->list_diary(user->id, 30, std::nullopt);
  auto session = (*store)->find_session("hash", at_seconds(1));
  ASSERT_EQ(other.exec("ROLLBACK"), SQLITE_OK);
  ASSERT_TRUE(listed) << listed.error().to_string();
  EXPECT_EQ(listed->size(), 1U);
  EXPECT_TRUE(session) << session.error().to_string();
}

TEST_F(SqliteStore, EveryWriterWaitingOnALockFailsCleanlyAndTheNextWriteSucceeds) {
  auto store = open({.busy_timeout = std::chrono::milliseconds(50)});
  ASSERT_TRUE(store) << store.error().to_string();
  auto user = (*store)->create_user(make_user("ana@example.org"));
  ASSERT_TRUE(user);
  RawConnection other(path_);
  ASSERT_EQ(other.exec("BEGIN IMMEDIATE"), SQLITE_OK);

  constexpr int kThreads = 4;
  std::vector<core::Result<std::int64_t>> added(kThreads, core::Error::internal("", "not run"));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(
        [&, t] { added[t] = (*store)->add_diary_entry(make_entry(user->id, t, 100 + t)); });
  }
  for (auto& thread : threads) thread.join();
  auto response = (*store)->add_questionnaire_response(make_response(user->id, 40, 100));
  auto session = (*store)->add_guided_session(make_guided_session(user->id, 100));
  ASSERT_EQ(other.exec("ROLLBACK"), SQLITE_OK);

  for (int t = 0; t < kThreads; ++t) {
    ASSERT_FALSE(added[t]) << t;
    EXPECT_EQ(added[t].error().code(), ErrorCode::kUnavailable) << t;
    EXPECT_EQ(added[t].error().message(), "the database is busy; try again") << t;
  }
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(response.error().where(), "questionnaire_responses");
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(session.error().where(), "guided_sessions");
  EXPECT_TRUE((*store)->list_diary(user->id, 10, std::nullopt)->empty());
  EXPECT_TRUE((*store)->list_questionnaire_responses(user->id)->empty());
  EXPECT_TRUE((*store)->list_guided_sessions(user->id)->empty());

  EXPECT_TRUE((*store)->add_diary_entry(make_entry(user->id, 5, 100)));
  EXPECT_TRUE((*store)->add_questionnaire_response(make_response(user->id, 40, 100)));
}

// Writers queue while another connection holds the lock, so that the
// commit after it carries many entries, some for a user that is gone. The
// outcome asserted holds however the entries happen to be grouped.
TEST_F(SqliteStore, AnEntryRefusedInASharedCommitFailsAloneAndTheRestCommit) {
  auto store = open();
  ASSERT_TRUE(store) << store.error().to_string();
  auto user = (*store)->create_user(make_user("ana@example.org"));
  auto gone = (*store)->create_user(make_user("ben@example.org"));
  ASSERT_TRUE(user && gone);
  ASSERT_TRUE((*store)->delete_user(gone->id));
  RawConnection other(path_);
  ASSERT_EQ(other.exec("BEGIN IMMEDIATE"), SQLITE_OK);

  constexpr int kThreads = 8;
  std::atomic<int> started{0};
  std::vector<core::Result<std::int64_t>> added(kThreads, core::Error::internal("", "not run"));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++started;
      added[t] =
          (*store)->add_diary_entry(make_entry(t % 3 == 1 ? gone->id : user->id, t, 100 + t));
    });
  }
  while (started.load() < kThreads) std::this_thread::yield();
  // Gives the writers time to queue; nothing below depends on it.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(other.exec("ROLLBACK"), SQLITE_OK);
  for (auto& thread : threads) thread.join();

  std::vector<std::int64_t> acknowledged;
  for (int t = 0; t < kThreads; ++t) {
    if (t % 3 == 1) {
      ASSERT_FALSE(added[t]) << t;
      EXPECT_EQ(added[t].error().code(), ErrorCode::kNotFound) << t;
      EXPECT_EQ(added[t].error().where(), "users/" + std::to_string(gone->id)) << t;
    } else {
      ASSERT_TRUE(added[t]) << t << ": " << added[t].error().to_string();
      acknowledged.push_back(*added[t]);
    }
  }
  auto listed = (*store)->list_diary(user->id, 100, std::nullopt);
  ASSERT_TRUE(listed) << listed.error().to_string();
  std::vector<std::int64_t> ids;
  for (const auto& entry : *listed) ids.push_back(entry.id);
  std::sort(ids.begin(), ids.end());
  std::sort(acknowledged.begin(), acknowledged.end());
  EXPECT_EQ(ids, acknowledged);
  RawConnection raw(path_);
  EXPECT_EQ(raw.query("SELECT count(*) FROM diary_entries"), std::to_string(acknowledged.size()));
}

TEST_F(SqliteStore, SaysTheDiskIsFullKeepsWhatWasAcknowledgedAndRecovers) {
  std::int64_t user = 0;
  {
    auto store = open();
    ASSERT_TRUE(store) << store.error().to_string();
    auto created = (*store)->create_user(make_user("ana@example.org"));
    ASSERT_TRUE(created);
    user = created->id;
  }
  const int pages = std::stoi(RawConnection(path_).query("PRAGMA page_count"));
  const PageLimit limit(pages + 4);
  auto store = open();
  ASSERT_TRUE(store) << store.error().to_string();

  const std::string note = "private: " + std::string(1900, 'n');
  std::vector<std::int64_t> acknowledged;
  core::Result<std::int64_t> added = core::Error::internal("", "not run");
  for (int i = 0; i < 1000; ++i) {
    DiaryEntry entry = make_entry(user, 5, 100 + i);
    entry.note = note;
    added = (*store)->add_diary_entry(entry);
    if (!added) break;
    acknowledged.push_back(*added);
  }
  ASSERT_FALSE(added) << "the page limit was never reached";
  EXPECT_EQ(added.error().code(), ErrorCode::kStorageFull);
  EXPECT_EQ(added.error().where(), "diary_entries");
  EXPECT_EQ(added.error().message(), "the disk is full");
  EXPECT_EQ(added.error().to_string().find("private"), std::string::npos);

  QuestionnaireResponse response = make_response(user, 40, 100);
  response.answers_json = "\"" + std::string(8000, 'a') + "\"";
  auto refused = (*store)->add_questionnaire_response(response);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kStorageFull);
  EXPECT_EQ(refused.error().where(), "questionnaire_responses");
  EXPECT_EQ(refused.error().message(), "the disk is full");

  auto listed = (*store)->list_diary(user, kMaxListLimit, std::nullopt);
  ASSERT_TRUE(listed) << listed.error().to_string();
  ASSERT_EQ(listed->size(), acknowledged.size());
  EXPECT_TRUE((*store)->list_questionnaire_responses(user)->empty());

  // Freed pages are reused: once entries go, writing works again.
  for (const auto id : acknowledged) ASSERT_TRUE((*store)->delete_diary_entry(user, id));
  auto after = (*store)->add_diary_entry(make_entry(user, 5, 5000));
  EXPECT_TRUE(after) << after.error().to_string();
}

TEST_F(SqliteStore, AFailedDeleteUserLeavesEverythingInPlace) {
  auto store = open({.busy_timeout = std::chrono::milliseconds(50)});
  ASSERT_TRUE(store) << store.error().to_string();
  auto user = (*store)->create_user(make_user("ana@example.org"));
  ASSERT_TRUE(user);
  ASSERT_TRUE((*store)->add_diary_entry(make_entry(user->id, 5, 100)));
  ASSERT_TRUE((*store)->create_session({"hash", user->id, at_seconds(0), at_seconds(10)}));
  RawConnection other(path_);
  ASSERT_EQ(other.exec("BEGIN EXCLUSIVE"), SQLITE_OK);

  auto deleted = (*store)->delete_user(user->id);
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().code(), ErrorCode::kUnavailable);
  ASSERT_EQ(other.exec("ROLLBACK"), SQLITE_OK);

  EXPECT_TRUE((*store)->find_user(user->id));
  EXPECT_TRUE((*store)->find_session("hash", at_seconds(1)));
  EXPECT_EQ((*store)->list_diary(user->id, 10, std::nullopt)->size(), 1U);
}

TEST_F(SqliteStore, ItsChecksRefuseRowsThatBypassTheProgram) {
  ASSERT_TRUE(open());
  RawConnection raw(path_);
  ASSERT_EQ(raw.exec("INSERT INTO users (email, role, password_hash, created_at) "
                     "VALUES ('a@b', 'patient', 'h', 0)"),
            SQLITE_OK);
  const char* bad_rows[] = {
      "VALUES (1, 11, 'outer_hip', 'rest', 'left', '', 'x', 0)",
      "VALUES (1, -1, 'outer_hip', 'rest', 'left', '', 'x', 0)",
      "VALUES (1, 5, 'elbow', 'rest', 'left', '', 'x', 0)",
      "VALUES (1, 5, 'outer_hip', 'asleep', 'left', '', 'x', 0)",
      "VALUES (1, 5, 'outer_hip', 'rest', 'middle', '', 'x', 0)",
      "VALUES (1, 5, 'outer_hip', 'rest', 'left', '', '', 0)",
  };
  for (const char* values : bad_rows) {
    EXPECT_EQ(raw.exec(std::string("INSERT INTO diary_entries "
                                   "(user_id, pain, region, context, side, note, at, at_utc) ") +
                       values),
              SQLITE_CONSTRAINT)
        << values;
  }
}

}  // namespace
}  // namespace hipcoach::storage
