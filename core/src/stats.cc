#include "hipcoach/core/stats.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <vector>

namespace hipcoach::core {

namespace {

using std::chrono::days;
using std::chrono::sys_days;

// Scores and thresholds are decimals such as 1.3; a mean of 5.3 - 4.0 must
// still reach a threshold of 1.3.
constexpr double kTolerance = 1e-9;

// The next-morning rating must come before this local hour.
constexpr std::chrono::hours kMorningEnds{12};

constexpr std::string_view kNoBaseline = "no baseline";
constexpr std::string_view kTooFewScores = "fewer than 2 scores";

std::vector<DatedScore> sorted_by_time(std::span<const DatedScore> series) {
  std::vector<DatedScore> sorted(series.begin(), series.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const DatedScore& a, const DatedScore& b) { return a.at < b.at; });
  return sorted;
}

ThresholdCheck check_of(std::string name, std::string unit, double value, bool met,
                        const std::vector<std::string>& cite) {
  return ThresholdCheck{std::move(name), std::move(unit), value, met, cite};
}

sys_days local_day(TimePoint at, std::chrono::minutes utc_offset) {
  return std::chrono::floor<days>(at + utc_offset);
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kMeaningfullyBetter:
      return "meaningfully_better";
    case Verdict::kNoMeaningfulChange:
      return "no_meaningful_change";
    case Verdict::kMeaningfullyWorse:
      return "meaningfully_worse";
    case Verdict::kInsufficientData:
      return "insufficient_data";
  }
  return "insufficient_data";
}

ChangeJudgement judge_change(std::span<const DatedScore> series, Direction direction,
                             const ChangeThresholds& thresholds) {
  ChangeJudgement judgement;
  const std::vector<DatedScore> sorted = sorted_by_time(series);
  judgement.scores = static_cast<int>(sorted.size());
  if (sorted.empty()) {
    judgement.reason = kNoBaseline;
    return judgement;
  }
  judgement.baseline = sorted.front();
  if (sorted.size() < 2) {
    judgement.reason = kTooFewScores;
    return judgement;
  }
  judgement.latest = sorted.back();

  const double baseline = sorted.front().score;
  judgement.change = sorted.back().score - baseline;
  judgement.improvement =
      direction == Direction::kHigherIsBetter ? judgement.change : -judgement.change;
  if (baseline != 0) {
    judgement.improvement_percent = judgement.improvement / std::fabs(baseline) * 100.0;
  }
  const double magnitude = std::fabs(judgement.improvement);
  const std::optional<double> percent_magnitude =
      judgement.improvement_percent
          ? std::optional<double>(std::fabs(*judgement.improvement_percent))
          : std::nullopt;

  judgement.beyond_mdc = true;
  if (thresholds.mdc) {
    // Beyond the measurement error means more than the MDC, not equal to it.
    judgement.beyond_mdc = magnitude > thresholds.mdc->points + kTolerance;
    judgement.checks.push_back(check_of("mdc", "points", thresholds.mdc->points,
                                        judgement.beyond_mdc, thresholds.mdc->cite));
  }

  const Threshold& mcid = thresholds.mcid;
  judgement.reaches_mcid_points = mcid.points > 0 && magnitude + kTolerance >= mcid.points;
  judgement.checks.push_back(
      check_of("mcid", "points", mcid.points, judgement.reaches_mcid_points, mcid.cite));
  if (mcid.percent) {
    judgement.reaches_mcid_percent =
        percent_magnitude && *percent_magnitude + kTolerance >= *mcid.percent;
    judgement.checks.push_back(
        check_of("mcid", "percent", *mcid.percent, judgement.reaches_mcid_percent, mcid.cite));
  }

  if (thresholds.much_better) {
    const Threshold& much = *thresholds.much_better;
    const bool better = judgement.improvement > 0;
    const bool points = better && judgement.improvement + kTolerance >= much.points;
    const bool percent = better && much.percent && judgement.improvement_percent &&
                         *judgement.improvement_percent + kTolerance >= *much.percent;
    judgement.reaches_much_better = points || percent;
    judgement.checks.push_back(check_of("much_better", "points", much.points, points, much.cite));
    if (much.percent) {
      judgement.checks.push_back(
          check_of("much_better", "percent", *much.percent, percent, much.cite));
    }
  }

  const bool meaningful = magnitude > 0 && judgement.beyond_mdc &&
                          (judgement.reaches_mcid_points || judgement.reaches_mcid_percent);
  if (!meaningful) {
    judgement.verdict = Verdict::kNoMeaningfulChange;
  } else if (judgement.improvement > 0) {
    judgement.verdict = Verdict::kMeaningfullyBetter;
  } else {
    judgement.verdict = Verdict::kMeaningfullyWorse;
  }
  return judgement;
}

