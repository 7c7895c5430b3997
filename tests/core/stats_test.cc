#include "hipcoach/core/stats.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hipcoach::core {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

// 2026-11-23 is a Monday.
const TimePoint kMonday =
    TimePoint{std::chrono::sys_days{std::chrono::year{2026} / std::chrono::November / 23}};

// The shipped NPRS thresholds (Salaffi 2004): 1 point or 15 %; much better 2 or 33 %.
ChangeThresholds nprs() {
  return {{1, 15, {"salaffi-2004"}}, std::nullopt, Threshold{2, 33, {"salaffi-2004"}}};
}

// The shipped LEFS thresholds (Binkley 1999): MCID 9, MDC 9.
ChangeThresholds lefs() {
  return {{9, std::nullopt, {"binkley-1999"}}, Threshold{9, {}, {"binkley-1999"}}, {}};
}

std::vector<DatedScore> daily(const std::vector<double>& scores) {
  std::vector<DatedScore> out;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    out.push_back({kMonday + days{static_cast<int>(i)}, scores[i]});
  }
  return out;
}

struct ChangeCase {
  const char* why;
  std::vector<double> scores;
  Direction direction;
  ChangeThresholds thresholds;
  Verdict verdict;
  bool mcid_points;
  bool mcid_percent;
};

TEST(ProgressJudgement, JudgesTheChangeFromBaselineAgainstMdcAndMcid) {
  const std::vector<ChangeCase> cases = {
      {"pain 6 to 5: one point and 17 % reach both MCIDs",
       {6, 5},
       Direction::kLowerIsBetter,
       nprs(),
       Verdict::kMeaningfullyBetter,
       true,
       true},
      {"pain 8 to 7.5: neither half a point nor 6 %",
       {8, 7.5},
       Direction::kLowerIsBetter,
       nprs(),
       Verdict::kNoMeaningfulChange,
       false,
       false},
      {"pain 3 to 2.5: 17 % reaches the percent MCID though 0.5 points do not",
       {3, 2.5},
       Direction::kLowerIsBetter,
       nprs(),
       Verdict::kMeaningfullyBetter,
       false,
       true},
      {"pain 9 to 8.2: 0.8 points and 9 % reach neither",
       {9, 8.2},
       Direction::kLowerIsBetter,
       nprs(),
       Verdict::kNoMeaningfulChange,
       false,
       false},
      {"pain 4 to 6 is worse: lower pain is better",
       {4, 6},
       Direction::kLowerIsBetter,
       nprs(),
       Verdict::kMeaningfullyWorse,
       true,
       true},
      {"pain 0 to 1: no percent from a zero baseline, the point MCID still counts",
       {0, 1},
       Direction::kLowerIsBetter,
       nprs(),
       Verdict::kMeaningfullyWorse,
       true,
       false},
      {"only first and last count: 6, 2, 6",
       {6, 2, 6},
       Direction::kLowerIsBetter,
       nprs(),
       Verdict::kNoMeaningfulChange,
       false,
       false},
      {"LEFS +10: beyond the MDC of 9 and reaches the MCID",
       {40, 50},
       Direction::kHigherIsBetter,
       lefs(),
       Verdict::kMeaningfullyBetter,
       true,
       false},
      {"LEFS +9: reaches the MCID but does not exceed the MDC",
       {40, 49},
       Direction::kHigherIsBetter,
       lefs(),
       Verdict::kNoMeaningfulChange,
       true,
       false},
      {"LEFS -12 is worse: higher function is better",
       {50, 38},
       Direction::kHigherIsBetter,
       lefs(),
       Verdict::kMeaningfullyWorse,
       true,
       false},
      {"PSFS 4 to 5.3: a mean change of 1.3 reaches the MID despite rounding",
       {4.0, 5.3},
       Direction::kHigherIsBetter,
       ChangeThresholds{{1.3, {}, {"jospt-2014-mid"}}, {}, {}},
       Verdict::kMeaningfullyBetter,
       true,
       false},
      {"no change at all",
       {5, 5},
       Direction::kLowerIsBetter,
       nprs(),
       Verdict::kNoMeaningfulChange,
       false,
       false},
  };
  for (const ChangeCase& row : cases) {
    const ChangeJudgement judgement =
        judge_change(daily(row.scores), row.direction, row.thresholds);
    EXPECT_EQ(verdict_name(judgement.verdict), verdict_name(row.verdict)) << row.why;
    EXPECT_EQ(judgement.reaches_mcid_points, row.mcid_points) << row.why;
    EXPECT_EQ(judgement.reaches_mcid_percent, row.mcid_percent) << row.why;
  }
}

