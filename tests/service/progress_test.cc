#include "hipcoach/service/progress.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/records.h"
#include "hipcoach/storage/data_files.h"
#include "hipcoach/storage/memory_store.h"
#include "records_fixture.h"

namespace hipcoach::service {
namespace {

using nlohmann::json;

using testing::shipped_protocol;
using testing::utc;

// A person with a diary, questionnaire responses and guided sessions in a
// MemoryStore, and the report built at `now_`.
class ProgressTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(shipped_protocol().find_source("salaffi-2004") != nullptr);
    user_id_ = add_user("pat@example.org");
  }

  std::int64_t add_user(const std::string& email) {
    storage::User user;
    user.email = email;
    user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
    user.created_at = utc("2026-10-01T00:00:00Z");
    auto created = store_.create_user(user);
    EXPECT_TRUE(created.has_value());
    return created ? created->id : 0;
  }

  void add_pain(int pain, const std::string& at, std::int64_t user_id = 0) {
    const json body = {{"pain", pain}, {"context", "rest"}, {"side", "left"}, {"at", at}};
    auto entry = diary_entry_from_json(body, user_id == 0 ? user_id_ : user_id, now_);
    ASSERT_TRUE(entry.has_value()) << entry.error().to_string();
    ASSERT_TRUE(store_.add_diary_entry(*entry).has_value());
  }

  // A LEFS response whose 20 answers sum to `score` (0..80).
  void add_lefs(int score, const std::string& at) {
    const core::Questionnaire* lefs = core::find_questionnaire(shipped_protocol(), "lefs");
    ASSERT_NE(lefs, nullptr);
    json answers = json::array();
    int left = score;
    for (const core::QuestionnaireItem& item : lefs->items) {
      const int items_left =
          static_cast<int>(lefs->items.size()) - static_cast<int>(answers.size());
      const int value = (left + items_left - 1) / items_left;
      answers.push_back({{"item", item.id}, {"value", value}});
      left -= value;
    }
    auto response =
        questionnaire_response_from_json(*lefs, {{"answers", answers}, {"at", at}}, user_id_, now_);
    ASSERT_TRUE(response.has_value()) << response.error().to_string();
    ASSERT_EQ(response->score.value, score);
    ASSERT_TRUE(store_.add_questionnaire_response(response->record).has_value());
  }

  json report(int weeks = 4) {
    auto built = progress_report(shipped_protocol(), store_, user_id_, now_, weeks);
    EXPECT_TRUE(built.has_value()) << built.error().to_string();
    return built ? *built : json();
  }

  static json measure(const json& report, const std::string& id) {
    for (const json& measure : report["measures"]) {
      if (measure["id"] == id) return measure;
    }
    ADD_FAILURE() << "no measure " << id << " in " << report.dump(2);
    return json::object();
  }

  storage::MemoryStore store_;
  std::int64_t user_id_ = 0;
  std::chrono::sys_seconds now_ = utc("2026-11-28T18:00:00Z");
};

TEST_F(ProgressTest, PainFromEightToThreeOverFourWeeksIsMeaningfullyBetterCitingTheNprsMcid) {
  add_pain(8, "2026-11-02T08:00:00-06:00");
  add_pain(7, "2026-11-09T08:00:00-06:00");
  add_pain(5, "2026-11-16T08:00:00-06:00");
  add_pain(3, "2026-11-27T08:00:00-06:00");
  const json progress = report();
  const json judgement = measure(progress, "pain")["from_baseline"];
  EXPECT_EQ(judgement["verdict"], "meaningfully_better");
  EXPECT_EQ(judgement["summary"],
            "Pain went from 8 to 3, 5 points (63 %) better: at least the minimal clinically "
            "important difference (1 point or 15 %, Salaffi et al. 2004), even a large (\"much "
            "better\") change (2 points or 33 %, Salaffi et al. 2004), so a meaningful "
            "improvement.");
  ASSERT_EQ(progress["sources"].size(), 1u) << progress["sources"];
  EXPECT_EQ(progress["sources"][0]["id"], "salaffi-2004");
}

