#include "triage_data.h"

#include <algorithm>
#include <set>
#include <span>
#include <string>

namespace hipcoach::core::detail {

namespace {

// Returns the index of `value` in `values`, or -1.
int index_of(std::span<const std::string_view> values, std::string_view value) {
  const auto it = std::find(values.begin(), values.end(), value);
  return it == values.end() ? -1 : static_cast<int>(it - values.begin());
}

std::string list_of(std::span<const std::string_view> values) {
  std::string out;
  for (const std::string_view value : values) {
    if (!out.empty()) out += ", ";
    out += value;
  }
  return out;
}

// Reads `key` as a list of values of one answer field into a bit mask.
std::uint32_t read_mask(TableReader& reader, std::string_view key,
                        std::span<const std::string_view> values, std::string_view what) {
  std::uint32_t mask = 0;
  const auto list = reader.string_list(key, false);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const int index = index_of(values, list[i].first);
    if (index < 0) {
      reader.report(*list[i].second, index_path(join_path(reader.path(), key), i),
                    "unknown " + std::string(what) + " \"" + list[i].first +
                        "\"; expected one of " + list_of(values));
      continue;
    }
    mask |= 1u << static_cast<unsigned>(index);
  }
  return mask;
}

std::optional<int> read_bound(TableReader& reader, std::string_view key, int min, int max) {
  const auto value = reader.integer(key, min, max, false);
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}

Condition read_condition(TableReader& parent) {
  Condition condition;
  const toml::table* table = parent.table("when");
  if (table == nullptr) return condition;
  TableReader reader(parent.checker(), parent.file(), *table, join_path(parent.path(), "when"));
  condition.red_flags_any = read_mask(reader, "red_flags_any", kRedFlags, "red flag");
  condition.red_flags_all = read_mask(reader, "red_flags_all", kRedFlags, "red flag");
  condition.aggravators_any = read_mask(reader, "aggravators_any", kAggravators, "aggravator");
  condition.cautions_any = read_mask(reader, "cautions_any", kCautions, "caution");
  condition.locations_any = read_mask(reader, "locations_any", kLocations, "location");
  condition.locations_all = read_mask(reader, "locations_all", kLocations, "location");
  condition.locations_none = read_mask(reader, "locations_none", kLocations, "location");
  condition.main_location_in = read_mask(reader, "main_location_in", kLocations, "location");
  condition.age_below = read_bound(reader, "age_below", 1, 121);
  condition.age_at_least = read_bound(reader, "age_at_least", 0, 120);
  condition.duration_weeks_at_least = read_bound(reader, "duration_weeks_at_least", 0, 520);
  condition.worst_pain_at_least = read_bound(reader, "worst_pain_at_least", 0, 10);
  reader.finish();
  return condition;
}

// Reads the statement made of `text_key` and the table's `cite`.
Statement read_cited_text(TableReader& reader, std::string_view text_key) {
  Statement statement;
  statement.text = reader.string(text_key).value_or("");
  statement.cite = read_cite(reader);
  return statement;
}

std::optional<AnswerField::Type> question_type(TableReader& reader) {
  const auto type = reader.string("type");
  if (!type) return std::nullopt;
  if (*type == "integer") return AnswerField::Type::kInteger;
  if (*type == "choice") return AnswerField::Type::kChoice;
  if (*type == "multi_choice") return AnswerField::Type::kMultiChoice;
  reader.report(*reader.node("type", false, ""), join_path(reader.path(), "type"),
                "must be \"integer\", \"choice\" or \"multi_choice\", got \"" + *type + "\"");
  return std::nullopt;
}

std::string_view type_word(AnswerField::Type type) {
  switch (type) {
    case AnswerField::Type::kInteger:
      return "integer";
    case AnswerField::Type::kChoice:
      return "choice";
    case AnswerField::Type::kMultiChoice:
      return "multi_choice";
  }
  return "integer";
}

void read_question(TableReader& reader, TriageData& triage) {
  TriageQuestion question;
  const auto id = reader.string("id");
  const AnswerField* field = id ? find_answer_field(*id) : nullptr;
  if (id && field == nullptr) {
    std::string fields;
    for (const AnswerField& known : kAnswerFields) {
      fields += (fields.empty() ? "" : ", ") + std::string(known.name);
    }
    reader.report(*reader.node("id", false, ""), join_path(reader.path(), "id"),
                  "\"" + *id + "\" is not an answer field; expected one of " + fields);
  } else if (field != nullptr) {
    reader.checker().define("question", *id, reader.file(),
                            position_of(reader.node("id", false, "")->source()),
                            join_path(reader.path(), "id"));
    question.id = *id;
  }
  question.prompt = reader.string("prompt").value_or("");
  question.help = reader.string("help", false).value_or("");
  const auto type = question_type(reader);
  if (type) question.type = *type;
  if (type && field != nullptr && *type != field->type) {
    reader.report(*reader.node("type", false, ""), join_path(reader.path(), "type"),
                  "the answer \"" + question.id + "\" is of type \"" +
                      std::string(type_word(field->type)) + "\", not \"" +
                      std::string(type_word(*type)) + "\"");
  }

  if (question.type == AnswerField::Type::kInteger) {
    const auto min = reader.integer("min", 0, 1000);
    const auto max = reader.integer("max", 0, 1000);
    question.min = static_cast<int>(min.value_or(0));
    question.max = static_cast<int>(max.value_or(0));
    question.unit = reader.string("unit", false).value_or("");
    if (field != nullptr && field->type == AnswerField::Type::kInteger && min && max &&
        (*min != field->min || *max != field->max)) {
      reader.report(*reader.node("min", false, ""), join_path(reader.path(), "min"),
                    "the answer \"" + question.id + "\" ranges " + std::to_string(field->min) +
                        ".." + std::to_string(field->max) + ", not " + std::to_string(*min) +
                        ".." + std::to_string(*max));
    }
  } else {
    // Picking nothing is an answer everywhere but for where it hurts; none_label is unknown there.
    if (question.type == AnswerField::Type::kMultiChoice && question.id != "locations") {
      question.none_label = reader.string("none_label").value_or("");
    }
    const auto options = reader.tables("options", 1);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < options.size(); ++i) {
      TableReader option_reader(reader.checker(), reader.file(), *options[i],
                                index_path(join_path(reader.path(), "options"), i));
      QuestionOption option;
      option.value = option_reader.string("value").value_or("");
      option.label = option_reader.string("label").value_or("");
      option.help = option_reader.string("help", false).value_or("");
      if (field != nullptr && field->values != nullptr && !option.value.empty()) {
        const std::span<const std::string_view> values(field->values, field->value_count);
        const toml::node* value_node = option_reader.node("value", false, "");
        if (index_of(values, option.value) < 0) {
          option_reader.report(*value_node, join_path(option_reader.path(), "value"),
                               "\"" + option.value + "\" is not a value of \"" + question.id +
                                   "\"; expected one of " + list_of(values));
        } else if (!seen.insert(option.value).second) {
          option_reader.report(*value_node, join_path(option_reader.path(), "value"),
                               "\"" + option.value + "\" is offered twice");
        }
      }
      option_reader.finish();
      question.options.push_back(std::move(option));
    }
    if (field != nullptr && field->values != nullptr && !options.empty()) {
      std::string missing;
      for (std::size_t i = 0; i < field->value_count; ++i) {
        if (seen.count(std::string(field->values[i])) == 0) {
          missing += (missing.empty() ? "" : ", ") + std::string(field->values[i]);
        }
      }
      if (!missing.empty()) {
        reader.report(*reader.node("options", false, ""), join_path(reader.path(), "options"),
                      "no option for " + missing);
      }
    }
  }
  reader.finish();
  triage.questions.push_back(std::move(question));
}

}  // namespace

