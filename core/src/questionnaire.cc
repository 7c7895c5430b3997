#include "hipcoach/core/questionnaire.h"

#include <algorithm>
#include <string>
#include <vector>

#include "hipcoach/core/protocol.h"

namespace hipcoach::core {

namespace {

std::string answer_path(std::size_t index, std::string_view field = {}) {
  std::string path = "/answers/" + std::to_string(index);
  if (!field.empty()) path += "/" + std::string(field);
  return path;
}

std::string scale_text(const AnswerScale& scale) {
  return std::to_string(scale.min) + ".." + std::to_string(scale.max);
}

Result<void> check_value(const AnswerScale& scale, const ItemAnswer& answer, std::size_t index,
                         const std::string& item_name) {
  if (answer.value < scale.min || answer.value > scale.max) {
    return Error::invalid_input(answer_path(index, "value"), item_name + ": must be an integer " +
                                                                 scale_text(scale) + ", got " +
                                                                 std::to_string(answer.value));
  }
  return {};
}

// Fixed items: each answered exactly once, nothing else.
Result<void> check_fixed_items(const Questionnaire& questionnaire,
                               std::span<const ItemAnswer> answers) {
  std::vector<bool> answered(questionnaire.items.size(), false);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const auto it =
        std::find_if(questionnaire.items.begin(), questionnaire.items.end(),
                     [&](const QuestionnaireItem& item) { return item.id == answers[i].item; });
    if (it == questionnaire.items.end()) {
      return Error::invalid_input(
          answer_path(i, "item"),
          "\"" + answers[i].item + "\" is not an item of \"" + questionnaire.id + "\"");
    }
    const auto index = static_cast<std::size_t>(it - questionnaire.items.begin());
    const std::string name = "item \"" + it->id + "\"";
    if (answered[index]) {
      return Error::invalid_input(answer_path(i, "item"), name + " is answered twice");
    }
    answered[index] = true;
    if (auto checked = check_value(questionnaire.scale, answers[i], i, name); !checked) {
      return checked.error();
    }
  }
  for (std::size_t i = 0; i < answered.size(); ++i) {
    if (!answered[i]) {
      return Error::invalid_input("/answers",
                                  "item \"" + questionnaire.items[i].id + "\" has no answer");
    }
  }
  return {};
}

// Items the patient names: min_count..max_count, each with a name.
Result<void> check_patient_items(const Questionnaire& questionnaire,
                                 std::span<const ItemAnswer> answers) {
  const PatientItems& patient = *questionnaire.patient_items;
  const auto count = static_cast<int>(answers.size());
  if (count < patient.min_count || count > patient.max_count) {
    return Error::invalid_input("/answers", "must rate " + std::to_string(patient.min_count) +
                                                " to " + std::to_string(patient.max_count) +
                                                " activities, got " + std::to_string(count));
  }
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const std::string name = "activity " + std::to_string(i + 1);
    if (std::all_of(answers[i].text.begin(), answers[i].text.end(),
                    [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; })) {
      return Error::invalid_input(answer_path(i, "text"), name + ": must name the activity");
    }
    if (auto checked = check_value(questionnaire.scale, answers[i], i, name); !checked) {
      return checked.error();
    }
  }
  return {};
}

}  // namespace

Result<QuestionnaireScore> score_response(const Questionnaire& questionnaire,
                                          std::span<const ItemAnswer> answers) {
  const Result<void> checked = questionnaire.patient_items
                                   ? check_patient_items(questionnaire, answers)
                                   : check_fixed_items(questionnaire, answers);
  if (!checked) return checked.error();

  QuestionnaireScore score;
  score.min = questionnaire.scoring.min;
  score.max = questionnaire.scoring.max;
  score.direction = questionnaire.scoring.direction;
  score.answered = static_cast<int>(answers.size());
  double sum = 0;
  for (const ItemAnswer& answer : answers) sum += answer.value;
  switch (questionnaire.scoring.method) {
    case ScoringMethod::kSum:
    case ScoringMethod::kSingle:
      score.value = sum;
      break;
    case ScoringMethod::kMean:
      // The loader guarantees at least one item, and the checks above one answer per item.
      score.value = answers.empty() ? 0 : sum / static_cast<double>(answers.size());
      break;
  }
  return score;
}

const Questionnaire* find_questionnaire(const Protocol& protocol, std::string_view id) {
  const auto it =
      std::find_if(protocol.questionnaires.begin(), protocol.questionnaires.end(),
                   [&](const Questionnaire& questionnaire) { return questionnaire.id == id; });
  return it == protocol.questionnaires.end() ? nullptr : &*it;
}

std::string_view scoring_method_name(ScoringMethod method) {
  switch (method) {
    case ScoringMethod::kSum:
      return "sum";
    case ScoringMethod::kMean:
      return "mean";
    case ScoringMethod::kSingle:
      return "single";
  }
  return "single";
}

std::string_view direction_name(Direction direction) {
  return direction == Direction::kHigherIsBetter ? "higher_is_better" : "lower_is_better";
}

}  // namespace hipcoach::core