TEST_F(ProgressTest, RecentChangeOnlyCountsTheLastWeeks) {
  add_pain(8, "2026-10-01T08:00:00-06:00");
  add_pain(4, "2026-11-10T08:00:00-06:00");
  add_pain(4, "2026-11-27T08:00:00-06:00");
  const json pain = measure(report(4), "pain");
  EXPECT_EQ(pain["from_baseline"]["verdict"], "meaningfully_better");
  EXPECT_EQ(pain["recent"]["verdict"], "no_meaningful_change");
  EXPECT_EQ(pain["recent"]["summary"], "In the last 4 weeks, pain went from 4 to 4: no change.");
}

// The shipped NPRS MCID is 1 point or 15 % (Salaffi 2004), so one point down
// from 6 is meaningful, though not "much better".
TEST_F(ProgressTest, PainFromSixToFiveReachesTheNprsMcidButIsNotMuchBetter) {
  add_pain(6, "2026-11-02T08:00:00-06:00");
  add_pain(5, "2026-11-27T08:00:00-06:00");
  const json judgement = measure(report(), "pain")["from_baseline"];
  EXPECT_EQ(judgement["verdict"], "meaningfully_better");
  EXPECT_EQ(judgement["summary"],
            "Pain went from 6 to 5, 1 point (17 %) better: at least the minimal clinically "
            "important difference (1 point or 15 %, Salaffi et al. 2004), so a meaningful "
            "improvement.");
}

TEST_F(ProgressTest, PainBackWhereItStartedIsNoMeaningfulChange) {
  add_pain(6, "2026-11-02T08:00:00-06:00");
  add_pain(2, "2026-11-10T08:00:00-06:00");
  add_pain(6, "2026-11-27T08:00:00-06:00");
  const json judgement = measure(report(), "pain")["from_baseline"];
  EXPECT_EQ(judgement["verdict"], "no_meaningful_change");
  EXPECT_EQ(judgement["summary"], "Pain went from 6 to 6: no change.");
  EXPECT_EQ(judgement["scores"], 3);
}

TEST_F(ProgressTest, PainFromThreeToSixIsAMeaningfulWorsening) {
  add_pain(3, "2026-11-02T08:00:00-06:00");
  add_pain(6, "2026-11-27T08:00:00-06:00");
  const json judgement = measure(report(), "pain")["from_baseline"];
  EXPECT_EQ(judgement["verdict"], "meaningfully_worse");
  EXPECT_EQ(judgement["change"], 3.0);
  EXPECT_EQ(judgement["improvement"], -3.0);
  EXPECT_EQ(judgement["summary"],
            "Pain went from 3 to 6, 3 points (100 %) worse: at least the minimal clinically "
            "important difference (1 point or 15 %, Salaffi et al. 2004), so a meaningful "
            "worsening.");
}

TEST_F(ProgressTest, OneEntryIsInsufficientData) {
  add_pain(7, "2026-11-27T08:00:00-06:00");
  const json judgement = measure(report(), "pain")["from_baseline"];
  EXPECT_EQ(judgement["verdict"], "insufficient_data");
  EXPECT_EQ(judgement["reason"], "fewer than 2 scores");
  EXPECT_EQ(judgement["baseline"]["score"], 7.0);
  EXPECT_TRUE(judgement["latest"].is_null());
  EXPECT_TRUE(judgement["checks"].empty());
  EXPECT_EQ(judgement["summary"], "Not enough entries yet to judge change (2 needed).");
}

