#include "hipcoach/core/triage.h"

#include <algorithm>

namespace hipcoach::core {

std::string_view disposition_name(Disposition disposition) {
  switch (disposition) {
    case Disposition::kSelfCare:
      return "self_care";
    case Disposition::kSoon:
      return "soon";
    case Disposition::kUrgent:
      return "urgent";
  }
  return "urgent";
}

const AnswerField* find_answer_field(std::string_view name) {
  const auto it = std::find_if(kAnswerFields.begin(), kAnswerFields.end(),
                               [&](const AnswerField& field) { return field.name == name; });
  return it == kAnswerFields.end() ? nullptr : &*it;
}

bool Condition::holds(const Answers& answers) const {
  if (red_flags_any != 0 && (answers.red_flags & red_flags_any) == 0) return false;
  if ((answers.red_flags & red_flags_all) != red_flags_all) return false;
  if (aggravators_any != 0 && (answers.aggravators & aggravators_any) == 0) return false;
  if (cautions_any != 0 && (answers.cautions & cautions_any) == 0) return false;
  if (locations_any != 0 && (answers.locations & locations_any) == 0) return false;
  if ((answers.locations & locations_all) != locations_all) return false;
  if ((answers.locations & locations_none) != 0) return false;
  if (main_location_in != 0 &&
      (main_location_in & (1u << static_cast<unsigned>(answers.main_location))) == 0) {
    return false;
  }
  if (age_below && answers.age >= *age_below) return false;
  if (age_at_least && answers.age < *age_at_least) return false;
  if (duration_weeks_at_least && answers.duration_weeks < *duration_weeks_at_least) return false;
  if (worst_pain_at_least && answers.worst_pain_week < *worst_pain_at_least) return false;
  return true;
}

TriageResult evaluate_triage(const Protocol& protocol, const Answers& answers) {
  const TriageData& triage = protocol.triage;
  TriageResult result;

  for (const DispositionRule& rule : triage.dispositions) {
    if (!rule.when.holds(answers)) continue;
    result.reasons.push_back(&rule);
    result.disposition = std::max(result.disposition, rule.disposition);
    if (!rule.article_applies) result.article_applies = false;
  }
  // Most urgent first; rules of one level keep their order in the data.
  std::stable_sort(result.reasons.begin(), result.reasons.end(),
                   [](const DispositionRule* a, const DispositionRule* b) {
                     return a->disposition > b->disposition;
                   });

  for (const CautionRule& rule : triage.caution_rules) {
    if (rule.when.holds(answers)) result.cautions.push_back(&rule);
  }

  if (result.disposition == Disposition::kUrgent || !result.article_applies) return result;

  for (const MuscleGroup& group : protocol.groups) {
    GroupSuggestion suggestion{&group, 0, {}};
    for (const GroupRule& rule : triage.group_rules) {
      if (rule.group != group.id || !rule.when.holds(answers)) continue;
      suggestion.score += rule.weight;
      suggestion.reasons.push_back(&rule);
    }
    result.groups.push_back(std::move(suggestion));
  }
  const bool any_pointer = std::any_of(result.groups.begin(), result.groups.end(),
                                       [](const GroupSuggestion& s) { return s.score > 0; });
  if (any_pointer) {
    // Highest score first; ties keep the protocol's order (groups are sorted by order).
    std::stable_sort(
        result.groups.begin(), result.groups.end(),
        [](const GroupSuggestion& a, const GroupSuggestion& b) { return a.score > b.score; });
    std::erase_if(result.groups, [](const GroupSuggestion& s) { return s.score == 0; });
  }

  for (const AdviceRule& rule : triage.advice_rules) {
    if (rule.when.holds(answers)) result.advice.push_back(&rule);
  }
  return result;
}

}  // namespace hipcoach::core
