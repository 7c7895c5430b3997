#include "triage_command.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "clinic_text.h"
#include "hipcoach/cli/cli.h"
#include "hipcoach/core/codec.h"
#include "hipcoach/core/triage.h"
#include "text.h"

namespace hipcoach::cli {

namespace {

using nlohmann::json;

std::string trim(std::string text) {
  const auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  return text;
}

// Turns one typed option ("2" or "outer_hip") into its value, or "".
std::string option_value(const core::TriageQuestion& question, const std::string& word) {
  if (!word.empty() && std::all_of(word.begin(), word.end(), ::isdigit) && word.size() < 4) {
    const std::size_t number = std::stoul(word);
    if (number >= 1 && number <= question.options.size()) {
      return question.options[number - 1].value;
    }
    return "";
  }
  for (const core::QuestionOption& option : question.options) {
    if (option.value == word) return option.value;
  }
  return "";
}

// Reads what the person typed for `question` as the JSON the API takes, or
// returns an error message to show before asking again.
std::string to_answer(const core::TriageQuestion& question, const std::string& typed,
                      json& answer) {
  switch (question.type) {
    case core::AnswerField::Type::kInteger: {
      if (typed.empty() || typed.size() > 9 ||
          !std::all_of(typed.begin(), typed.end(), ::isdigit)) {
        return "type a whole number from " + std::to_string(question.min) + " to " +
               std::to_string(question.max);
      }
      answer = std::stoi(typed);
      return "";
    }
    case core::AnswerField::Type::kChoice: {
      const std::string value = option_value(question, typed);
      if (value.empty()) {
        return "type the number of one answer, 1 to " + std::to_string(question.options.size());
      }
      answer = value;
      return "";
    }
    case core::AnswerField::Type::kMultiChoice: {
      if (!question.none_label.empty() && (typed == "0" || typed == "none")) {
        answer = json::array();
        return "";
      }
      std::string words = typed;
      std::replace(words.begin(), words.end(), ',', ' ');
      std::istringstream stream(words);
      answer = json::array();
      for (std::string word; stream >> word;) {
        const std::string value = option_value(question, word);
        if (value.empty()) return "\"" + word + "\" is not one of the numbers shown";
        answer.push_back(value);
      }
      if (answer.empty()) {
        if (question.none_label.empty()) return "type the numbers of all that apply";
        return "type the numbers of all that apply, separated by commas, or 0 for \"" +
               question.none_label + "\"";
      }
      return "";
    }
  }
  return "unknown question type";
}

void ask(const core::TriageQuestion& question, std::size_t number, std::size_t total,
         std::ostream& out) {
  out << "\nQuestion " << number << " of " << total << '\n';
  write_wrapped(question.prompt, "", out);
  if (!question.help.empty()) write_wrapped(question.help, "  ", out);
  const bool can_pick_none = !question.none_label.empty();
  if (question.type == core::AnswerField::Type::kMultiChoice && can_pick_none) {
    out << "   0. " << question.none_label << '\n';
  }
  for (std::size_t i = 0; i < question.options.size(); ++i) {
    const core::QuestionOption& option = question.options[i];
    const std::string label = (i + 1 < 10 ? "   " : "  ") + std::to_string(i + 1) + ". ";
    write_wrapped(option.label + (option.help.empty() ? "" : " (" + option.help + ")"), label, out);
  }
  switch (question.type) {
    case core::AnswerField::Type::kInteger:
      out << "(" << question.min << " to " << question.max
          << (question.unit.empty() ? "" : " " + question.unit) << ") > ";
      break;
    case core::AnswerField::Type::kChoice:
      out << "(one number) > ";
      break;
    case core::AnswerField::Type::kMultiChoice:
      out << (can_pick_none ? "(numbers separated by commas, or 0) > "
                            : "(numbers separated by commas, main one first) > ");
      break;
  }
  out.flush();
}

// Asks every question, re-asking on a bad answer; false when input ends.
bool ask_all(const core::Protocol& protocol, std::istream& in, std::ostream& out, std::ostream& err,
             json& answers) {
  const auto& questions = protocol.triage.questions;
  answers = json::object();
  for (std::size_t i = 0; i < questions.size(); ++i) {
    const core::TriageQuestion& question = questions[i];
    const core::AnswerField* field = core::find_answer_field(question.id);
    ask(question, i + 1, questions.size(), out);
    for (;;) {
      std::string line;
      if (!std::getline(in, line)) {
        err << "\nhipcoach triage: the input ended before question " << i + 1 << " (\""
            << question.id << "\") was answered\n";
        return false;
      }
      json answer;
      std::string problem = to_answer(question, trim(line), answer);
      if (problem.empty() && field != nullptr) {
        if (auto checked = core::check_answer(*field, answer); !checked) {
          problem = checked.error().message();
        }
      }
      if (problem.empty()) {
        answers[question.id] = std::move(answer);
        break;
      }
      out << "  Please answer again: " << problem << ".\n> ";
      out.flush();
    }
  }
  return true;
}

void write_result(const core::Protocol& protocol, const core::TriageResult& result,
                  std::ostream& out) {
  const json view = core::to_json(protocol, result);
  Footnotes notes;
  const auto cite_of = [](const json& item) {
    return item["cite"].get<std::vector<std::string>>();
  };
  out << '\n';
  switch (result.disposition) {
    case core::Disposition::kUrgent:
      out << "*** URGENT: get medical care today. ***\n";
      write_wrapped(
          "Call your doctor or the clinic now. If you cannot put weight on your leg, are very "
          "unwell, or this is an emergency, call " +
              emergency_number_text(protocol) + ".",
          "", out);
      write_clinic_contact(protocol, out, false);
      break;
    case core::Disposition::kSoon:
      out << "SEE A CLINICIAN SOON: book an appointment within days.\n";
      write_clinic_contact(protocol, out);
      break;
    case core::Disposition::kSelfCare:
      out << "SELF-CARE is a reasonable start.\n";
      break;
  }
  if (!result.article_applies) {
    write_wrapped(
        "The clinic's trigger-point self-treatment guide does not fit your answers; see why "
        "below.",
        "", out);
  }

  out << "\nWhy\n";
  for (const json& reason : view["reasons"]) {
    write_wrapped(reason["text"].get<std::string>() + notes.markers(cite_of(reason)), "  - ", out);
  }
  if (!view["groups"].empty()) {
    out << "\nWhere to start (hipcoach protocol show ID)\n";
    for (const json& group : view["groups"]) {
      write_wrapped(group["name"].get<std::string>() + " (" + group["id"].get<std::string>() + ")",
                    "  ", out);
      for (const json& reason : group["reasons"]) {
        write_wrapped(reason["text"].get<std::string>() + notes.markers(cite_of(reason)), "    - ",
                      out);
      }
    }
  }
  if (!view["cautions"].empty()) {
    out << "\nCautions\n";
    for (const json& caution : view["cautions"]) {
      write_wrapped(caution["text"].get<std::string>() + notes.markers(cite_of(caution)), "  ! ",
                    out);
      write_wrapped("Instead: " + caution["instead"].get<std::string>(), "    ", out);
    }
  }
  for (const json& advice : view["advice"]) {
    out << '\n' << advice["title"].get<std::string>() << '\n';
    for (const json& statement : advice["statements"]) {
      write_wrapped(statement["text"].get<std::string>() + notes.markers(cite_of(statement)),
                    "  - ", out);
    }
  }
  out << '\n';
  write_wrapped(
      "This is not a diagnosis. If your pain gets worse, changes, or does not get better, see a "
      "clinician.",
      "", out);
  if (result.disposition == core::Disposition::kSelfCare) write_clinic_contact(protocol, out);
  notes.write(protocol, out);
}

}  // namespace

int run_triage(const core::Protocol& protocol, const TriageOptions& options, std::istream& in,
               std::ostream& out, std::ostream& err) {
  core::Result<core::Answers> answers = core::Error::internal("", "not read");
  if (options.answers_path.empty()) {
    json typed;
    if (!ask_all(protocol, in, out, err, typed)) return kExitInvalidData;
    answers = core::answers_from_json(typed);
  } else {
    std::string text;
    if (options.answers_path == "-") {
      text.assign(std::istreambuf_iterator<char>(in), {});
    } else {
      std::ifstream file(options.answers_path, std::ios::binary);
      if (!file) {
        err << "hipcoach triage: --answers: cannot read \"" << options.answers_path << "\"\n";
        return kExitInvalidData;
      }
      text.assign(std::istreambuf_iterator<char>(file), {});
    }
    answers = core::parse_answers(text);
  }
  if (!answers) {
    const std::string source = options.answers_path.empty() ? "answers" : options.answers_path;
    err << "hipcoach triage: " << source << ": " << answers.error().where() << ": "
        << answers.error().message() << '\n';
    return kExitInvalidData;
  }
  const core::TriageResult result = core::evaluate_triage(protocol, *answers);
  if (options.json) {
    out << core::to_json(protocol, result).dump(2) << '\n';
  } else {
    write_result(protocol, result, out);
  }
  return kExitOk;
}

}  // namespace hipcoach::cli
