#include <algorithm>
#include <set>
#include <string>

#include "hipcoach/core/codec.h"

namespace hipcoach::core {

namespace {

using nlohmann::json;

std::string describe(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number with a fraction";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "an unexpected value";
  }
}

std::string values_list(const AnswerField& field) {
  std::string out;
  for (std::size_t i = 0; i < field.value_count; ++i) {
    out += (i == 0 ? "" : ", ") + std::string(field.values[i]);
  }
  return out;
}

int index_of(const AnswerField& field, const std::string& value) {
  for (std::size_t i = 0; i < field.value_count; ++i) {
    if (field.values[i] == value) return static_cast<int>(i);
  }
  return -1;
}

// Reads one field; on success stores an integer, an index or a mask in `out`
// and, for lists, the first index in `first`.
Result<void> read_field(const AnswerField& field, const json& value, std::int64_t& out,
                        int& first) {
  const std::string where = "/" + std::string(field.name);
  switch (field.type) {
    case AnswerField::Type::kInteger: {
      const std::string range = std::to_string(field.min) + ".." + std::to_string(field.max);
      if (!value.is_number_integer()) {
        return Error::invalid_input(where,
                                    "expected an integer " + range + ", got " + describe(value));
      }
      const bool negative = value.is_number_unsigned() ? false : value.get<std::int64_t>() < 0;
      if (negative || value.get<std::uint64_t>() > static_cast<std::uint64_t>(field.max) ||
          value.get<std::int64_t>() < field.min) {
        return Error::invalid_input(where, "must be an integer " + range + ", got " + value.dump());
      }
      out = value.get<std::int64_t>();
      return {};
    }
    case AnswerField::Type::kChoice: {
      if (!value.is_string()) {
        return Error::invalid_input(
            where, "expected one of " + values_list(field) + ", got " + describe(value));
      }
      const int index = index_of(field, value.get<std::string>());
      if (index < 0) {
        return Error::invalid_input(
            where, "unknown value " + value.dump() + "; expected one of " + values_list(field));
      }
      out = index;
      return {};
    }
    case AnswerField::Type::kMultiChoice: {
      if (!value.is_array()) {
        return Error::invalid_input(
            where, "expected an array of " + values_list(field) + ", got " + describe(value));
      }
      std::uint32_t mask = 0;
      first = -1;
      for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string item_where = where + "/" + std::to_string(i);
        const json& item = value[i];
        if (!item.is_string()) {
          return Error::invalid_input(item_where, "expected a string, got " + describe(item));
        }
        const int index = index_of(field, item.get<std::string>());
        if (index < 0) {
          return Error::invalid_input(item_where, "unknown value " + item.dump() +
                                                      "; expected one of " + values_list(field));
        }
        const std::uint32_t bit = 1u << static_cast<unsigned>(index);
        if ((mask & bit) != 0) {
          return Error::invalid_input(item_where, item.dump() + " is listed twice");
        }
        mask |= bit;
        if (first < 0) first = index;
      }
      if (field.name == "locations" && mask == 0) {
        return Error::invalid_input(where, "name at least one place where it hurts");
      }
      out = mask;
      return {};
    }
  }
  return Error::internal(where, "unknown field type");
}

json cited(const Statement& statement) {
  return {{"text", statement.text}, {"cite", statement.cite}};
}

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

Result<void> check_answer(const AnswerField& field, const json& value) {
  std::int64_t out = 0;
  int first = 0;
  return read_field(field, value, out, first);
}

Result<Answers> answers_from_json(const json& json) {
  if (!json.is_object()) {
    return Error::invalid_input("/", "expected a JSON object of answers, got " + describe(json));
  }
  for (const auto& [key, value] : json.items()) {
    if (find_answer_field(key) == nullptr) {
      std::string fields;
      for (const AnswerField& field : kAnswerFields) {
        fields += (fields.empty() ? "" : ", ") + std::string(field.name);
      }
      return Error::invalid_input("/" + key, "unknown answer; the answers are " + fields);
    }
  }
  std::string missing;
  for (const AnswerField& field : kAnswerFields) {
    if (!json.contains(field.name))
      missing += (missing.empty() ? "" : ", ") + std::string(field.name);
  }
  if (!missing.empty()) return Error::invalid_input("/", "missing answers: " + missing);

  Answers answers;
  for (const AnswerField& field : kAnswerFields) {
    std::int64_t value = 0;
    int first = -1;
    if (auto checked = read_field(field, json.at(std::string(field.name)), value, first);
        !checked) {
      return checked.error();
    }
    const auto as_int = static_cast<int>(value);
    const auto as_mask = static_cast<std::uint32_t>(value);
    if (field.name == "age") answers.age = as_int;
    if (field.name == "side") answers.side = as_int;
    if (field.name == "locations") {
      answers.locations = as_mask;
      answers.main_location = first;
    }
    if (field.name == "pain_now") answers.pain_now = as_int;
    if (field.name == "worst_pain_week") answers.worst_pain_week = as_int;
    if (field.name == "duration_weeks") answers.duration_weeks = as_int;
    if (field.name == "aggravators") answers.aggravators = as_mask;
    if (field.name == "red_flags") answers.red_flags = as_mask;
    if (field.name == "cautions") answers.cautions = as_mask;
  }
  return answers;
}