Result<ChangeJudgement> judge_recent_change(std::span<const DatedScore> series, Direction direction,
                                            const ChangeThresholds& thresholds, TimePoint now,
                                            std::chrono::weeks weeks) {
  if (weeks.count() < 1) {
    return Error::invalid_input("weeks",
                                "must be at least 1, got " + std::to_string(weeks.count()));
  }
  const TimePoint since = now - weeks;
  std::vector<DatedScore> window;
  std::copy_if(series.begin(), series.end(), std::back_inserter(window),
               [&](const DatedScore& score) { return score.at >= since && score.at <= now; });
  return judge_change(window, direction, thresholds);
}

std::vector<WeeklyAverage> weekly_averages(std::span<const DatedScore> series,
                                           std::chrono::minutes utc_offset) {
  struct Bucket {
    double sum = 0;
    int count = 0;
  };
  std::map<sys_days, Bucket> weeks;  // Keyed by the local Monday.
  for (const DatedScore& score : series) {
    const sys_days day = local_day(score.at, utc_offset);
    const std::chrono::weekday weekday{day};
    const sys_days monday = day - days{weekday.iso_encoding() - 1};
    Bucket& bucket = weeks[monday];
    bucket.sum += score.score;
    ++bucket.count;
  }
  std::vector<WeeklyAverage> out;
  out.reserve(weeks.size());
  for (const auto& [monday, bucket] : weeks) {
    // ISO 8601: a week belongs to the year of its Thursday, and week 1 holds
    // that year's first Thursday.
    const sys_days thursday = monday + days{3};
    const std::chrono::year year = std::chrono::year_month_day{thursday}.year();
    const sys_days january_first{year / std::chrono::January / 1};
    WeeklyAverage week;
    week.iso_year = static_cast<int>(year);
    week.iso_week = static_cast<int>((thursday - january_first).count() / 7 + 1);
    week.starts = TimePoint{monday} - utc_offset;
    week.mean = bucket.sum / bucket.count;
    week.count = bucket.count;
    out.push_back(week);
  }
  return out;
}

SessionEffects session_effects(std::span<const SessionPain> sessions,
                               std::span<const DatedScore> diary, std::chrono::minutes utc_offset) {
  SessionEffects effects;
  double after_sum = 0;
  double morning_sum = 0;
  for (const SessionPain& session : sessions) {
    SessionEffect effect;
    effect.started_at = session.started_at;
    effect.before = session.before;
    effect.after = session.after;

    const sys_days next_day = local_day(session.ended_at, utc_offset) + days{1};
    const TimePoint morning_starts = TimePoint{next_day} - utc_offset;
    const TimePoint morning_ends = morning_starts + kMorningEnds;
    const DatedScore* first = nullptr;
    for (const DatedScore& rating : diary) {
      if (rating.at < morning_starts || rating.at >= morning_ends) continue;
      if (first == nullptr || rating.at < first->at) first = &rating;
    }
    if (first != nullptr) effect.next_morning = first->score;

    if (effect.before && effect.after) {
      after_sum += *effect.after - *effect.before;
      ++effects.after_pairs;
    }
    if (effect.before && effect.next_morning) {
      morning_sum += *effect.next_morning - *effect.before;
      ++effects.next_morning_pairs;
    }
    effects.sessions.push_back(effect);
  }
  if (effects.after_pairs > 0) effects.mean_after_minus_before = after_sum / effects.after_pairs;
  if (effects.next_morning_pairs > 0) {
    effects.mean_next_morning_minus_before = morning_sum / effects.next_morning_pairs;
  }
  return effects;
}

}  // namespace hipcoach::core
