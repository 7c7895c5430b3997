#include <nlohmann/json.hpp>

#include "cli_database_test.h"
#include "hipcoach/storage/open_store.h"

namespace hipcoach::cli {
namespace {

class ProgressCommand : public testing::CliDatabaseTest {
 protected:
  void SetUp() override {
    add_patient();
    variables_["LANG"] = "en_GB.UTF-8";
  }

  void add_pain(const std::string& pain, const std::string& at) {
    ASSERT_EQ(run_as_patient({"diary", "add", pain, "--at", at}), kExitOk) << err();
  }

  int progress(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"progress", "--data", data_};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_as_patient(args);
  }
};

TEST_F(ProgressCommand, SaysPainIsMeaningfullyBetterWithTheThresholdAndItsSource) {
  add_pain("8", "2026-10-30T08:00:00-06:00");
  add_pain("6", "2026-11-08T08:00:00-06:00");
  add_pain("3", "2026-11-24T08:00:00-06:00");
  ASSERT_EQ(progress(), kExitOk) << err();
  const std::string text = out();
  EXPECT_EQ(text.rfind("Progress of pat@example.org on 2026-11-25\n", 0), 0u) << text;
  EXPECT_NE(text.find("Pain (0 to 10), lower is better: 3 entries\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  Pain went from 8 to 3, 5 points (63 %) better: at least the minimal\n"
                      "  clinically important difference (1 point or 15 %, Salaffi et al. 2004),"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("meaningful improvement. [1]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  [1] Salaffi et al. Minimal clinically important changes"),
            std::string::npos)
      << text;
}

TEST_F(ProgressCommand, ChartsTheWeeklyMeanWithBlocksInAUtf8Terminal) {
  add_pain("8", "2026-11-09T08:00:00-06:00");
  add_pain("4", "2026-11-10T08:00:00-06:00");
  add_pain("3", "2026-11-24T08:00:00-06:00");
  ASSERT_EQ(progress(), kExitOk) << err();
  EXPECT_NE(out().find("    2026-W46  2026-11-09  ████████████░░░░░░░░     6  (2)\n"),
            std::string::npos)
      << out();
  EXPECT_NE(out().find("  Every entry, oldest first: ▇▄▃\n"), std::string::npos) << out();
}

TEST_F(ProgressCommand, ChartsInPlainAsciiWhenTheLocaleIsNotUtf8) {
  variables_["LANG"] = "C";
  add_pain("8", "2026-11-09T08:00:00-06:00");
  add_pain("4", "2026-11-10T08:00:00-06:00");
  add_pain("3", "2026-11-24T08:00:00-06:00");
  ASSERT_EQ(progress(), kExitOk) << err();
  EXPECT_NE(out().find("    2026-W46  2026-11-09  ############........     6  (2)\n"),
            std::string::npos)
      << out();
  EXPECT_NE(out().find("  Every entry, oldest first: *-:\n"), std::string::npos) << out();
  for (const char c : out()) ASSERT_LT(static_cast<unsigned char>(c), 0x80) << out();
}

TEST_F(ProgressCommand, SaysWhenThereIsNotEnoughToJudge) {
  add_pain("5", "2026-11-24T08:00:00-06:00");
  ASSERT_EQ(progress(), kExitOk) << err();
  EXPECT_NE(out().find("  Not enough entries yet to judge change (2 needed).\n"), std::string::npos)
      << out();
}

TEST_F(ProgressCommand, ShowsPainBeforeAndAfterGuidedSessions) {
  add_pain("4", "2026-11-21T07:30:00-06:00");
  {
    auto store = storage::open_store(db_);
    ASSERT_TRUE(store.has_value()) << store.error().to_string();
    storage::GuidedSessionRecord session;
    session.user_id = 1;
    session.started_at = utc("2026-11-20T19:00:00-06:00");
    session.ended_at = utc("2026-11-20T19:20:00-06:00");
    session.pain_before = 6;
    session.pain_after = 3;
    session.record_json = "{}";
    ASSERT_TRUE((*store)->add_guided_session(session).has_value());
  }
  ASSERT_EQ(progress(), kExitOk) << err();
  EXPECT_NE(out().find("  STARTED           BEFORE  AFTER  NEXT MORNING\n"
                       "  2026-11-20 19:00       6      3             4\n"
                       "  Right after a session pain changed by -3 on average (1 session with "
                       "both\n  ratings). By the next morning it had changed by -2 on average (1 "
                       "session\n  with a diary entry before noon).\n"),
            std::string::npos)
      << out();
}

TEST_F(ProgressCommand, PrintsTheApiReportAsJson) {
  add_pain("8", "2026-10-30T08:00:00-06:00");
  add_pain("3", "2026-11-24T08:00:00-06:00");
  ASSERT_EQ(progress({"--json", "--weeks", "2"}), kExitOk) << err();
  const auto report = nlohmann::json::parse(out());
  EXPECT_EQ(report["weeks"], 2);
  EXPECT_EQ(report["generated_at"], "2026-11-25T08:00:00-06:00");
  EXPECT_EQ(report["measures"][0]["from_baseline"]["verdict"], "meaningfully_better");
  EXPECT_EQ(report["measures"][0]["recent"]["verdict"], "insufficient_data");
  EXPECT_EQ(report["sources"][0]["id"], "salaffi-2004");
}

TEST_F(ProgressCommand, RefusesWeeksOutOfRange) {
  EXPECT_EQ(progress({"--weeks", "53"}), kExitUsage);
  EXPECT_NE(err().find("--weeks"), std::string::npos) << err();
}

}  // namespace
}  // namespace hipcoach::cli
