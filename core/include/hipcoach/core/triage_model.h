// The triage model: the answer fields and their values (the API contract),
// and the questions and rules that data/triage/ fills. Plain data; see
// triage.h for the evaluation. Thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/statement.h"

namespace hipcoach::core {

// Levels of care, ordered: a higher value is more urgent.
enum class Disposition { kSelfCare = 0, kSoon = 1, kUrgent = 2 };

std::string_view disposition_name(Disposition disposition);  // "self_care", "soon", "urgent".

inline constexpr std::array<std::string_view, 3> kSides = {"left", "right", "both"};
inline constexpr std::array<std::string_view, 9> kLocations = {
    "outer_hip",     "buttock",    "groin", "front_of_thigh", "outer_thigh",
    "back_of_thigh", "lower_back", "knee",  "below_knee"};
inline constexpr std::array<std::string_view, 8> kAggravators = {
    "lying_on_side", "stairs",  "single_leg_standing", "crossing_legs", "sitting_long",
    "walking",       "running", "rising_from_chair"};
inline constexpr std::array<std::string_view, 15> kRedFlags = {
    "fall_or_injury",
    "cannot_bear_weight",
    "leg_shorter_or_turned_out",
    "sudden_severe_worsening",
    "previous_hip_surgery",
    "fever_or_unwell",
    "hot_swollen_joint",
    "history_of_cancer",
    "unexplained_weight_loss",
    "constant_night_pain",
    "saddle_numbness_or_bladder_bowel_change",
    "leg_weakness_or_spreading_numbness",
    "calf_swelling_or_pain",
    "recent_surgery_or_injection",
    "long_term_steroids"};
inline constexpr std::array<std::string_view, 6> kCautions = {"blood_thinners",
                                                              "bleeding_disorder",
                                                              "pregnant",
                                                              "broken_or_infected_skin",
                                                              "implant_or_recent_surgery_at_site",
                                                              "osteoporosis"};

// The answer fields in the order they are asked, with their ranges.
struct AnswerField {
  std::string_view name;
  enum class Type { kInteger, kChoice, kMultiChoice } type;
  int min = 0;  // kInteger only.
  int max = 0;
  const std::string_view* values = nullptr;  // kChoice and kMultiChoice.
  std::size_t value_count = 0;
};
inline constexpr std::array<AnswerField, 9> kAnswerFields = {{
    {"age", AnswerField::Type::kInteger, 0, 120, nullptr, 0},
    {"side", AnswerField::Type::kChoice, 0, 0, kSides.data(), kSides.size()},
    {"locations", AnswerField::Type::kMultiChoice, 0, 0, kLocations.data(), kLocations.size()},
    {"pain_now", AnswerField::Type::kInteger, 0, 10, nullptr, 0},
    {"worst_pain_week", AnswerField::Type::kInteger, 0, 10, nullptr, 0},
    {"duration_weeks", AnswerField::Type::kInteger, 0, 520, nullptr, 0},
    {"aggravators", AnswerField::Type::kMultiChoice, 0, 0, kAggravators.data(),
     kAggravators.size()},
    {"red_flags", AnswerField::Type::kMultiChoice, 0, 0, kRedFlags.data(), kRedFlags.size()},
    {"cautions", AnswerField::Type::kMultiChoice, 0, 0, kCautions.data(), kCautions.size()},
}};

// Returns the field called `name`, or nullptr.
const AnswerField* find_answer_field(std::string_view name);

// One person's answers. Sets of values are bit masks over the arrays above
// (bit i is value i), so that rules evaluate in a few instructions.
struct Answers {
  int age = 0;
  int side = 0;  // Index into kSides.
  std::uint32_t locations = 0;
  int main_location = 0;  // Index into kLocations: the first location given.
  int pain_now = 0;
  int worst_pain_week = 0;
  int duration_weeks = 0;
  std::uint32_t aggravators = 0;
  std::uint32_t red_flags = 0;
  std::uint32_t cautions = 0;
};

// The conditions of a rule; it applies when all that are set hold. There is no
// "absent" condition on red flags and no "below" condition on pain, so adding
// a red flag or a higher pain can never make a rule stop applying.
struct Condition {
  std::uint32_t red_flags_any = 0;
  std::uint32_t red_flags_all = 0;
  std::uint32_t aggravators_any = 0;
  std::uint32_t cautions_any = 0;
  std::uint32_t locations_any = 0;
  std::uint32_t locations_all = 0;
  std::uint32_t locations_none = 0;
  std::uint32_t main_location_in = 0;
  std::optional<int> age_below;
  std::optional<int> age_at_least;
  std::optional<int> duration_weeks_at_least;
  std::optional<int> worst_pain_at_least;

  bool holds(const Answers& answers) const;
};

struct DispositionRule {
  std::string id;
  Disposition disposition = Disposition::kSelfCare;
  bool article_applies = true;
  Statement reason;
  Condition when;
};

struct GroupRule {
  std::string id;
  std::string group;  // Id of a MuscleGroup.
  int weight = 1;
  Statement reason;
  Condition when;
};

struct CautionRule {
  std::string id;
  Statement text;       // What and why.
  std::string instead;  // What to do instead; cited by text.cite.
  Condition when;
};

struct AdviceRule {
  std::string id;
  std::string title;
  std::vector<Statement> statements;
  Condition when;
};

struct QuestionOption {
  std::string value;
  std::string label;
  std::string help;  // Empty when there is none.
};

struct TriageQuestion {
  std::string id;  // The answer field.
  std::string prompt;
  std::string help;
  AnswerField::Type type = AnswerField::Type::kInteger;
  int min = 0;
  int max = 0;
  std::string unit;
  std::string none_label;  // kMultiChoice: the label of picking nothing.
  std::vector<QuestionOption> options;
};

struct TriageData {
  std::vector<TriageQuestion> questions;  // In the order of kAnswerFields.
  Statement default_reason;
  std::vector<DispositionRule> dispositions;
  std::vector<GroupRule> group_rules;
  std::vector<CautionRule> caution_rules;
  std::vector<AdviceRule> advice_rules;
};

}  // namespace hipcoach::core