TEST_F(ProgressTest, AnEmptyDiaryGivesAPainMeasureWithNoBaselineAndNoSources) {
  const json progress = report();
  ASSERT_EQ(progress["measures"].size(), 1u);
  const json& pain = progress["measures"][0];
  EXPECT_EQ(pain["id"], "pain");
  EXPECT_EQ(pain["name"], "Pain (0 to 10)");
  EXPECT_EQ(pain["direction"], "lower_is_better");
  EXPECT_EQ(pain["from_baseline"]["reason"], "no baseline");
  EXPECT_TRUE(pain["from_baseline"]["baseline"].is_null());
  EXPECT_EQ(pain["recent"]["summary"],
            "Not enough entries in the last 4 weeks to judge change (2 needed).");
  EXPECT_TRUE(progress["sources"].empty());
  EXPECT_TRUE(progress["sessions"]["items"].empty());
}

TEST_F(ProgressTest, LefsGainBeyondItsMdcIsMeaningfullyBetterWithItsOwnThresholds) {
  add_lefs(40, "2026-11-02T08:00:00-06:00");
  add_lefs(52, "2026-11-27T08:00:00-06:00");
  const json progress = report();
  ASSERT_EQ(progress["measures"].size(), 2u) << "pain, then lefs; no psfs without responses";
  const json& lefs = progress["measures"][1];
  EXPECT_EQ(lefs["id"], "lefs");
  EXPECT_EQ(lefs["direction"], "higher_is_better");
  EXPECT_EQ(lefs["max"], 80.0);
  EXPECT_EQ(lefs["from_baseline"]["verdict"], "meaningfully_better");
  EXPECT_EQ(lefs["from_baseline"]["summary"],
            "The LEFS score went from 40 to 52, 12 points (30 %) better: more than the measurement "
            "error (MDC 9 points, Binkley et al. 1999) and at least the minimal clinically "
            "important difference (9 points, Binkley et al. 1999), so a meaningful improvement.");
  ASSERT_EQ(progress["sources"].size(), 1u);
  EXPECT_EQ(progress["sources"][0]["id"], "binkley-1999");
}

TEST_F(ProgressTest, LefsGainWithinItsMdcIsNoMeaningfulChange) {
  add_lefs(40, "2026-11-02T08:00:00-06:00");
  add_lefs(49, "2026-11-27T08:00:00-06:00");
  const json judgement = measure(report(), "lefs")["from_baseline"];
  EXPECT_EQ(judgement["verdict"], "no_meaningful_change");
  EXPECT_EQ(judgement["checks"][0]["name"], "mdc");
  EXPECT_EQ(judgement["checks"][0]["met"], false);
  EXPECT_EQ(judgement["summary"],
            "The LEFS score went from 40 to 49, 9 points (23 %) better, within the measurement "
            "error (MDC 9 points, Binkley et al. 1999), so no meaningful change.");
}

TEST_F(ProgressTest, WeeklyAveragesGroupEntriesByTheLocalWeek) {
  // Sunday 23:30 in Chicago is Monday 05:30 UTC: it belongs to the week before.
  now_ = utc("2026-12-01T12:00:00Z");
  add_pain(6, "2026-11-29T23:30:00-06:00");
  add_pain(4, "2026-11-30T08:00:00-06:00");
  add_pain(2, "2026-11-30T20:00:00-06:00");
  const json weekly = measure(report(), "pain")["weekly"];
  ASSERT_EQ(weekly.size(), 2u) << weekly;
  EXPECT_EQ(weekly[0], json({{"iso_year", 2026},
                             {"iso_week", 48},
                             {"starts", "2026-11-23T00:00:00-06:00"},
                             {"mean", 6.0},
                             {"count", 1}}));
  EXPECT_EQ(weekly[1]["iso_week"], 49);
  EXPECT_EQ(weekly[1]["mean"], 3.0);
  EXPECT_EQ(weekly[1]["count"], 2);
}

TEST_F(ProgressTest, TimesAreInThePersonsLatestOffset) {
  add_pain(6, "2026-11-02T14:00:00Z");
  add_pain(5, "2026-11-27T08:00:00+01:00");
  const json progress = report();
  EXPECT_EQ(progress["generated_at"], "2026-11-28T19:00:00+01:00");
  const json pain = measure(progress, "pain");
  EXPECT_EQ(pain["series"][0]["at"], "2026-11-02T15:00:00+01:00");
  EXPECT_EQ(pain["from_baseline"]["latest"]["at"], "2026-11-27T08:00:00+01:00");
}

