// What only the SQLite store has: migrations, durability across reopening,
// and damaged, foreign, newer or locked database files.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <string>

#include "hipcoach/storage/open_store.h"
#include "test_store.h"

namespace hipcoach::storage {
namespace {

using core::ErrorCode;
using testing::at_seconds;
using testing::make_entry;
using testing::make_user;
using testing::TempDir;

constexpr int kLatestVersion = 1;

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
                      "('users', 'sessions', 'diary_entries', 'saved_triage')"),
            "4");
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
            "database schema version 99 is newer than this program (1); upgrade hipcoach");
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
  EXPECT_EQ(store.error().message(), "the file is damaged or is not a HipCoach database");
  EXPECT_EQ(store.error().to_string().find("private"), std::string::npos);
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
  EXPECT_TRUE((*store)->add_diary_entry(make_entry(user->id, 5, 100)));
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