TEST(ProgressJudgement, CallsTooLittleDataInsufficientNeverBetter) {
  const struct {
    const char* why;
    std::vector<double> scores;
    const char* reason;
  } cases[] = {
      {"no scores: no baseline", {}, "no baseline"},
      {"one score: a baseline but nothing to compare", {2}, "fewer than 2 scores"},
  };
  for (const auto& row : cases) {
    const ChangeJudgement judgement =
        judge_change(daily(row.scores), Direction::kLowerIsBetter, nprs());
    EXPECT_EQ(judgement.verdict, Verdict::kInsufficientData) << row.why;
    EXPECT_EQ(judgement.reason, row.reason) << row.why;
    EXPECT_TRUE(judgement.checks.empty()) << row.why;
  }
}

TEST(ProgressJudgement, NamesEveryThresholdWithItsValueAndSource) {
  const ChangeJudgement judgement =
      judge_change(daily({6, 3.5}), Direction::kLowerIsBetter, nprs());
  ASSERT_EQ(judgement.checks.size(), 4u);
  std::vector<std::string> named;
  for (const ThresholdCheck& check : judgement.checks) {
    named.push_back(check.name + " " + std::to_string(static_cast<int>(check.value)) + " " +
                    check.unit + (check.met ? " met" : " not met") + " [" + check.cite[0] + "]");
  }
  EXPECT_EQ(named, (std::vector<std::string>{"mcid 1 points met [salaffi-2004]",
                                             "mcid 15 percent met [salaffi-2004]",
                                             "much_better 2 points met [salaffi-2004]",
                                             "much_better 33 percent met [salaffi-2004]"}));
  EXPECT_DOUBLE_EQ(judgement.change, -2.5);
  EXPECT_DOUBLE_EQ(*judgement.improvement_percent, 2.5 / 6 * 100);
  EXPECT_TRUE(judgement.reaches_much_better);
}

TEST(ProgressJudgement, SortsTheSeriesByTimeBeforeTakingTheBaseline) {
  std::vector<DatedScore> series = daily({7, 6, 4});
  std::swap(series[0], series[2]);
  const ChangeJudgement judgement = judge_change(series, Direction::kLowerIsBetter, nprs());
  EXPECT_EQ(judgement.baseline->score, 7);
  EXPECT_EQ(judgement.verdict, Verdict::kMeaningfullyBetter);
}

TEST(ProgressJudgement, JudgesTheLastWeeksFromTheFirstScoreInTheWindow) {
  // Day 0: 8, day 20: 6, day 27: 6. Over four weeks: 8 -> 6, better.
  // Over the last two weeks (from day 14 of a "now" at day 28): 6 -> 6.
  const std::vector<DatedScore> series = {
      {kMonday, 8}, {kMonday + days{20}, 6}, {kMonday + days{27}, 6}};
  const TimePoint now = kMonday + days{28};
  const auto four =
      judge_recent_change(series, Direction::kLowerIsBetter, nprs(), now, std::chrono::weeks{4});
  const auto two =
      judge_recent_change(series, Direction::kLowerIsBetter, nprs(), now, std::chrono::weeks{2});
  ASSERT_TRUE(four && two);
  EXPECT_EQ(four->verdict, Verdict::kMeaningfullyBetter);
  EXPECT_EQ(two->verdict, Verdict::kNoMeaningfulChange);
  EXPECT_EQ(two->scores, 2);
}

TEST(ProgressJudgement, RefusesAWindowOfLessThanOneWeek) {
  const auto judgement =
      judge_recent_change({}, Direction::kLowerIsBetter, nprs(), kMonday, std::chrono::weeks{0});
  ASSERT_FALSE(judgement);
  EXPECT_EQ(judgement.error().where(), "weeks");
  EXPECT_EQ(judgement.error().message(), "must be at least 1, got 0");
}