Result<Answers> parse_answers(std::string_view text) {
  json parsed;
  try {
    parsed = json::parse(text);
  } catch (const json::parse_error& error) {
    // Count lines up to the byte where parsing stopped.
    const std::size_t stop =
        std::min<std::size_t>(error.byte == 0 ? 0 : error.byte - 1, text.size());
    int line = 1;
    int column = 1;
    for (std::size_t i = 0; i < stop; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return Error::invalid_input(
        "/", "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(column));
  } catch (const json::out_of_range&) {
    // A number too large for a double (e.g. 1e999): found by fuzz/fuzz_triage.
    return Error::invalid_input("/", "invalid JSON: a number is out of range");
  }
  return answers_from_json(parsed);
}

json to_json(const Protocol& protocol, const TriageResult& result) {
  const TriageData& triage = protocol.triage;
  std::set<std::string> cite_ids;
  const auto note = [&](const Statement& statement) {
    cite_ids.insert(statement.cite.begin(), statement.cite.end());
    return cited(statement);
  };

  json reasons = json::array();
  for (const DispositionRule* rule : result.reasons) {
    json reason = note(rule->reason);
    reason["rule"] = rule->id;
    reason["disposition"] = disposition_name(rule->disposition);
    reasons.push_back(std::move(reason));
  }
  if (result.reasons.empty() || result.disposition == Disposition::kSelfCare) {
    json reason = note(triage.default_reason);
    reason["rule"] = "default";
    reason["disposition"] = disposition_name(Disposition::kSelfCare);
    reasons.push_back(std::move(reason));
  }

  json groups = json::array();
  for (const GroupSuggestion& suggestion : result.groups) {
    json group_reasons = json::array();
    for (const GroupRule* rule : suggestion.reasons) {
      json reason = note(rule->reason);
      reason["rule"] = rule->id;
      group_reasons.push_back(std::move(reason));
    }
    groups.push_back({{"id", suggestion.group->id},
                      {"name", suggestion.group->name},
                      {"score", suggestion.score},
                      {"reasons", std::move(group_reasons)}});
  }

  json cautions = json::array();
  for (const CautionRule* rule : result.cautions) {
    json caution = note(rule->text);
    caution["rule"] = rule->id;
    caution["instead"] = rule->instead;
    cautions.push_back(std::move(caution));
  }

  json advice = json::array();
  for (const AdviceRule* rule : result.advice) {
    json statements = json::array();
    for (const Statement& statement : rule->statements) statements.push_back(note(statement));
    advice.push_back(
        {{"rule", rule->id}, {"title", rule->title}, {"statements", std::move(statements)}});
  }

  json sources = json::array();
  for (const Source& source : protocol.sources) {
    if (cite_ids.count(source.id) != 0) sources.push_back(to_json(source));
  }

  return {{"disposition", disposition_name(result.disposition)},
          {"article_applies", result.article_applies},
          {"reasons", std::move(reasons)},
          {"groups", std::move(groups)},
          {"cautions", std::move(cautions)},
          {"advice", std::move(advice)},
          {"sources", std::move(sources)}};
}

TriageJsonWriter::TriageJsonWriter(const Protocol& protocol) : protocol_(protocol) {
  const TriageData& triage = protocol.triage;
  for (const Source& source : protocol.sources) sources_.push_back(dump(to_json(source)));
  for (const DispositionRule& rule : triage.dispositions) {
    json reason = cited(rule.reason);
    reason["rule"] = rule.id;
    reason["disposition"] = disposition_name(rule.disposition);
    rules_.emplace(&rule, fragment(reason, rule.reason.cite));
  }
  json fallback = cited(triage.default_reason);
  fallback["rule"] = "default";
  fallback["disposition"] = disposition_name(Disposition::kSelfCare);
  default_reason_ = fragment(fallback, triage.default_reason.cite);
  for (const GroupRule& rule : triage.group_rules) {
    json reason = cited(rule.reason);
    reason["rule"] = rule.id;
    rules_.emplace(&rule, fragment(reason, rule.reason.cite));
  }
  for (const CautionRule& rule : triage.caution_rules) {
    json caution = cited(rule.text);
    caution["rule"] = rule.id;
    caution["instead"] = rule.instead;
    rules_.emplace(&rule, fragment(caution, rule.text.cite));
  }
  for (const AdviceRule& rule : triage.advice_rules) {
    json statements = json::array();
    std::vector<std::string> cite;
    for (const Statement& statement : rule.statements) {
      statements.push_back(cited(statement));
      cite.insert(cite.end(), statement.cite.begin(), statement.cite.end());
    }
    rules_.emplace(
        &rule,
        fragment({{"rule", rule.id}, {"title", rule.title}, {"statements", std::move(statements)}},
                 cite));
  }
}

TriageJsonWriter::Fragment TriageJsonWriter::fragment(const json& object,
                                                      const std::vector<std::string>& cite) const {
  Fragment out{dump(object), {}};
  for (std::size_t i = 0; i < protocol_.sources.size(); ++i) {
    if (std::find(cite.begin(), cite.end(), protocol_.sources[i].id) != cite.end()) {
      out.sources.push_back(i);
    }
  }
  return out;
}

void TriageJsonWriter::append(std::string& out, const Fragment& fragment,
                              std::vector<char>& cited_sources) const {
  if (out.back() != '[') out += ',';
  out += fragment.json;
  for (const std::size_t index : fragment.sources) cited_sources[index] = 1;
}

// Keys are written in nlohmann::json's order (sorted), so that the text is
// byte for byte what to_json(...).dump() gives.
std::string TriageJsonWriter::write(const TriageResult& result) const {
  std::vector<char> cited_sources(protocol_.sources.size(), 0);
  std::string out;
  out.reserve(16 * 1024);

  std::string advice = "[";
  for (const AdviceRule* rule : result.advice) append(advice, rules_.at(rule), cited_sources);
  advice += ']';
  std::string cautions = "[";
  for (const CautionRule* rule : result.cautions) {
    append(cautions, rules_.at(rule), cited_sources);
  }
  cautions += ']';
  std::string groups = "[";
  for (const GroupSuggestion& suggestion : result.groups) {
    if (groups.back() != '[') groups += ',';
    groups += "{\"id\":" + dump(suggestion.group->id) +
              ",\"name\":" + dump(suggestion.group->name) + ",\"reasons\":[";
    for (const GroupRule* rule : suggestion.reasons) append(groups, rules_.at(rule), cited_sources);
    groups += "],\"score\":" + std::to_string(suggestion.score) + "}";
  }
  groups += ']';
  std::string reasons = "[";
  for (const DispositionRule* rule : result.reasons) {
    append(reasons, rules_.at(rule), cited_sources);
  }
  if (result.reasons.empty() || result.disposition == Disposition::kSelfCare) {
    append(reasons, default_reason_, cited_sources);
  }
  reasons += ']';
  std::string sources = "[";
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    if (cited_sources[i] == 0) continue;
    if (sources.back() != '[') sources += ',';
    sources += sources_[i];
  }
  sources += ']';

  out += "{\"advice\":" + advice;
  out += ",\"article_applies\":";
  out += result.article_applies ? "true" : "false";
  out += ",\"cautions\":" + cautions;
  out += ",\"disposition\":\"" + std::string(disposition_name(result.disposition)) + "\"";
  out += ",\"groups\":" + groups;
  out += ",\"reasons\":" + reasons;
  out += ",\"sources\":" + sources + "}";
  return out;
}

json questions_to_json(const TriageData& triage) {
  json out = json::array();
  for (const TriageQuestion& question : triage.questions) {
    json item = {{"id", question.id}, {"prompt", question.prompt}, {"help", question.help}};
    switch (question.type) {
      case AnswerField::Type::kInteger:
        item["type"] = "integer";
        item["min"] = question.min;
        item["max"] = question.max;
        item["unit"] = question.unit;
        break;
      case AnswerField::Type::kChoice:
      case AnswerField::Type::kMultiChoice: {
        const bool multi = question.type == AnswerField::Type::kMultiChoice;
        item["type"] = multi ? "multi_choice" : "choice";
        if (multi) item["none_label"] = question.none_label;
        json options = json::array();
        for (const QuestionOption& option : question.options) {
          options.push_back(
              {{"value", option.value}, {"label", option.label}, {"help", option.help}});
        }
        item["options"] = std::move(options);
        break;
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace hipcoach::core
