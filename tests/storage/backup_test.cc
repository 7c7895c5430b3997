// backup_database and restore_database: a store holding every kind of record
// is backed up and restored into an empty database, and every row of every
// table (the table list read from the database, never written down here) is
// compared; then the copy taken while a writer keeps writing, the refusals
// (an existing file, a database with data, a file that is no backup, a
// schema from a newer program) and, with PostgreSQL, pg_dump and pg_restore.
#include "hipcoach/storage/backup.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "hipcoach/storage/open_store.h"
#include "migrations/migrations.h"
#include "postgres_test_db.h"
#include "test_store.h"

namespace hipcoach::storage {
namespace {

using core::ErrorCode;
using testing::at_seconds;
using testing::make_appointment;
using testing::make_audit;
using testing::make_change;
using testing::make_consent;
using testing::make_entry;
using testing::make_guided_session;
using testing::make_reminders;
using testing::make_response;
using testing::make_user;
using testing::TempDir;

// Every table's rows, each row as text, in a fixed order.
using Rows = std::map<std::string, std::vector<std::string>>;

// Fills `store` with every kind of record the Store interface writes.
void fill(Store& store) {
  auto ana = store.create_user(make_user("ana@example.org"));
  ASSERT_TRUE(ana) << ana.error().to_string();
  User clinician = make_user("doc@example.org");
  clinician.role = Role::kClinician;
  auto doc = store.create_user(clinician);
  ASSERT_TRUE(doc) << doc.error().to_string();
  const std::int64_t a = ana->id;
  const std::int64_t d = doc->id;

  std::vector<std::int64_t> entries;
  for (int pain = 0; pain <= 10; ++pain) {
    auto id = store.add_diary_entry(make_entry(a, pain, 1'700'000'000 + pain * 3600));
    ASSERT_TRUE(id) << id.error().to_string();
    entries.push_back(*id);
  }
  // A gap in the ids: the restored database must not reuse it.
  ASSERT_TRUE(store.delete_diary_entry(a, entries[3]));
  ASSERT_TRUE(store.create_session(
      {std::string("\x01\x00\xff token", 9), a, at_seconds(0), at_seconds(2'000'000'000)}));
  ASSERT_TRUE(store.create_session(
      {"doc-token", d, at_seconds(0), at_seconds(2'000'000'000), SessionStage::kSignedIn}));
  ASSERT_TRUE(store.save_triage(
      {0, a, at_seconds(10), R"({"where":"outer_hip"})", R"({"level":"self_care"})"}));
  ASSERT_TRUE(store.add_questionnaire_response(make_response(a, 42.25, 100)));
  ASSERT_TRUE(store.add_guided_session(make_guided_session(a, 200)));
  ASSERT_TRUE(store.put_reminders(make_reminders(a, 0b0010101, 18 * 60 + 30)));
  ASSERT_TRUE(store.set_reminder_feed(a, "feed-hash"));
  ASSERT_TRUE(store.add_consent(make_consent(a, kAllRecordParts, 0, 2'000'000'000)));
  ASSERT_TRUE(store.append_audit(make_audit(d, a, "diary", 500)));
  auto appointment = store.add_appointment(make_appointment(a, 600));
  ASSERT_TRUE(appointment) << appointment.error().to_string();
  auto changed = store.change_appointment(
      make_change(*appointment, AppointmentStatus::kProposed, 700, 1'800'000'000));
  ASSERT_TRUE(changed) << changed.error().to_string();
  AppointmentNote note;
  note.appointment_id = *appointment;
  note.author_id = d;
  note.text = "Called, no answer. é";
  note.created_at = at_seconds(800);
  ASSERT_TRUE(store.add_appointment_note(note));
  TwoFactor two_factor;
  two_factor.user_id = a;
  two_factor.secret = std::string("\x00\x01secret-bytes\xfe", 16);
  two_factor.created_at = at_seconds(900);
  ASSERT_TRUE(store.start_two_factor(two_factor));
  ASSERT_TRUE(
      store.enable_two_factor(a, 56'000'000, {"code-hash-1", "code-hash-2"}, at_seconds(950)));
}

// --- SQLite -----------------------------------------------------------------

// Runs `sql` on the SQLite file at `path`, as another program would.
// A store restored from a fill()ed one works, and goes on after the ids it
// holds: the next diary entry of fill()'s first user gets id 12.
void expect_restored_store_goes_on(const std::string& url) {
  auto store = open_store(url);
  ASSERT_TRUE(store) << store.error().to_string();
  auto user = (*store)->find_user_by_email("ana@example.org");
  ASSERT_TRUE(user) << user.error().to_string();
  auto id = (*store)->add_diary_entry(make_entry(user->id, 2, 1'800'000'000));
  ASSERT_TRUE(id) << id.error().to_string();
  EXPECT_EQ(*id, 12);
}

void sqlite_run(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
      << (message != nullptr ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

// Every row of every table of the SQLite database at `path` (SQLite's own
// tables too, so the schema and the AUTOINCREMENT counters are compared),
// each value with its type, rows ordered by all their columns.
Rows sqlite_rows(const std::filesystem::path& path) {
  Rows rows;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return rows;
  }
  std::vector<std::string> tables = {"sqlite_master"};
  sqlite3_stmt* list = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &list,
                               nullptr),
            SQLITE_OK);
  while (sqlite3_step(list) == SQLITE_ROW) {
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list, 0)));
  }
  sqlite3_finalize(list);
  for (const std::string& table : tables) {
    sqlite3_stmt* count = nullptr;
    const std::string select = "SELECT * FROM \"" + table + "\"";
    EXPECT_EQ(sqlite3_prepare_v2(db, select.c_str(), -1, &count, nullptr), SQLITE_OK) << table;
    const int columns = sqlite3_column_count(count);
    sqlite3_finalize(count);
    std::string order;
    for (int column = 1; column <= columns; ++column) {
      order += (column == 1 ? " ORDER BY " : ", ") + std::to_string(column);
    }
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, (select + order).c_str(), -1, &statement, nullptr), SQLITE_OK)
        << table;
    std::vector<std::string>& table_rows = rows[table];
    while (sqlite3_step(statement) == SQLITE_ROW) {
      std::string row;
      for (int column = 0; column < columns; ++column) {
        row += std::to_string(sqlite3_column_type(statement, column)) + ":";
        const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement, column));
        const int size = sqlite3_column_bytes(statement, column);
        if (bytes != nullptr) row.append(bytes, static_cast<std::size_t>(size));
        row += '|';
      }
      table_rows.push_back(row);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return rows;
}

std::size_t user_tables(const Rows& rows) {
  std::size_t count = 0;
  for (const auto& [table, table_rows] : rows) {
    if (!table.starts_with("sqlite_")) ++count;
  }
  return count;
}

class SqliteBackup : public ::testing::Test {
 protected:
  std::string path(const char* name) const { return (dir_.path() / name).string(); }
  std::string url(const char* name) const { return "sqlite:" + path(name); }

  // A filled store at source.sqlite, closed again.
  void make_source() {
    auto store = open_store(url("source.sqlite"));
    ASSERT_TRUE(store) << store.error().to_string();
    fill(**store);
  }

  TempDir dir_;
};

TEST_F(SqliteBackup, RestoresEveryRowOfEveryTableIntoAnEmptyDatabase) {
  make_source();
  ASSERT_FALSE(HasFatalFailure());
  auto written = backup_database(url("source.sqlite"), path("backup.sqlite"));
  ASSERT_TRUE(written) << written.error().to_string();
  EXPECT_EQ(written->file, path("backup.sqlite"));
  EXPECT_EQ(written->bytes, std::filesystem::file_size(path("backup.sqlite")));
  EXPECT_EQ(written->schema_version, migrations::kLatestSchemaVersion);
  struct stat status {};
  ASSERT_EQ(::stat(path("backup.sqlite").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600U);
  // One self-contained file: no temporary or journal left beside it.
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"backup.sqlite", "source.sqlite"}));

  auto restored = restore_database(url("restored.sqlite"), path("backup.sqlite"));
  ASSERT_TRUE(restored) << restored.error().to_string();
  EXPECT_EQ(restored->backup_schema_version, migrations::kLatestSchemaVersion);
  EXPECT_EQ(restored->schema_version, migrations::kLatestSchemaVersion);
  ASSERT_EQ(::stat(path("restored.sqlite").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600U);

  const Rows source = sqlite_rows(path("source.sqlite"));
  const Rows copy = sqlite_rows(path("restored.sqlite"));
  EXPECT_GE(user_tables(source), 14U);
  EXPECT_EQ(copy, source);
  // Every table the store writes holds something, so none is compared empty
  // (any table a newer migration adds is compared all the same).
  for (const char* table :
       {"users", "sessions", "diary_entries", "saved_triage", "questionnaire_responses",
        "guided_sessions", "reminders", "consents", "audit_log", "appointments",
        "appointment_notes", "outbox", "two_factor", "recovery_codes", "sqlite_sequence"}) {
    ASSERT_TRUE(source.contains(table)) << table;
    EXPECT_FALSE(source.at(table).empty()) << table;
  }
  std::map<std::string, std::int64_t> counts;
  for (const TableRows& table : restored->tables) counts[table.table] = table.rows;
  EXPECT_EQ(counts.size(), user_tables(source));
  EXPECT_EQ(counts["diary_entries"], 10);
  EXPECT_EQ(counts["users"], 2);

  expect_restored_store_goes_on(url("restored.sqlite"));
}

TEST_F(SqliteBackup, CopiesAConsistentSnapshotWhileAWriterKeepsWriting) {
  auto store = open_store(url("source.sqlite"));
  ASSERT_TRUE(store) << store.error().to_string();
  auto user = (*store)->create_user(make_user("ana@example.org"));
  ASSERT_TRUE(user);
  // Enough pages that a copy two pages a step takes many steps.
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE((*store)->add_diary_entry(make_entry(user->id, i % 11, i)));
  }
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    while (!stop) {
      if (!(*store)->add_diary_entry(make_entry(user->id, 5, 1000 + written))) failed = true;
      ++written;
    }
  });
  // Wait for the writer to be going (no clock involved).
  while (written < 5) std::this_thread::yield();
  BackupOptions options;
  options.pages_per_step = 2;
  options.pause = std::chrono::milliseconds(0);
  auto backup = backup_database(url("source.sqlite"), path("backup.sqlite"), options);
  const int during = written;
  stop = true;
  writer.join();
  ASSERT_TRUE(backup) << backup.error().to_string();
  EXPECT_FALSE(failed);

  auto restored = restore_database(url("restored.sqlite"), path("backup.sqlite"));
  ASSERT_TRUE(restored) << restored.error().to_string();
  std::int64_t entries = -1;
  for (const TableRows& table : restored->tables) {
    if (table.table == "diary_entries") entries = table.rows;
  }
  EXPECT_GE(entries, 300 + 5);
  EXPECT_LE(entries, 300 + during + 1);
  // The copy's rows are the first ones written, without a gap.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path("restored.sqlite").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*), max(id) FROM diary_entries", -1, &statement,
                               nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(statement, 0), sqlite3_column_int64(statement, 1));
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST_F(SqliteBackup, RefusesToReplaceAFileUnlessForced) {
  make_source();
  ASSERT_FALSE(HasFatalFailure());
  std::ofstream(path("backup.sqlite")) << "keep me";
  auto refused = backup_database(url("source.sqlite"), path("backup.sqlite"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(refused.error().where(), path("backup.sqlite"));
  EXPECT_EQ(refused.error().message(), "exists; give --force to replace it");
  EXPECT_EQ(std::filesystem::file_size(path("backup.sqlite")), 7U);

  BackupOptions force;
  force.force = true;
  auto replaced = backup_database(url("source.sqlite"), path("backup.sqlite"), force);
  ASSERT_TRUE(replaced) << replaced.error().to_string();
  EXPECT_GT(std::filesystem::file_size(path("backup.sqlite")), 7U);
}

TEST_F(SqliteBackup, DoesNotCreateADatabaseThatIsNotThere) {
  auto missing = backup_database(url("missing.sqlite"), path("backup.sqlite"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().where(), path("missing.sqlite"));
  EXPECT_FALSE(std::filesystem::exists(path("missing.sqlite")));
  EXPECT_FALSE(std::filesystem::exists(path("backup.sqlite")));
}

TEST_F(SqliteBackup, RefusesOtherUrls) {
  for (const char* url : {"memory:", "mysql://x", "", "sqlite:"}) {
    auto refused = backup_database(url, path("backup.sqlite"));
    ASSERT_FALSE(refused) << url;
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidInput) << url;
    EXPECT_EQ(refused.error().where(), "url") << url;
    auto not_restored = restore_database(url, path("backup.sqlite"));
    ASSERT_FALSE(not_restored) << url;
    EXPECT_EQ(not_restored.error().where(), "url") << url;
  }
}

TEST_F(SqliteBackup, RefusesToCopyADatabaseOntoItself) {
  make_source();
  ASSERT_FALSE(HasFatalFailure());
  BackupOptions force;
  force.force = true;
  auto backup = backup_database(url("source.sqlite"), path("source.sqlite"), force);
  ASSERT_FALSE(backup);
  EXPECT_EQ(backup.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(backup.error().where(), path("source.sqlite"));
  RestoreOptions force_restore;
  force_restore.force = true;
  auto restore = restore_database(url("source.sqlite"), path("source.sqlite"), force_restore);
  ASSERT_FALSE(restore);
  EXPECT_EQ(restore.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(sqlite_rows(path("source.sqlite")).at("users").size(), 2U);
}

TEST_F(SqliteBackup, RefusesToRestoreOverADatabaseWithDataUnlessForced) {
  make_source();
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(backup_database(url("source.sqlite"), path("backup.sqlite")));
  {
    auto target = open_store(url("target.sqlite"));
    ASSERT_TRUE(target);
    ASSERT_TRUE((*target)->create_user(make_user("zoe@example.org")));
  }
  auto refused = restore_database(url("target.sqlite"), path("backup.sqlite"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(refused.error().where(), path("target.sqlite"));
  EXPECT_EQ(refused.error().message(), "holds data; give --force to replace it");
  EXPECT_EQ(sqlite_rows(path("target.sqlite")).at("users").size(), 1U);

  RestoreOptions force;
  force.force = true;
  auto restored = restore_database(url("target.sqlite"), path("backup.sqlite"), force);
  ASSERT_TRUE(restored) << restored.error().to_string();
  EXPECT_EQ(sqlite_rows(path("target.sqlite")).at("users"),
            sqlite_rows(path("source.sqlite")).at("users"));
}

TEST_F(SqliteBackup, RestoresOverAnEmptyStoreWithoutForce) {
  make_source();
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(backup_database(url("source.sqlite"), path("backup.sqlite")));
  ASSERT_TRUE(open_store(url("target.sqlite")));
  auto restored = restore_database(url("target.sqlite"), path("backup.sqlite"));
  ASSERT_TRUE(restored) << restored.error().to_string();
  EXPECT_EQ(sqlite_rows(path("target.sqlite")), sqlite_rows(path("source.sqlite")));
}

TEST_F(SqliteBackup, RefusesToRestoreADatabaseInUse) {
  make_source();
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(backup_database(url("source.sqlite"), path("backup.sqlite")));
  auto server = open_store(url("target.sqlite"));  // As hipcoach serve holds it.
  ASSERT_TRUE(server);
  ASSERT_TRUE((*server)->schema_version());
  auto refused = restore_database(url("target.sqlite"), path("backup.sqlite"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(refused.error().where(), path("target.sqlite"));
  EXPECT_NE(refused.error().message().find("stop hipcoach serve"), std::string::npos)
      << refused.error().message();
  EXPECT_TRUE((*server)->create_user(make_user("zoe@example.org")));
}

TEST_F(SqliteBackup, RefusesAFileThatIsNotAHipCoachBackupNamingIt) {
  std::ofstream(path("garbage.sqlite")) << std::string(4096, 'x');
  sqlite_run(path("other.sqlite"), "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
  for (const char* name : {"garbage.sqlite", "other.sqlite"}) {
    auto refused = restore_database(url("target.sqlite"), path(name));
    ASSERT_FALSE(refused) << name;
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidInput) << name;
    EXPECT_EQ(refused.error().where(), path(name));
    EXPECT_NE(refused.error().message().find("not a HipCoach"), std::string::npos)
        << refused.error().message();
  }
  auto missing = restore_database(url("target.sqlite"), path("missing.sqlite"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().where(), path("missing.sqlite"));
  EXPECT_FALSE(std::filesystem::exists(path("target.sqlite")));
}

TEST_F(SqliteBackup, RefusesABackupFromANewerSchema) {
  make_source();
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(backup_database(url("source.sqlite"), path("backup.sqlite")));
  const int newer = migrations::kLatestSchemaVersion + 1;
  sqlite_run(path("backup.sqlite"), "PRAGMA user_version = " + std::to_string(newer));
  auto refused = restore_database(url("target.sqlite"), path("backup.sqlite"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(refused.error().where(), path("backup.sqlite"));
  EXPECT_EQ(refused.error().message(),
            "holds schema version " + std::to_string(newer) + ", newer than this program (" +
                std::to_string(migrations::kLatestSchemaVersion) +
                "); restore it with the hipcoach that made it, or a newer one");
  EXPECT_FALSE(std::filesystem::exists(path("target.sqlite")));
}

TEST_F(SqliteBackup, MigratesABackupFromAnOlderSchema) {
  // A version-1 database, as the first release made it.
  sqlite_run(path("old.sqlite"), std::string(migrations::kSqliteMigrations[0].sql) +
                                     "PRAGMA user_version = 1;"
                                     "INSERT INTO users (email, role, password_hash, created_at) "
                                     "VALUES ('ana@example.org', 'patient', 'h', 1);");
  ASSERT_TRUE(backup_database(url("old.sqlite"), path("backup.sqlite")));
  auto restored = restore_database(url("target.sqlite"), path("backup.sqlite"));
  ASSERT_TRUE(restored) << restored.error().to_string();
  EXPECT_EQ(restored->backup_schema_version, 1);
  EXPECT_EQ(restored->schema_version, migrations::kLatestSchemaVersion);
  auto store = open_store(url("target.sqlite"));
  ASSERT_TRUE(store);
  EXPECT_TRUE((*store)->find_user_by_email("ana@example.org"));
}

// --- PostgreSQL --------------------------------------------------------------

// A database of its own for each test (pg_dump and pg_restore work on whole
// databases), made and dropped by the test server's admin.
class PostgresBackup : public ::testing::Test {
 protected:
  void SetUp() override {
    HIPCOACH_REQUIRE_POSTGRES();
    base_ = testing::postgres_test_schema(dir_);
    for (const char* suffix : {"_source", "_target"}) {
      ASSERT_TRUE(testing::postgres_test_run("DROP DATABASE IF EXISTS " + base_ + suffix +
                                             " WITH (FORCE)"));
      ASSERT_TRUE(testing::postgres_test_run("CREATE DATABASE " + base_ + suffix));
    }
    created_ = true;
  }
  void TearDown() override {
    if (!created_) return;
    for (const char* suffix : {"_source", "_target"}) {
      testing::postgres_test_run("DROP DATABASE IF EXISTS " + base_ + suffix + " WITH (FORCE)");
    }
  }

  // The test server's URL with the database `name` + `suffix`.
  std::string url(const char* suffix) const {
    std::string url = testing::postgres_test_url();
    const auto authority = url.find("://");
    const auto path = url.find('/', authority == std::string::npos ? 0 : authority + 3);
    const auto query = url.find('?', path);
    return url.substr(0, path + 1) + base_ + suffix +
           (query == std::string::npos ? std::string() : url.substr(query));
  }
  std::string file(const char* name) const { return (dir_.path() / name).string(); }

  // Every row of every table of the database, as text, ordered; and every
  // sequence's position.
  Rows rows(const char* suffix) {
    Rows rows;
    PGconn* db = PQconnectdb(url(suffix).c_str());
    if (PQstatus(db) != CONNECTION_OK) {
      ADD_FAILURE() << PQerrorMessage(db);
      PQfinish(db);
      return rows;
    }
    const auto query = [&](const std::string& sql) {
      std::vector<std::string> values;
      PGresult* result = PQexec(db, sql.c_str());
      EXPECT_EQ(PQresultStatus(result), PGRES_TUPLES_OK) << sql << PQresultErrorMessage(result);
      for (int row = 0; row < PQntuples(result); ++row)
        values.emplace_back(PQgetvalue(result, row, 0));
      PQclear(result);
      return values;
    };
    for (const std::string& table :
         query("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM "
               "information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN "
               "('pg_catalog', 'information_schema')")) {
      rows[table] = query("SELECT t::text FROM " + table + " AS t ORDER BY 1");
    }
    for (const std::string& sequence :
         query("SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name) FROM "
               "information_schema.sequences")) {
      rows["sequence " + sequence] =
          query("SELECT last_value::text || ' ' || is_called::text FROM " + sequence);
    }
    PQfinish(db);
    return rows;
  }

  TempDir dir_;
  std::string base_;
  bool created_ = false;
};

TEST_F(PostgresBackup, RestoresEveryRowOfEveryTableIntoAnEmptyDatabase) {
  {
    auto store = open_store(url("_source"));
    ASSERT_TRUE(store) << store.error().to_string();
    fill(**store);
    ASSERT_FALSE(HasFatalFailure());
  }
  auto written = backup_database(url("_source"), file("backup.dump"));
  ASSERT_TRUE(written) << written.error().to_string();
  EXPECT_EQ(written->schema_version, migrations::kLatestSchemaVersion);
  EXPECT_GT(written->bytes, 0U);
  struct stat status {};
  ASSERT_EQ(::stat(file("backup.dump").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600U);

  auto restored = restore_database(url("_target"), file("backup.dump"));
  ASSERT_TRUE(restored) << restored.error().to_string();
  EXPECT_EQ(restored->backup_schema_version, migrations::kLatestSchemaVersion);
  EXPECT_EQ(restored->schema_version, migrations::kLatestSchemaVersion);
  const Rows source = rows("_source");
  EXPECT_GE(source.size(), 15U);
  for (const char* table :
       {"public.users", "public.sessions", "public.diary_entries", "public.two_factor",
        "public.recovery_codes", "public.outbox", "public.appointment_notes", "public.audit_log"}) {
    ASSERT_TRUE(source.contains(table)) << table;
    EXPECT_FALSE(source.at(table).empty()) << table;
  }
  EXPECT_EQ(rows("_target"), source);
  std::map<std::string, std::int64_t> counts;
  for (const TableRows& table : restored->tables) counts[table.table] = table.rows;
  EXPECT_EQ(counts["diary_entries"], 10);

  // Refused a second time: the target now holds data.
  auto again = restore_database(url("_target"), file("backup.dump"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(again.error().message(),
            "the PostgreSQL database holds data; give --force to replace it");
  RestoreOptions force;
  force.force = true;
  auto forced = restore_database(url("_target"), file("backup.dump"), force);
  ASSERT_TRUE(forced) << forced.error().to_string();
  EXPECT_EQ(rows("_target"), source);

  expect_restored_store_goes_on(url("_target"));
}

TEST_F(PostgresBackup, RefusesGarbageANewerSchemaAndAnExistingFile) {
  {
    auto store = open_store(url("_source"));
    ASSERT_TRUE(store) << store.error().to_string();
  }
  std::ofstream(file("garbage.dump")) << "not a dump";
  auto garbage = restore_database(url("_target"), file("garbage.dump"));
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(garbage.error().where(), file("garbage.dump"));

  auto exists = backup_database(url("_source"), file("garbage.dump"));
  ASSERT_FALSE(exists);
  EXPECT_EQ(exists.error().code(), ErrorCode::kConflict);

  PGconn* db = PQconnectdb(url("_source").c_str());
  ASSERT_EQ(PQstatus(db), CONNECTION_OK);
  PQclear(PQexec(db, "UPDATE schema_version SET version = 99"));
  PQfinish(db);
  auto written = backup_database(url("_source"), file("newer.dump"));
  ASSERT_TRUE(written) << written.error().to_string();
  EXPECT_EQ(written->schema_version, 99);
  auto newer = restore_database(url("_target"), file("newer.dump"));
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(newer.error().where(), file("newer.dump"));
  EXPECT_NE(newer.error().message().find("schema version 99, newer"), std::string::npos)
      << newer.error().message();
}

TEST_F(PostgresBackup, RefusesToRestoreADatabaseInUse) {
  {
    auto store = open_store(url("_source"));
    ASSERT_TRUE(store) << store.error().to_string();
  }
  ASSERT_TRUE(backup_database(url("_source"), file("backup.dump")));
  auto server = open_store(url("_target"));  // As hipcoach serve holds it.
  ASSERT_TRUE(server) << server.error().to_string();
  ASSERT_TRUE((*server)->schema_version());
  auto refused = restore_database(url("_target"), file("backup.dump"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(refused.error().where(), "database");
  EXPECT_NE(refused.error().message().find("; stop hipcoach serve first"), std::string::npos)
      << refused.error().message();
  server->reset();
  auto restored = restore_database(url("_target"), file("backup.dump"));
  EXPECT_TRUE(restored) << restored.error().to_string();
}

TEST_F(PostgresBackup, SaysPgDumpFailedWithoutShowingThePassword) {
  // A server that is not there: pg_dump is never reached, the connection
  // check fails first; then a pg_dump that is not there.
  auto unreachable =
      backup_database("postgresql://hipcoach:s3cret-pw@127.0.0.1:1/x", file("backup.dump"));
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(unreachable.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(unreachable.error().to_string().find("s3cret-pw"), std::string::npos)
      << unreachable.error().to_string();
  BackupOptions options;
  options.postgres_bin_dir = dir_.path().string();
  auto missing = backup_database(url("_source"), file("backup.dump"), options);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(missing.error().where(), "pg_dump");
  EXPECT_FALSE(std::filesystem::exists(file("backup.dump")));
}

}  // namespace
}  // namespace hipcoach::storage
