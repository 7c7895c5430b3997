// `hipcoach backup` and `hipcoach restore`: their messages and exit codes.
// What is copied, and how, is tested in tests/storage/backup_test.cc.
#include "backup_command.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_database_test.h"
#include "hipcoach/storage/open_store.h"

namespace hipcoach::cli {
namespace {

class BackupCommand : public testing::CliDatabaseTest {
 protected:
  void SetUp() override {
    add_patient();
    ASSERT_EQ(run_as_patient({"diary", "add", "4", "--context", "rest", "--side", "left"}), kExitOk)
        << err();
  }
  std::string file(const char* name) const { return (dir_ / name).string(); }
};

TEST_F(BackupCommand, BacksUpAndRestoresSayingWhatItWrote) {
  ASSERT_EQ(run({"backup", "--db", db_, "--to", file("backup.sqlite")}), kExitOk) << err();
  const auto size = std::filesystem::file_size(file("backup.sqlite"));
  EXPECT_EQ(out().rfind("hipcoach backup: wrote " + file("backup.sqlite") + ": " +
                            std::to_string(size) + " bytes (",
                        0),
            0U)
      << out();
  EXPECT_NE(out().find(" KiB), schema version "), std::string::npos) << out();
  EXPECT_NE(out().find(", from " + db_ + "\n"), std::string::npos) << out();
  EXPECT_EQ(err(), "");
  struct stat status {};
  ASSERT_EQ(::stat(file("backup.sqlite").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600U);

  const std::string target = "sqlite:" + file("restored.sqlite");
  ASSERT_EQ(run({"restore", "--db", target, "--from", file("backup.sqlite")}), kExitOk) << err();
  EXPECT_EQ(out().rfind("hipcoach restore: restored " + file("backup.sqlite") + " into " + target +
                            " (schema version ",
                        0),
            0U)
      << out();
  EXPECT_NE(out().find(" diary_entries 1,"), std::string::npos) << out();
  EXPECT_NE(out().find(" users 1"), std::string::npos) << out();
  EXPECT_EQ(err(), "");

  ASSERT_EQ(run({"diary", "list", "--db", target, "--user", kPatient}), kExitOk) << err();
  EXPECT_NE(out().find("4"), std::string::npos) << out();
}

TEST_F(BackupCommand, TakesTheDatabaseFromHipcoachDb) {
  variables_["HIPCOACH_DB"] = db_;
  ASSERT_EQ(run({"backup", "--to", file("backup.sqlite")}), kExitOk) << err();
  EXPECT_NE(out().find(", from " + db_ + "\n"), std::string::npos) << out();
}

TEST_F(BackupCommand, RefusesToReplaceAFileWithoutForce) {
  std::ofstream(file("backup.sqlite")) << "keep";
  EXPECT_EQ(run({"backup", "--db", db_, "--to", file("backup.sqlite")}), kExitInvalidData);
  EXPECT_EQ(err(),
            "hipcoach backup: " + file("backup.sqlite") + ": exists; give --force to replace it\n");
  EXPECT_EQ(out(), "");
  EXPECT_EQ(std::filesystem::file_size(file("backup.sqlite")), 4U);
  EXPECT_EQ(run({"backup", "--db", db_, "--to", file("backup.sqlite"), "--force"}), kExitOk)
      << err();
}

TEST_F(BackupCommand, NeedsToAndFromAndADatabaseUrlItCanCopy) {
  EXPECT_EQ(run({"backup", "--db", db_}), kExitUsage);
  EXPECT_NE(err().find("--to"), std::string::npos) << err();
  EXPECT_EQ(run({"restore", "--db", db_}), kExitUsage);
  EXPECT_NE(err().find("--from"), std::string::npos) << err();
  EXPECT_EQ(run({"backup", "--db", "memory:", "--to", file("x")}), kExitUsage);
  EXPECT_EQ(err().rfind("hipcoach backup: --db: a memory: database ends with its program", 0), 0U)
      << err();
  EXPECT_EQ(run({"restore", "--db", "mysql://db/x", "--from", file("x")}), kExitUsage);
  EXPECT_EQ(err(), "hipcoach restore: --db: expected sqlite:PATH or postgresql://...\n");
}

TEST_F(BackupCommand, SaysWhenTheDatabaseIsNotThereAndCreatesNone) {
  const std::string missing = file("missing.sqlite");
  EXPECT_EQ(run({"backup", "--db", "sqlite:" + missing, "--to", file("backup.sqlite")}),
            kExitInvalidData);
  EXPECT_EQ(err(), "hipcoach backup: " + missing +
                       ": no database here (a backup reads one; it creates none)\n");
  EXPECT_FALSE(std::filesystem::exists(missing));
  EXPECT_FALSE(std::filesystem::exists(file("backup.sqlite")));
}

TEST_F(BackupCommand, RefusesAFileThatIsNotABackupNamingIt) {
  std::ofstream(file("notes.txt")) << "my notes, not a database\n";
  const std::string target = "sqlite:" + file("restored.sqlite");
  EXPECT_EQ(run({"restore", "--db", target, "--from", file("notes.txt")}), kExitInvalidData);
  EXPECT_EQ(err(), "hipcoach restore: " + file("notes.txt") +
                       ": is not a HipCoach backup (not a SQLite database, or a damaged one)\n");
  EXPECT_EQ(run({"restore", "--db", target, "--from", file("missing.sqlite")}), kExitInvalidData);
  EXPECT_EQ(err(), "hipcoach restore: " + file("missing.sqlite") + ": no such file\n");
  EXPECT_FALSE(std::filesystem::exists(file("restored.sqlite")));
}

TEST_F(BackupCommand, RefusesToRestoreOverRecordsWithoutForce) {
  ASSERT_EQ(run({"backup", "--db", db_, "--to", file("backup.sqlite")}), kExitOk) << err();
  EXPECT_EQ(run({"restore", "--db", db_, "--from", file("backup.sqlite")}), kExitInvalidData);
  EXPECT_EQ(err(),
            "hipcoach restore: " + db_.substr(7) + ": holds data; give --force to replace it\n");
  EXPECT_EQ(run({"restore", "--db", db_, "--from", file("backup.sqlite"), "--force"}), kExitOk)
      << err();
}

TEST_F(BackupCommand, RefusesADatabaseThatAServerHolds) {
  ASSERT_EQ(run({"backup", "--db", db_, "--to", file("backup.sqlite")}), kExitOk) << err();
  auto server = storage::open_store(db_);
  ASSERT_TRUE(server) << server.error().to_string();
  EXPECT_EQ(run({"restore", "--db", db_, "--from", file("backup.sqlite"), "--force"}),
            kExitInvalidData);
  EXPECT_EQ(err(), "hipcoach restore: " + db_.substr(7) +
                       ": the database is in use by another program; stop hipcoach serve first\n");
}

TEST_F(BackupCommand, NeverShowsAPostgresPassword) {
  EXPECT_EQ(run({"backup", "--db", "postgresql://hipcoach:s3cret-pw@127.0.0.1:1/hipcoach", "--to",
                 file("backup.dump")}),
            kExitInvalidData);
  EXPECT_EQ(err().find("s3cret-pw"), std::string::npos) << err();
  EXPECT_EQ(err().rfind("hipcoach backup: ", 0), 0U) << err();
  EXPECT_FALSE(std::filesystem::exists(file("backup.dump")));
}

}  // namespace
}  // namespace hipcoach::cli
