// Outcome questionnaires as data, and scoring a response to one.
//
// A Questionnaire is read from data/questionnaires/*.toml by load_protocol()
// (validate.h): its items and answer scale, how it is scored, and the
// thresholds of clinically meaningful change, each number with its sources.
// The structs are plain data; a loaded Questionnaire is immutable by
// convention and safe to share between threads. score_response() is a pure
// function and thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/result.h"
#include "hipcoach/core/statement.h"

namespace hipcoach::core {

struct Protocol;

// Which way a score improves: pain goes down, function goes up.
enum class Direction { kHigherIsBetter, kLowerIsBetter };

// How item answers become a score.
enum class ScoringMethod {
  kSum,     // Sum of every item (LEFS).
  kMean,    // Mean of the items answered (PSFS: the patient's activities).
  kSingle,  // The one item's answer (NPRS).
};

// A labelled point of the answer scale, e.g. 0 = "No pain".
struct ScaleAnchor {
  int value = 0;
  std::string label;
};

// The whole numbers an item may be answered with, min..max inclusive.
struct AnswerScale {
  int min = 0;
  int max = 0;
  std::vector<ScaleAnchor> anchors;  // At least the two ends, ascending.
  std::vector<std::string> cite;
};

// A fixed item of the instrument, e.g. LEFS "Squatting.".
struct QuestionnaireItem {
  std::string id;
  std::string text;
};

// Items the patient names in their own words (PSFS: 3 to 5 activities), each
// rated on the questionnaire's scale. The instrument gives only the prompt.
struct PatientItems {
  int min_count = 0;
  int max_count = 0;
  std::string prompt;  // Asked once per item, e.g. "Name an activity ...".
};

struct Scoring {
  ScoringMethod method = ScoringMethod::kSingle;
  double min = 0;  // The lowest and highest score possible.
  double max = 0;
  Direction direction = Direction::kHigherIsBetter;
  std::vector<std::string> cite;
};

// A change threshold in the score's own points and, where the source gives
// one, as a percentage of the baseline score.
struct Threshold {
  double points = 0;              // > 0.
  std::optional<double> percent;  // 0 < percent <= 100 when set.
  std::vector<std::string> cite;
};

// The thresholds progress is judged against (stats.h).
struct ChangeThresholds {
  Threshold mcid;                        // Minimal clinically important difference.
  std::optional<Threshold> mdc;          // Minimal detectable change, where one is known.
  std::optional<Threshold> much_better;  // A larger, "much better" change, where known.
};

struct Questionnaire {
  std::string id;
  std::string name;
  // The licence terms and their source. Only instruments whose licence allows
  // use are loaded; `licence_allows_use` is always true in a loaded protocol.
  Statement licence;
  bool licence_allows_use = false;
  std::string instructions;               // Shown before the items.
  std::vector<std::string> wording_cite;  // Where the wording of items and anchors comes from.
  AnswerScale scale;
  std::vector<QuestionnaireItem> items;       // Empty when the patient names the items.
  std::optional<PatientItems> patient_items;  // Set when the patient names the items.
  Scoring scoring;
  ChangeThresholds thresholds;
};

// One answer of a response. For a fixed item `item` is the item's id and
// `text` is empty; for a patient-named item `item` is ignored and `text` is
// the patient's own name for it (health data: never copied into messages).
struct ItemAnswer {
  std::string item;
  std::string text;
  int value = 0;
};

struct QuestionnaireScore {
  double value = 0;
  double min = 0;  // The questionnaire's score range, for display.
  double max = 0;
  Direction direction = Direction::kHigherIsBetter;
  int answered = 0;  // How many answers went into it.
};

// Scores `answers` to `questionnaire`.
// Fixed items: every item must be answered exactly once. Patient-named items:
// min_count..max_count answers, each with non-empty text. Every value must lie
// on the scale. Stops at the first problem.
// Returns the score, or kInvalidInput whose where is a JSON Pointer into the
// answers ("/answers/2/value", or "/answers" for a missing or surplus item) and
// whose message names the item, what was expected and what was found.
Result<QuestionnaireScore> score_response(const Questionnaire& questionnaire,
                                          std::span<const ItemAnswer> answers);

// Returns the questionnaire with `id`, or nullptr. The pointer lives as long
// as `protocol`.
const Questionnaire* find_questionnaire(const Protocol& protocol, std::string_view id);

// "sum", "mean", "single"; "higher_is_better", "lower_is_better".
std::string_view scoring_method_name(ScoringMethod method);
std::string_view direction_name(Direction direction);

}  // namespace hipcoach::core
