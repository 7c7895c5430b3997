// Progress: whether a person's scores (0-10 pain ratings or questionnaire
// scores) changed by a clinically meaningful amount, weekly averages, and pain
// around guided sessions.
//
// Every function is pure: the current time and the person's UTC offset come
// in as arguments, nothing is read from the clock. Thread-safe.
//
// A change is judged "meaningful" only when it is beyond the measurement error
// and large enough to matter: it must exceed the instrument's minimal
// detectable change (MDC, where one is known) and reach its minimal clinically
// important difference (MCID, in points or, where the source gives one, in
// percent of the baseline). Worsening is judged with the same thresholds.
// Too little data is its own verdict, never "better".
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/questionnaire.h"
#include "hipcoach/core/result.h"

namespace hipcoach::core {

using TimePoint = std::chrono::sys_seconds;

// A score and when it was recorded (UTC).
struct DatedScore {
  TimePoint at;
  double score = 0;
};

enum class Verdict {
  kMeaningfullyBetter,
  kNoMeaningfulChange,
  kMeaningfullyWorse,
  kInsufficientData,  // No baseline, or fewer than two scores.
};

// "meaningfully_better", "no_meaningful_change", "meaningfully_worse",
// "insufficient_data".
std::string_view verdict_name(Verdict verdict);

// One threshold the change was compared with.
struct ThresholdCheck {
  std::string name;  // "mdc", "mcid", "much_better".
  std::string unit;  // "points" or "percent".
  double value = 0;  // The threshold, in `unit`.
  bool met = false;  // mdc: the change exceeds it; the others: the change reaches it.
  std::vector<std::string> cite;
};

struct ChangeJudgement {
  Verdict verdict = Verdict::kInsufficientData;
  // Why the data is insufficient ("no baseline", "fewer than 2 scores");
  // empty otherwise.
  std::string reason;
  std::optional<DatedScore> baseline;  // The first score (in the window).
  std::optional<DatedScore> latest;    // The last score.
  int scores = 0;                      // How many scores were considered.
  double change = 0;                   // latest - baseline, in points.
  double improvement = 0;              // change signed so that > 0 is better.
  // improvement as a percentage of the baseline; unset when the baseline is 0.
  std::optional<double> improvement_percent;
  bool beyond_mdc = false;  // True when no MDC is known.
  bool reaches_mcid_points = false;
  bool reaches_mcid_percent = false;   // False when the MCID has no percent.
  bool reaches_much_better = false;    // In points or percent; false when none is known.
  std::vector<ThresholdCheck> checks;  // Every threshold compared, MDC first.
};

// Judges the change from the first score (the baseline) to the last. The
// series may come in any order; it is sorted by time (ties keep their order).
ChangeJudgement judge_change(std::span<const DatedScore> series, Direction direction,
                             const ChangeThresholds& thresholds);

// Judges the change over the last `weeks` before `now`: the scores with
// now - weeks <= at <= now, the first of them as baseline.
// Returns kInvalidInput (where "weeks") when weeks < 1.
Result<ChangeJudgement> judge_recent_change(std::span<const DatedScore> series, Direction direction,
                                            const ChangeThresholds& thresholds, TimePoint now,
                                            std::chrono::weeks weeks);

// The average of one ISO 8601 week (Monday to Sunday) in the person's local
// time, i.e. UTC shifted by a fixed offset.
struct WeeklyAverage {
  int iso_year = 0;
  int iso_week = 0;  // 1..53.
  TimePoint starts;  // The local Monday 00:00, as a UTC instant.
  double mean = 0;
  int count = 0;  // Scores in the week, >= 1.
};

// Returns one entry per ISO week that has at least one score, oldest first;
// weeks without scores are left out. `utc_offset` is the person's offset from
// UTC (e.g. -6 h for 2026-11-25T08:30:00-06:00), applied to every score.
std::vector<WeeklyAverage> weekly_averages(std::span<const DatedScore> series,
                                           std::chrono::minutes utc_offset);

// The pain ratings a guided session recorded (0..10), either may be missing.
struct SessionPain {
  TimePoint started_at;
  TimePoint ended_at;
  std::optional<double> before;
  std::optional<double> after;
};

// One session with its next-morning rating.
struct SessionEffect {
  TimePoint started_at;
  std::optional<double> before;
  std::optional<double> after;
  // The first diary rating of the next local day before noon, if any.
  std::optional<double> next_morning;
};

// Pain around sessions as mean differences (negative = less pain).
struct SessionEffects {
  std::vector<SessionEffect> sessions;            // In the order given.
  std::optional<double> mean_after_minus_before;  // Unset when no session has both.
  int after_pairs = 0;
  std::optional<double> mean_next_morning_minus_before;
  int next_morning_pairs = 0;
};

// Pairs each session's before and after ratings, and its before rating with
// the first of `diary` on the local calendar day after the session ended,
// if that rating is before 12:00 local time (`utc_offset` as above).
SessionEffects session_effects(std::span<const SessionPain> sessions,
                               std::span<const DatedScore> diary, std::chrono::minutes utc_offset);

}  // namespace hipcoach::core