TEST_F(ProgressTest, SessionsPairPainBeforeWithAfterAndTheNextMorning) {
  storage::GuidedSessionRecord session;
  session.user_id = user_id_;
  session.started_at = utc("2026-11-20T19:00:00-06:00");
  session.ended_at = utc("2026-11-20T19:20:00-06:00");
  session.pain_before = 6;
  session.pain_after = 3;
  session.record_json = "{}";
  ASSERT_TRUE(store_.add_guided_session(session).has_value());
  add_pain(4, "2026-11-21T07:30:00-06:00");
  const json sessions = report()["sessions"];
  ASSERT_EQ(sessions["items"].size(), 1u);
  EXPECT_EQ(sessions["items"][0], json({{"started_at", "2026-11-20T19:00:00-06:00"},
                                        {"before", 6.0},
                                        {"after", 3.0},
                                        {"next_morning", 4.0}}));
  EXPECT_EQ(sessions["mean_after_minus_before"], -3.0);
  EXPECT_EQ(sessions["after_pairs"], 1);
  EXPECT_EQ(sessions["mean_next_morning_minus_before"], -2.0);
  EXPECT_EQ(sessions["next_morning_pairs"], 1);
}

TEST_F(ProgressTest, ReadsADiaryLongerThanOnePage) {
  const auto start = utc("2026-01-01T08:00:00Z");
  for (int i = 0; i < 2 * storage::kMaxListLimit + 5; ++i) {
    storage::DiaryEntry entry;
    entry.user_id = user_id_;
    entry.pain = i == 0 ? 9 : 2;
    entry.at_utc = start + std::chrono::hours(3 * i);
    entry.at = core::format_timestamp(entry.at_utc);
    ASSERT_TRUE(store_.add_diary_entry(entry).has_value());
  }
  const json judgement = measure(report(), "pain")["from_baseline"];
  EXPECT_EQ(judgement["scores"], 2 * storage::kMaxListLimit + 5);
  EXPECT_EQ(judgement["baseline"]["score"], 9.0);
}

TEST_F(ProgressTest, LeavesOutAnotherUsersDiary) {
  const std::int64_t other = add_user("other@example.org");
  add_pain(9, "2026-11-02T08:00:00-06:00", other);
  add_pain(1, "2026-11-27T08:00:00-06:00", other);
  add_pain(5, "2026-11-20T08:00:00-06:00");
  const json pain = measure(report(), "pain");
  ASSERT_EQ(pain["series"].size(), 1u);
  EXPECT_EQ(pain["series"][0]["score"], 5.0);
}

TEST_F(ProgressTest, RefusesWeeksOutsideOneToFiftyTwo) {
  for (const int weeks : {0, 53, -1}) {
    auto built = progress_report(shipped_protocol(), store_, user_id_, now_, weeks);
    ASSERT_FALSE(built.has_value()) << weeks;
    EXPECT_EQ(built.error().code(), core::ErrorCode::kInvalidInput) << weeks;
    EXPECT_EQ(built.error().where(), "weeks") << weeks;
    EXPECT_EQ(built.error().message(), "must be an integer 1..52, got " + std::to_string(weeks))
        << weeks;
  }
}

TEST_F(ProgressTest, NeedsTheNprsQuestionnaireToJudgePain) {
  core::Protocol protocol = shipped_protocol();
  protocol.questionnaires.clear();
  auto built = progress_report(protocol, store_, user_id_, now_, 4);
  ASSERT_FALSE(built.has_value());
  EXPECT_EQ(built.error().code(), core::ErrorCode::kInternal);
  EXPECT_EQ(built.error().where(), "data/questionnaires");
}

}  // namespace
}  // namespace hipcoach::service
