#include "questionnaire_command.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "hipcoach/core/codec.h"
#include "hipcoach/core/questionnaire.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/records.h"
#include "text.h"

namespace hipcoach::cli {

namespace {

using nlohmann::json;

// "0 to 80, higher is better".
std::string scoring_text(const core::Questionnaire& questionnaire) {
  const core::Scoring& scoring = questionnaire.scoring;
  return std::to_string(static_cast<long long>(scoring.min)) + " to " +
         std::to_string(static_cast<long long>(scoring.max)) +
         (scoring.direction == core::Direction::kHigherIsBetter ? ", higher is better"
                                                                : ", lower is better");
}

// A whole number on the questionnaire's scale, or nullopt.
std::optional<int> scale_value(const core::Questionnaire& questionnaire, const std::string& typed) {
  if (typed.empty() || typed.size() > 3 ||
      typed.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const int value = std::stoi(typed);
  if (value < questionnaire.scale.min || value > questionnaire.scale.max) return std::nullopt;
  return value;
}

// Reads one line; false when the input has ended.
bool read_line(const Command& command, std::string& line) {
  if (!std::getline(command.in, line)) return false;
  line = trim(line);
  return true;
}

void write_anchors(const core::Questionnaire& questionnaire, std::ostream& out) {
  for (const core::ScaleAnchor& anchor : questionnaire.scale.anchors) {
    write_wrapped(anchor.label, "    " + std::to_string(anchor.value) + " = ", out);
  }
}

// Asks for a rating on the scale until one is given; nullopt when input ends.
std::optional<int> ask_rating(const Command& command, const core::Questionnaire& questionnaire) {
  const std::string range =
      std::to_string(questionnaire.scale.min) + " to " + std::to_string(questionnaire.scale.max);
  command.out << "(" << range << ") > " << std::flush;
  for (std::string line; read_line(command, line);) {
    if (auto value = scale_value(questionnaire, line)) return value;
    command.out << "  Please answer again: type a whole number from " << range << ".\n> "
                << std::flush;
  }
  return std::nullopt;
}

int input_ended(const Command& command, const std::string& what) {
  command.out << '\n';
  return command.fail(kExitInvalidData, "", "the input ended before " + what + " was answered");
}

// Asks every item at the terminal and builds the request body; on failure
// prints why and returns nullopt with `exit_code` set.
std::optional<json> ask_answers(const Command& command, const core::Questionnaire& questionnaire,
                                int& exit_code) {
  command.out << questionnaire.name << '\n';
  write_wrapped(questionnaire.instructions, "", command.out);
  json answers = json::array();
  if (questionnaire.patient_items) {
    const core::PatientItems& items = *questionnaire.patient_items;
    for (int i = 1; i <= items.max_count; ++i) {
      command.out << "\nActivity " << i << " (" << items.min_count << " to " << items.max_count
                  << ")";
      if (i > items.min_count) command.out << "; an empty line finishes";
      command.out << '\n';
      write_wrapped(items.prompt, "", command.out);
      command.out << "> " << std::flush;
      std::string name;
      for (;;) {
        if (!read_line(command, name)) {
          exit_code = input_ended(command, "activity " + std::to_string(i));
          return std::nullopt;
        }
        if (!name.empty() || i > items.min_count) break;
        command.out << "  Please name an activity: at least " << items.min_count
                    << " are needed.\n> " << std::flush;
      }
      if (name.empty()) break;
      command.out << "How well can you do it now?\n";
      write_anchors(questionnaire, command.out);
      const std::optional<int> value = ask_rating(command, questionnaire);
      if (!value) {
        exit_code = input_ended(command, "activity " + std::to_string(i));
        return std::nullopt;
      }
      answers.push_back({{"text", name}, {"value", *value}});
    }
  } else {
    const std::size_t total = questionnaire.items.size();
    for (std::size_t i = 0; i < total; ++i) {
      const core::QuestionnaireItem& item = questionnaire.items[i];
      command.out << '\n';
      write_wrapped(item.text,
                    total == 1 ? "" : std::to_string(i + 1) + " of " + std::to_string(total) + ". ",
                    command.out);
      write_anchors(questionnaire, command.out);
      const std::optional<int> value = ask_rating(command, questionnaire);
      if (!value) {
        exit_code =
            input_ended(command, "item " + std::to_string(i + 1) + " (\"" + item.id + "\")");
        return std::nullopt;
      }
      answers.push_back({{"item", item.id}, {"value", *value}});
    }
  }
  const std::chrono::sys_seconds now = command.environment.now();
  return json{{"answers", std::move(answers)},
              {"at", core::format_timestamp(now, command.environment.utc_offset(now))}};
}

}  // namespace

int run_questionnaire_list(const Command& command, const core::Protocol& protocol, bool json) {
  if (json) {
    command.out << core::questionnaires_to_json(protocol).dump(2) << '\n';
    return kExitOk;
  }
  if (protocol.questionnaires.empty()) {
    command.out << "The data has no questionnaires.\n";
    return kExitOk;
  }
  for (const core::Questionnaire& questionnaire : protocol.questionnaires) {
    std::string items;
    if (questionnaire.patient_items) {
      items = std::to_string(questionnaire.patient_items->min_count) + " to " +
              std::to_string(questionnaire.patient_items->max_count) + " activities you name";
    } else {
      items = std::to_string(questionnaire.items.size()) +
              (questionnaire.items.size() == 1 ? " question" : " questions");
    }
    write_wrapped(
        questionnaire.name + ": " + items + ", scored " + scoring_text(questionnaire) + ".",
        questionnaire.id +
            std::string(questionnaire.id.size() < 6 ? 6 - questionnaire.id.size() : 1, ' '),
        command.out);
  }
  command.out << "\nTake one with: hipcoach questionnaire take ID\n";
  return kExitOk;
}

int run_questionnaire_take(const Command& command, const core::Protocol& protocol,
                           const QuestionnaireTakeOptions& options) {
  const core::Questionnaire* questionnaire = core::find_questionnaire(protocol, options.id);
  if (questionnaire == nullptr) {
    std::string known;
    for (const core::Questionnaire& each : protocol.questionnaires) known += " " + each.id;
    return command.fail(kExitUsage, "ID",
                        "no questionnaire \"" + options.id + "\"; the questionnaires are:" + known);
  }
  int exit_code = kExitOk;
  std::optional<Account> account = open_account(command, options.database, exit_code);
  if (!account) return exit_code;
  storage::Store& store = *account->store;
  const storage::User& user = account->user;

  json body;
  std::string source = "answers";
  if (options.answers_path.empty()) {
    std::optional<json> asked = ask_answers(command, *questionnaire, exit_code);
    if (!asked) return exit_code;
    body = std::move(*asked);
  } else {
    source = options.answers_path;
    const std::optional<std::string> text = read_input(options.answers_path, command.in);
    if (!text) {
      return command.fail(kExitInvalidData, "--answers",
                          "cannot read \"" + options.answers_path + "\"");
    }
    body = json::parse(*text, nullptr, false);
    if (body.is_discarded()) {
      return command.fail(kExitInvalidData, source,
                          "/: is not JSON; expected {\"answers\": [{\"item\", \"value\"}...]}");
    }
  }
  auto response = service::questionnaire_response_from_json(*questionnaire, body, user.id,
                                                            command.environment.now());
  if (!response) {
    return command.fail(kExitInvalidData, source,
                        response.error().where() + ": " + response.error().message());
  }
  auto id = store.add_questionnaire_response(response->record);
  if (!id) return store_failure(command, id.error());
  const core::QuestionnaireScore& score = response->score;
  command.out << '\n'
              << questionnaire->name << ": " << decimal_text(score.value) << " (scored "
              << scoring_text(*questionnaire) << "; " << score.answered
              << (score.answered == 1 ? " answer" : " answers") << "). Saved as response " << *id
              << ".\nSee how it changes with: hipcoach progress\n";
  return kExitOk;
}

}  // namespace hipcoach::cli
