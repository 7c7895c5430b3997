#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "cli_database_test.h"
#include "hipcoach/storage/open_store.h"

namespace hipcoach::cli {
namespace {

using UserCommand = testing::CliDatabaseTest;
using Database = testing::CliDatabaseTest;

TEST_F(UserCommand, CreatesAPatientWithThePasswordFromStandardInput) {
  ASSERT_EQ(run({"user", "add", "pat@example.org", "--db", db_}, "correct horse battery\n"),
            kExitOk)
      << err();
  EXPECT_EQ(out(), "Created patient account 1 for pat@example.org.\n");
}

TEST_F(UserCommand, CreatesAClinicianWhenAsked) {
  ASSERT_EQ(run({"user", "add", "doc@example.org", "--role", "clinician", "--db", db_},
                "correct horse battery\n"),
            kExitOk)
      << err();
  EXPECT_EQ(out(), "Created clinician account 1 for doc@example.org.\n");
}

TEST_F(UserCommand, AsksTwiceAtATerminalAndSavesNothingWhenTheyDiffer) {
  environment_.input_is_terminal = true;
  EXPECT_EQ(run({"user", "add", "pat@example.org", "--db", db_},
                "correct horse battery\ncorrect horse batterie\n"),
            kExitInvalidData);
  EXPECT_NE(out().find("The same password again: "), std::string::npos) << out();
  EXPECT_EQ(err(), "hipcoach user add: password: the two passwords differ; nothing was saved\n");
  EXPECT_EQ(run({"user", "add", "pat@example.org", "--db", db_},
                "correct horse battery\ncorrect horse battery\n"),
            kExitOk)
      << err();
}

TEST_F(UserCommand, RefusesAShortPasswordWithThePolicy) {
  EXPECT_EQ(run({"user", "add", "pat@example.org", "--db", db_}, "short\n"), kExitInvalidData);
  EXPECT_EQ(err(), "hipcoach user add: password: must be at least 10 characters, got 5\n");
}

TEST_F(UserCommand, RefusesAnEmptyStandardInput) {
  EXPECT_EQ(run({"user", "add", "pat@example.org", "--db", db_}, ""), kExitInvalidData);
  EXPECT_EQ(err(),
            "hipcoach user add: password: expected the password as the first line of standard "
            "input, got nothing\n");
}

TEST_F(UserCommand, RefusesAnEmailThatHasAnAccountIgnoringCase) {
  add_patient();
  EXPECT_EQ(run({"user", "add", "PAT@example.org", "--db", db_}, "another good password\n"),
            kExitInvalidData);
  EXPECT_EQ(err(),
            "hipcoach user add: EMAIL: an account with this email exists in this database\n");
}

TEST_F(UserCommand, RefusesAMalformedEmailAsAUsageError) {
  EXPECT_EQ(run({"user", "add", "not-an-email", "--db", db_}, "correct horse battery\n"),
            kExitUsage);
  EXPECT_EQ(err(), "hipcoach user add: EMAIL: must be an email address like name@example.org\n");
}

TEST_F(UserCommand, RefusesAnUnknownRole) {
  EXPECT_EQ(run({"user", "add", "pat@example.org", "--role", "root", "--db", db_}), kExitUsage);
  EXPECT_NE(err().find("--role"), std::string::npos) << err();
}

// Sets up two-step sign-in for `email` in the database at `url`, as
// confirming it in the account page would, and opens a session.
void give_two_factor(const std::string& url, const std::string& email) {
  auto store = storage::open_store(url);
  ASSERT_TRUE(store) << store.error().to_string();
  const auto user = (*store)->find_user_by_email(email);
  ASSERT_TRUE(user);
  storage::TwoFactor pending;
  pending.user_id = user->id;
  pending.secret = "a 20-byte TOTP key..";
  auto started = (*store)->start_two_factor(pending);
  ASSERT_TRUE(started) << started.error().to_string();
  ASSERT_TRUE((*store)->enable_two_factor(user->id, 1, {"hash-1", "hash-2"}, {}));
  ASSERT_TRUE((*store)->create_session({"session", user->id, {}, std::chrono::sys_seconds::max()}));
}

TEST_F(UserCommand, ResetsTwoStepSignInAndEndsTheSessions) {
  ASSERT_EQ(run({"user", "add", "doc@example.org", "--role", "clinician", "--db", db_},
                "correct horse battery\n"),
            kExitOk);
  give_two_factor(db_, "doc@example.org");
  ASSERT_EQ(run({"user", "reset-two-factor", "doc@example.org", "--db", db_}), kExitOk) << err();
  EXPECT_EQ(out(),
            "Two-step sign-in is off for doc@example.org and every session of the account has "
            "ended. Staff must set it up again at their next sign-in.\n");
  auto store = storage::open_store(db_);
  ASSERT_TRUE(store);
  EXPECT_FALSE((*store)->get_two_factor(1));
  EXPECT_TRUE((*store)->list_recovery_codes(1)->empty());
  EXPECT_FALSE((*store)->find_session("session", now_));
}

TEST_F(UserCommand, ResettingTwoStepSignInSaysWhatIsWrong) {
  add_patient();
  EXPECT_EQ(run({"user", "reset-two-factor", kPatient, "--db", db_}), kExitInvalidData);
  EXPECT_EQ(err(), "hipcoach user reset-two-factor: EMAIL: this account has no two-step sign-in\n");
  EXPECT_EQ(run({"user", "reset-two-factor", "nobody@example.org", "--db", db_}), kExitInvalidData);
  EXPECT_EQ(err(),
            "hipcoach user reset-two-factor: EMAIL: no account has this email in this database\n");
  EXPECT_EQ(run({"user", "reset-two-factor", "not-an-email", "--db", db_}), kExitUsage);
  EXPECT_EQ(err(),
            "hipcoach user reset-two-factor: EMAIL: must be an email address like "
            "name@example.org\n");
  EXPECT_EQ(run({"user", "reset-two-factor", "--db", db_}), kExitUsage);
}

TEST_F(Database, DefaultsToAFileUnderXdgDataHomeInAPrivateDirectory) {
  variables_["XDG_DATA_HOME"] = (dir_ / "xdg").string();
  ASSERT_EQ(run({"user", "add", "pat@example.org"}, "correct horse battery\n"), kExitOk) << err();
  const auto directory = dir_ / "xdg" / "hipcoach";
  EXPECT_TRUE(std::filesystem::exists(directory / "hipcoach.sqlite"));
  struct stat status {};
  ASSERT_EQ(::stat(directory.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0700u);
}

TEST_F(Database, FallsBackToLocalShareUnderHome) {
  variables_["HOME"] = dir_.string();
  ASSERT_EQ(run({"user", "add", "pat@example.org"}, "correct horse battery\n"), kExitOk) << err();
  EXPECT_TRUE(std::filesystem::exists(dir_ / ".local" / "share" / "hipcoach" / "hipcoach.sqlite"));
}

TEST_F(Database, TakesTheUrlFromHipcoachDb) {
  variables_["HIPCOACH_DB"] = db_;
  variables_["HOME"] = dir_.string();
  add_patient();
  ASSERT_EQ(run({"diary", "add", "4", "--user", kPatient}), kExitOk) << err();
  EXPECT_FALSE(std::filesystem::exists(dir_ / ".local"));
  ASSERT_EQ(run({"diary", "list", "--json", "--db", db_, "--user", kPatient}), kExitOk) << err();
  EXPECT_NE(out().find("\"pain\": 4"), std::string::npos) << out();
}

TEST_F(Database, NeedsHomeOrDbToFindTheDatabase) {
  EXPECT_EQ(run({"diary", "list"}), kExitUsage);
  EXPECT_EQ(err(),
            "hipcoach diary list: --db: neither XDG_DATA_HOME nor HOME is set; give --db "
            "sqlite:PATH or set HIPCOACH_DB\n");
}

TEST_F(Database, ADamagedFileIsAOneLineErrorNamingDb) {
  const auto path = dir_ / "damaged.sqlite";
  std::ofstream(path) << std::string(4096, 'x');
  EXPECT_EQ(run({"diary", "list", "--db", "sqlite:" + path.string(), "--user", kPatient}),
            kExitInvalidData);
  EXPECT_EQ(err(), "hipcoach diary list: --db: " + path.string() +
                       ": the file is damaged or is not a HipCoach database\n");
}

TEST_F(Database, AnUnknownSchemeIsAUsageError) {
  EXPECT_EQ(run({"progress", "--db", "mysql://localhost/hip", "--user", kPatient}), kExitUsage);
  EXPECT_EQ(err(),
            "hipcoach progress: --db: unknown database scheme \"mysql\"; expected sqlite:PATH, "
            "memory: or postgresql://...\n");
}

}  // namespace
}  // namespace hipcoach::cli