void read_triage_questions(TableReader& root, Protocol& protocol, TriageContext& context) {
  context.has_questions = true;
  context.questions_file = std::string(root.file());
  const auto questions = root.tables("questions", 1);
  for (std::size_t i = 0; i < questions.size(); ++i) {
    TableReader reader(root.checker(), root.file(), *questions[i], index_path("questions", i));
    read_question(reader, protocol.triage);
  }
}

void read_triage_rules(TableReader& root, Protocol& protocol, TriageContext& context) {
  context.has_rules = true;
  context.rules_file = std::string(root.file());
  TriageData& triage = protocol.triage;

  if (const toml::table* table = root.table("default")) {
    context.has_default = true;
    TableReader reader(root.checker(), root.file(), *table, "default");
    triage.default_reason = read_cited_text(reader, "reason");
    reader.finish();
  }

  for (const toml::table* table : root.tables("dispositions", 1)) {
    TableReader reader(root.checker(), root.file(), *table,
                       index_path("dispositions", triage.dispositions.size()));
    DispositionRule rule;
    rule.id = read_defined_id(reader, "rule");
    if (const auto level = reader.string("disposition")) {
      if (*level == "urgent") {
        rule.disposition = Disposition::kUrgent;
      } else if (*level == "soon") {
        rule.disposition = Disposition::kSoon;
      } else if (*level == "self_care") {
        rule.disposition = Disposition::kSelfCare;
      } else {
        reader.report(*reader.node("disposition", false, ""),
                      join_path(reader.path(), "disposition"),
                      "must be \"urgent\", \"soon\" or \"self_care\", got \"" + *level + "\"");
      }
    }
    rule.article_applies = reader.boolean("article_applies", false).value_or(true);
    rule.reason = read_cited_text(reader, "reason");
    rule.when = read_condition(reader);
    reader.finish();
    triage.dispositions.push_back(std::move(rule));
  }

  for (const toml::table* table : root.tables("group_rules", 1)) {
    TableReader reader(root.checker(), root.file(), *table,
                       index_path("group_rules", triage.group_rules.size()));
    GroupRule rule;
    rule.id = read_defined_id(reader, "rule");
    rule.group = reader.id("group").value_or("");
    refer(reader, RefKind::kGroup, rule.group, "group");
    rule.weight = static_cast<int>(reader.integer("weight", 1, 10).value_or(1));
    rule.reason = read_cited_text(reader, "reason");
    rule.when = read_condition(reader);
    reader.finish();
    triage.group_rules.push_back(std::move(rule));
  }

  for (const toml::table* table : root.tables("caution_rules", 0)) {
    TableReader reader(root.checker(), root.file(), *table,
                       index_path("caution_rules", triage.caution_rules.size()));
    CautionRule rule;
    rule.id = read_defined_id(reader, "rule");
    rule.text = read_cited_text(reader, "text");
    rule.instead = reader.string("instead").value_or("");
    rule.when = read_condition(reader);
    reader.finish();
    triage.caution_rules.push_back(std::move(rule));
  }

  for (const toml::table* table : root.tables("advice_rules", 0)) {
    TableReader reader(root.checker(), root.file(), *table,
                       index_path("advice_rules", triage.advice_rules.size()));
    AdviceRule rule;
    rule.id = read_defined_id(reader, "rule");
    rule.title = reader.string("title").value_or("");
    rule.statements = read_statements(reader, "statements", 1);
    rule.when = read_condition(reader);
    reader.finish();
    triage.advice_rules.push_back(std::move(rule));
  }
}

void check_triage(Checker& checker, const Protocol& protocol, const TriageContext& context,
                  std::string_view dir_name) {
  if (!context.has_questions && !context.has_rules) return;  // Triage is not configured.
  if (!context.has_questions) {
    checker.report(dir_name, {}, "", "triage rules but no file of kind \"triage_questions\"");
    return;
  }
  if (!context.has_rules) {
    checker.report(dir_name, {}, "", "triage questions but no file of kind \"triage_rules\"");
    return;
  }
  std::string missing;
  for (const AnswerField& field : kAnswerFields) {
    const bool asked = std::any_of(
        protocol.triage.questions.begin(), protocol.triage.questions.end(),
        [&](const TriageQuestion& question) { return question.id == field.name; });
    if (!asked) missing += (missing.empty() ? "" : ", ") + std::string(field.name);
  }
  if (!missing.empty()) {
    checker.report(context.questions_file, {1, 1}, "questions", "no question for " + missing);
  }
}

}  // namespace hipcoach::core::detail