TEST(WeeklyAverages, GroupsByIsoWeekInTheLocalTime) {
  const minutes central{-6 * 60};
  const std::vector<DatedScore> series = {
      // Monday 2026-11-23 03:00 UTC is Sunday 21:00 in UTC-6: the week before.
      {kMonday + hours{3}, 8},
      {kMonday + hours{14}, 6},            // Monday 08:00 local.
      {kMonday + days{6} + hours{20}, 4},  // Sunday 14:00 local, same week.
      {kMonday + days{7} + hours{7}, 3},   // Monday 01:00 local, the next week.
  };
  const std::vector<WeeklyAverage> weeks = weekly_averages(series, central);
  ASSERT_EQ(weeks.size(), 3u);
  EXPECT_EQ(weeks[0].iso_week, 47);
  EXPECT_EQ(weeks[0].count, 1);
  EXPECT_EQ(weeks[1].iso_year, 2026);
  EXPECT_EQ(weeks[1].iso_week, 48);
  EXPECT_DOUBLE_EQ(weeks[1].mean, 5);
  EXPECT_EQ(weeks[1].starts, kMonday + hours{6});  // Monday 00:00 in UTC-6.
  EXPECT_EQ(weeks[2].iso_week, 49);
}

TEST(WeeklyAverages, PutsTheFirstDaysOfJanuaryInTheWeekOfTheirThursday) {
  const struct {
    const char* why;
    std::chrono::year_month_day day;
    int iso_year;
    int iso_week;
  } cases[] = {
      {"Friday 2027-01-01 belongs to week 53 of 2026",
       {std::chrono::year{2027}, std::chrono::January, std::chrono::day{1}},
       2026,
       53},
      {"Monday 2027-01-04 starts week 1 of 2027",
       {std::chrono::year{2027}, std::chrono::January, std::chrono::day{4}},
       2027,
       1},
      {"Monday 2025-12-29 is week 1 of 2026",
       {std::chrono::year{2025}, std::chrono::December, std::chrono::day{29}},
       2026,
       1},
  };
  for (const auto& row : cases) {
    const std::vector<DatedScore> series = {
        {TimePoint{std::chrono::sys_days{row.day}} + hours{12}, 5}};
    const auto weeks = weekly_averages(series, minutes{0});
    ASSERT_EQ(weeks.size(), 1u) << row.why;
    EXPECT_EQ(weeks[0].iso_year, row.iso_year) << row.why;
    EXPECT_EQ(weeks[0].iso_week, row.iso_week) << row.why;
  }
}

TEST(SessionEffects, AveragesTheChangeAfterEachSessionAndTheNextMorning) {
  const minutes central{-6 * 60};
  // Sessions on Monday and Tuesday at 19:00 local (01:00 UTC the next day).
  const TimePoint first = kMonday + days{1} + hours{1};
  const TimePoint second = first + days{1};
  const std::vector<SessionPain> sessions = {
      {first, first + minutes{20}, 6, 4},
      {second, second + minutes{20}, 5, 4},
      {second + days{1}, second + days{1} + minutes{20}, std::nullopt, 3},
  };
  const std::vector<DatedScore> diary = {
      {kMonday + days{1} + hours{15}, 5},  // Tuesday 09:00 local: the morning after session 1.
      {kMonday + days{1} + hours{13}, 4},  // Tuesday 07:00 local: earlier, so it is the one.
      {kMonday + days{2} + hours{20}, 2},  // Wednesday 14:00 local: afternoon, not morning.
  };
  const SessionEffects effects = session_effects(sessions, diary, central);
  ASSERT_EQ(effects.sessions.size(), 3u);
  EXPECT_EQ(effects.sessions[0].next_morning, 4);
  EXPECT_FALSE(effects.sessions[1].next_morning.has_value());
  EXPECT_EQ(effects.after_pairs, 2);
  EXPECT_DOUBLE_EQ(*effects.mean_after_minus_before, -1.5);
  EXPECT_EQ(effects.next_morning_pairs, 1);
  EXPECT_DOUBLE_EQ(*effects.mean_next_morning_minus_before, -2);
}

TEST(SessionEffects, HasNoMeanWithoutAPair) {
  const std::vector<SessionPain> sessions = {{kMonday, kMonday, std::nullopt, 3}};
  const SessionEffects effects = session_effects(sessions, {}, minutes{0});
  EXPECT_FALSE(effects.mean_after_minus_before.has_value());
  EXPECT_FALSE(effects.mean_next_morning_minus_before.has_value());
}

}  // namespace
}  // namespace hipcoach::core
