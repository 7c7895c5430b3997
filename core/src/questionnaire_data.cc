#include "questionnaire_data.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace hipcoach::core::detail {

namespace {

// Formats a threshold or score the way a clinician wrote it: "9", "1.3".
std::string number_text(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  std::string text = std::to_string(value);
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

// Reads an integer or a float at `key`, within min..max.
std::optional<double> read_number(TableReader& reader, std::string_view key, double min, double max,
                                  bool required = true) {
  const std::string range = number_text(min) + ".." + number_text(max);
  const toml::node* found = reader.node(key, required, "a number " + range);
  if (found == nullptr) return std::nullopt;
  const std::string path = join_path(reader.path(), key);
  double value = 0;
  if (const auto* integer = found->as_integer()) {
    value = static_cast<double>(integer->get());
  } else if (const auto* floating = found->as_floating_point()) {
    value = floating->get();
  } else {
    reader.report(*found, path,
                  "expected a number " + range + ", got " + std::string(type_name(*found)));
    return std::nullopt;
  }
  if (!std::isfinite(value) || value < min || value > max) {
    reader.report(*found, path, "must be " + range + ", got " + number_text(value));
    return std::nullopt;
  }
  return value;
}

const toml::node& node_or_table(TableReader& reader, std::string_view key,
                                const toml::table& table) {
  const toml::node* node = reader.node(key, false, "");
  return node != nullptr ? *node : table;
}

// A threshold table: points (> 0, at most the score's span), optional percent
// (0 < percent <= 100), cite.
std::optional<Threshold> read_threshold(TableReader& parent, std::string_view key, bool required,
                                        double span) {
  const toml::node* found = parent.node(key, required, "a table with points and cite");
  if (found == nullptr) return std::nullopt;
  const toml::table* table = parent.table(key, required);
  if (table == nullptr) return std::nullopt;
  TableReader reader(parent.checker(), parent.file(), *table, join_path(parent.path(), key));
  Threshold threshold;
  const auto points = read_number(reader, "points", 0, 1000);
  const auto percent = read_number(reader, "percent", 0, 100, false);
  threshold.cite = read_cite(reader);
  reader.finish();
  if (points) {
    threshold.points = *points;
    if (*points <= 0) {
      reader.report(node_or_table(reader, "points", *table), join_path(reader.path(), "points"),
                    "must be greater than 0, got " + number_text(*points));
    } else if (span > 0 && *points > span) {
      reader.report(node_or_table(reader, "points", *table), join_path(reader.path(), "points"),
                    "must be at most the score's range (" + number_text(span) + "), got " +
                        number_text(*points));
    }
  }
  if (percent) {
    threshold.percent = *percent;
    if (*percent <= 0) {
      reader.report(node_or_table(reader, "percent", *table), join_path(reader.path(), "percent"),
                    "must be greater than 0, got " + number_text(*percent));
    }
  }
  return threshold;
}

void read_scale(TableReader& root, Questionnaire& questionnaire) {
  const toml::table* table = root.table("scale");
  if (table == nullptr) return;
  TableReader reader(root.checker(), root.file(), *table, "scale");
  AnswerScale& scale = questionnaire.scale;
  const auto min = reader.integer("min", 0, 100);
  const auto max = reader.integer("max", 0, 100);
  if (min) scale.min = static_cast<int>(*min);
  if (max) scale.max = static_cast<int>(*max);
  const bool ends_known = min && max && *min < *max;
  if (min && max && *max <= *min) {
    reader.report(
        *table->get("max"), "scale.max",
        "(" + std::to_string(*max) + ") must be greater than min (" + std::to_string(*min) + ")");
  }
  const auto anchors = reader.tables("anchors", 2);
  bool anchors_on_scale = true;
  for (std::size_t i = 0; i < anchors.size(); ++i) {
    TableReader anchor_reader(root.checker(), root.file(), *anchors[i],
                              index_path("scale.anchors", i));
    ScaleAnchor anchor;
    const auto value = anchor_reader.integer("value", 0, 100);
    anchor.label = anchor_reader.string("label").value_or("");
    anchor_reader.finish();
    if (!value) continue;
    anchor.value = static_cast<int>(*value);
    const std::string path = join_path(anchor_reader.path(), "value");
    const toml::node& node = node_or_table(anchor_reader, "value", *anchors[i]);
    if (ends_known && (anchor.value < scale.min || anchor.value > scale.max)) {
      anchors_on_scale = false;
      anchor_reader.report(node, path,
                           "must lie on the scale " + std::to_string(scale.min) + ".." +
                               std::to_string(scale.max) + ", got " + std::to_string(anchor.value));
    } else if (!scale.anchors.empty() && anchor.value <= scale.anchors.back().value) {
      anchor_reader.report(node, path,
                           "anchors must ascend; " + std::to_string(anchor.value) + " follows " +
                               std::to_string(scale.anchors.back().value));
    }
    scale.anchors.push_back(std::move(anchor));
  }
  if (ends_known && anchors_on_scale && anchors.size() >= 2 &&
      (scale.anchors.empty() || scale.anchors.front().value != scale.min ||
       scale.anchors.back().value != scale.max)) {
    reader.report(*table->get("anchors"), "scale.anchors",
                  "must label both ends of the scale (" + std::to_string(scale.min) + " and " +
                      std::to_string(scale.max) + ")");
  }
  scale.cite = read_cite(reader);
  reader.finish();
}

void read_items(TableReader& root, Questionnaire& questionnaire) {
  const toml::node* items_node = root.node("items", false, "");
  const toml::node* patient_node = root.node("patient_items", false, "");
  if (items_node == nullptr && patient_node == nullptr) {
    root.report(*root.node("kind", false, ""), "items",
                "missing; expected [[items]] or, for items the patient names, [patient_items]");
    return;
  }
  if (items_node != nullptr && patient_node != nullptr) {
    root.report(*patient_node, "patient_items",
                "not allowed together with [[items]]; a questionnaire has one or the other");
  }
  if (items_node != nullptr) {
    const auto items = root.tables("items", 1);
    for (std::size_t i = 0; i < items.size(); ++i) {
      TableReader reader(root.checker(), root.file(), *items[i], index_path("items", i));
      QuestionnaireItem item;
      item.id = read_defined_id(reader, "item of questionnaire \"" + questionnaire.id + "\"");
      item.text = reader.string("text").value_or("");
      reader.finish();
      questionnaire.items.push_back(std::move(item));
    }
    return;
  }
  const toml::table* table = root.table("patient_items");
  if (table == nullptr) return;
  TableReader reader(root.checker(), root.file(), *table, "patient_items");
  PatientItems patient;
  const auto min = reader.integer("min", 1, 20);
  const auto max = reader.integer("max", 1, 20);
  patient.prompt = reader.string("prompt").value_or("");
  reader.finish();
  if (min) patient.min_count = static_cast<int>(*min);
  if (max) patient.max_count = static_cast<int>(*max);
  if (min && max && *max < *min) {
    reader.report(*table->get("max"), "patient_items.max",
                  "(" + std::to_string(*max) + ") is less than min (" + std::to_string(*min) + ")");
  }
  questionnaire.patient_items = std::move(patient);
}

// Reads [scoring] and checks its range against the method and the scale.
void read_scoring(TableReader& root, Questionnaire& questionnaire) {
  const toml::table* table = root.table("scoring");
  if (table == nullptr) return;
  TableReader reader(root.checker(), root.file(), *table, "scoring");
  Scoring& scoring = questionnaire.scoring;
  std::optional<ScoringMethod> method;
  if (auto name = reader.string("method")) {
    if (*name == "sum") {
      method = ScoringMethod::kSum;
    } else if (*name == "mean") {
      method = ScoringMethod::kMean;
    } else if (*name == "single") {
      method = ScoringMethod::kSingle;
    } else {
      reader.report(*table->get("method"), "scoring.method",
                    "must be \"sum\", \"mean\" or \"single\", got \"" + *name + "\"");
    }
  }
  const auto min = read_number(reader, "min", 0, 1000);
  const auto max = read_number(reader, "max", 0, 1000);
  if (auto higher_is = reader.string("higher_is")) {
    if (*higher_is == "better") {
      scoring.direction = Direction::kHigherIsBetter;
    } else if (*higher_is == "worse") {
      scoring.direction = Direction::kLowerIsBetter;
    } else {
      reader.report(*table->get("higher_is"), "scoring.higher_is",
                    "must be \"better\" or \"worse\", got \"" + *higher_is + "\"");
    }
  }
  scoring.cite = read_cite(reader);
  reader.finish();
  if (method) scoring.method = *method;
  if (min) scoring.min = *min;
  if (max) scoring.max = *max;
  if (min && max && *max <= *min) {
    reader.report(
        *table->get("max"), "scoring.max",
        "(" + number_text(*max) + ") must be greater than min (" + number_text(*min) + ")");
    return;
  }
  if (!method) return;

  const std::size_t items = questionnaire.items.size();
  const bool patient = questionnaire.patient_items.has_value();
  if (*method == ScoringMethod::kSingle && (patient || items != 1)) {
    reader.report(
        *table->get("method"), "scoring.method",
        "\"single\" needs exactly one item, got " +
            (patient ? std::string("items the patient names") : std::to_string(items) + " items"));
    return;
  }
  if (*method == ScoringMethod::kSum && patient) {
    reader.report(*table->get("method"), "scoring.method",
                  "\"sum\" needs fixed items; items the patient names are scored by \"mean\"");
    return;
  }
  const AnswerScale& scale = questionnaire.scale;
  if (scale.max <= scale.min || !min || !max) return;
  const double factor = *method == ScoringMethod::kSum ? static_cast<double>(items) : 1.0;
  const double expected_min = factor * scale.min;
  const double expected_max = factor * scale.max;
  const std::string how =
      *method == ScoringMethod::kSum
          ? "a sum of " + std::to_string(items) + " items on " + std::to_string(scale.min) + ".." +
                std::to_string(scale.max)
          : "items on " + std::to_string(scale.min) + ".." + std::to_string(scale.max);
  if (*min != expected_min) {
    reader.report(
        *table->get("min"), "scoring.min",
        "must be " + number_text(expected_min) + " for " + how + ", got " + number_text(*min));
  }
  if (*max != expected_max) {
    reader.report(
        *table->get("max"), "scoring.max",
        "must be " + number_text(expected_max) + " for " + how + ", got " + number_text(*max));
  }
}

void read_thresholds(TableReader& root, Questionnaire& questionnaire) {
  const toml::table* table = root.table("thresholds");
  if (table == nullptr) return;
  TableReader reader(root.checker(), root.file(), *table, "thresholds");
  const double span = questionnaire.scoring.max - questionnaire.scoring.min;
  ChangeThresholds& thresholds = questionnaire.thresholds;
  if (auto mcid = read_threshold(reader, "mcid", true, span)) thresholds.mcid = std::move(*mcid);
  thresholds.mdc = read_threshold(reader, "mdc", false, span);
  thresholds.much_better = read_threshold(reader, "much_better", false, span);
  reader.finish();
  if (thresholds.mdc && thresholds.mdc->percent) {
    reader.report(*table->get("mdc"), "thresholds.mdc.percent",
                  "not used: the MDC is judged in points only");
  }
  if (thresholds.much_better && thresholds.mcid.points > 0 &&
      thresholds.much_better->points < thresholds.mcid.points) {
    reader.report(*table->get("much_better"), "thresholds.much_better.points",
                  "(" + number_text(thresholds.much_better->points) +
                      ") is less than mcid.points (" + number_text(thresholds.mcid.points) + ")");
  }
}

}  // namespace

void read_questionnaire(TableReader& root, Protocol& protocol) {
  Questionnaire questionnaire;
  questionnaire.id = read_defined_id(root, "questionnaire");
  questionnaire.name = root.string("name").value_or("");
  questionnaire.instructions = root.string("instructions").value_or("");
  if (const auto allows = root.boolean("licence_allows_use")) {
    questionnaire.licence_allows_use = *allows;
    if (!*allows) {
      root.report(*root.node("licence_allows_use", false, ""), "licence_allows_use",
                  "an instrument whose licence does not allow use must not be shipped; remove "
                  "the file");
    }
  }
  questionnaire.licence = read_statement(root, "licence");
  questionnaire.wording_cite = root.id_list("wording_cite");
  refer_citations(root, questionnaire.wording_cite, root.node("wording_cite", false, ""),
                  "wording_cite");
  read_scale(root, questionnaire);
  read_items(root, questionnaire);
  read_scoring(root, questionnaire);
  read_thresholds(root, questionnaire);
  protocol.questionnaires.push_back(std::move(questionnaire));
}

}  // namespace hipcoach::core::detail
