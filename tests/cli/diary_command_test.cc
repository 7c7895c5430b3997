#include <nlohmann/json.hpp>

#include "cli_database_test.h"

namespace hipcoach::cli {
namespace {

class DiaryCommand : public testing::CliDatabaseTest {
 protected:
  void SetUp() override { add_patient(); }
};

TEST_F(DiaryCommand, AddsAnEntryAtTheLocalTimeAndSaysWhatWasAssumed) {
  ASSERT_EQ(run_as_patient({"diary", "add", "6"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "Saved diary entry 1: pain 6 (rest, both, outer_hip) at 2026-11-25T08:00:00-06:00.\n"
            "Assumed --context rest and --side both; give them to record otherwise.\n");
}

TEST_F(DiaryCommand, AddsEveryFieldGivenAndAssumesNothing) {
  ASSERT_EQ(
      run_as_patient({"diary", "add", "7", "--context", "activity", "--side", "left", "--region",
                      "buttock", "--note", "after the walk", "--at", "2026-11-24T18:30:00-06:00"}),
      kExitOk)
      << err();
  EXPECT_EQ(out(),
            "Saved diary entry 1: pain 7 (activity, left, buttock) at "
            "2026-11-24T18:30:00-06:00.\n");
  ASSERT_EQ(run_as_patient({"diary", "list", "--json"}), kExitOk) << err();
  const auto listed = nlohmann::json::parse(out());
  EXPECT_EQ(listed["entries"][0], nlohmann::json({{"id", 1},
                                                  {"pain", 7},
                                                  {"region", "buttock"},
                                                  {"context", "activity"},
                                                  {"side", "left"},
                                                  {"note", "after the walk"},
                                                  {"at", "2026-11-24T18:30:00-06:00"}}));
}

TEST_F(DiaryCommand, RefusesEachBadValueNamingItsOption) {
  struct Row {
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<Row> rows = {
      {{"11"}, "PAIN: must be a whole number 0..10, got 11"},
      {{"-1"}, "PAIN: must be a whole number 0..10, got \"-1\""},
      {{"six"}, "PAIN: must be a whole number 0..10, got \"six\""},
      {{"6", "--context", "walking"}, "--context: must be one of rest, activity"},
      {{"6", "--side", "middle"}, "--side: must be one of left, right, both"},
      {{"6", "--at", "yesterday"},
       "--at: does not start with a date YYYY-MM-DD; expected an RFC 3339 time with an offset, "
       "like 2026-11-25T08:30:00-06:00"},
      {{"6", "--at", "2026-11-30T08:00:00Z"}, "--at: must not be more than a day in the future"},
  };
  for (const Row& row : rows) {
    std::vector<std::string> args = {"diary", "add"};
    args.insert(args.end(), row.args.begin(), row.args.end());
    EXPECT_EQ(run_as_patient(args), kExitUsage) << row.args[0];
    EXPECT_EQ(err(), "hipcoach diary add: " + row.error + "\n") << row.args[0];
  }
  ASSERT_EQ(run_as_patient({"diary", "list", "--json"}), kExitOk);
  EXPECT_TRUE(nlohmann::json::parse(out())["entries"].empty());
}

TEST_F(DiaryCommand, AnUnknownUserIsAUsageErrorNamingUser) {
  EXPECT_EQ(run({"diary", "add", "5", "--db", db_, "--user", "nobody@example.org"}), kExitUsage);
  EXPECT_EQ(err(),
            "hipcoach diary add: --user: no account \"nobody@example.org\" in this database; "
            "create it with: hipcoach user add nobody@example.org\n");
}

TEST_F(DiaryCommand, AsksForTheUserWhenNoneIsGiven) {
  EXPECT_EQ(run({"diary", "list", "--db", db_}), kExitUsage);
  EXPECT_EQ(err(),
            "hipcoach diary list: --user: which account? give --user EMAIL or set HIPCOACH_USER "
            "(create one with: hipcoach user add EMAIL)\n");
}

TEST_F(DiaryCommand, TakesTheUserFromHipcoachUser) {
  variables_["HIPCOACH_USER"] = kPatient;
  EXPECT_EQ(run({"diary", "add", "5", "--db", db_}), kExitOk) << err();
}

TEST_F(DiaryCommand, ListsNewestFirstAndSaysWhenOlderOnesAreLeftOut) {
  for (const std::string at :
       {"2026-11-20T08:00:00-06:00", "2026-11-22T08:00:00-06:00", "2026-11-21T08:00:00-06:00"}) {
    ASSERT_EQ(run_as_patient({"diary", "add", "3", "--at", at}), kExitOk) << err();
  }
  ASSERT_EQ(run_as_patient({"diary", "list", "--limit", "2"}), kExitOk) << err();
  const std::string text = out();
  const auto newest = text.find("2026-11-22T08:00");
  const auto next = text.find("2026-11-21T08:00");
  ASSERT_NE(newest, std::string::npos) << text;
  ASSERT_NE(next, std::string::npos) << text;
  EXPECT_LT(newest, next);
  EXPECT_EQ(text.find("2026-11-20T08:00"), std::string::npos) << text;
  EXPECT_NE(text.find("Older entries are not shown"), std::string::npos) << text;
}

TEST_F(DiaryCommand, ListAsJsonGivesTheCursorOfTheNextPage) {
  ASSERT_EQ(run_as_patient({"diary", "add", "3", "--at", "2026-11-20T08:00:00-06:00"}), kExitOk);
  ASSERT_EQ(run_as_patient({"diary", "add", "4", "--at", "2026-11-21T08:00:00-06:00"}), kExitOk);
  ASSERT_EQ(run_as_patient({"diary", "list", "--json", "--limit", "1"}), kExitOk) << err();
  const auto page = nlohmann::json::parse(out());
  ASSERT_EQ(page["entries"].size(), 1u);
  EXPECT_EQ(page["entries"][0]["pain"], 4);
  EXPECT_TRUE(page["next"].is_string());
  ASSERT_EQ(run_as_patient({"diary", "list", "--json", "--limit", "2"}), kExitOk) << err();
  EXPECT_TRUE(nlohmann::json::parse(out())["next"].is_null());
}

TEST_F(DiaryCommand, ListShowsNotesWithoutTheirControlCharacters) {
  ASSERT_EQ(run_as_patient({"diary", "add", "2", "--note", "sore\x1b[2J\nthen fine"}), kExitOk)
      << err();
  ASSERT_EQ(run_as_patient({"diary", "list"}), kExitOk) << err();
  EXPECT_EQ(out().find('\x1b'), std::string::npos) << out();
  EXPECT_NE(out().find("sore [2J then fine\n"), std::string::npos) << out();
}

TEST_F(DiaryCommand, RefusesALimitOutOfRange) {
  EXPECT_EQ(run_as_patient({"diary", "list", "--limit", "0"}), kExitUsage);
  EXPECT_NE(err().find("--limit"), std::string::npos) << err();
}

}  // namespace
}  // namespace hipcoach::cli
