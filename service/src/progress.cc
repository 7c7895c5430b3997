#include "hipcoach/service/progress.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/codec.h"
#include "hipcoach/core/questionnaire.h"
#include "hipcoach/core/stats.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/records.h"

namespace hipcoach::service {

namespace {

using nlohmann::json;
using std::chrono::minutes;
using std::chrono::sys_seconds;

constexpr int kMinWeeks = 1;
constexpr int kMaxWeeks = 52;
constexpr std::string_view kPainQuestionnaire = "nprs";

// Everything a report needs to know about one person.
struct Records {
  std::vector<storage::DiaryEntry> diary;  // Oldest first.
  std::vector<storage::QuestionnaireResponse> responses;
  std::vector<storage::GuidedSessionRecord> sessions;
};

core::Result<std::vector<storage::DiaryEntry>> read_diary(storage::Store& store,
                                                          std::int64_t user_id) {
  std::vector<storage::DiaryEntry> diary;
  std::optional<storage::DiaryCursor> cursor;
  for (;;) {
    auto page = store.list_diary(user_id, storage::kMaxListLimit, cursor);
    if (!page) return page.error();
    const bool last_page = page->size() < static_cast<std::size_t>(storage::kMaxListLimit);
    if (!page->empty()) cursor = storage::cursor_after(page->back());
    diary.insert(diary.end(), std::make_move_iterator(page->begin()),
                 std::make_move_iterator(page->end()));
    if (last_page || page->empty()) break;
  }
  std::reverse(diary.begin(), diary.end());
  return diary;
}

core::Result<Records> read_records(storage::Store& store, std::int64_t user_id) {
  Records records;
  auto diary = read_diary(store, user_id);
  if (!diary) return diary.error();
  records.diary = std::move(*diary);
  auto responses = store.list_questionnaire_responses(user_id);
  if (!responses) return responses.error();
  records.responses = std::move(*responses);
  auto sessions = store.list_guided_sessions(user_id);
  if (!sessions) return sessions.error();
  records.sessions = std::move(*sessions);
  return records;
}

// The person's offset from UTC: that of their latest diary entry, else of
// their latest questionnaire response, else UTC.
minutes person_offset(const Records& records) {
  if (!records.diary.empty()) return offset_of(records.diary.back().at);
  const auto latest =
      std::max_element(records.responses.begin(), records.responses.end(),
                       [](const auto& a, const auto& b) { return a.at_utc < b.at_utc; });
  if (latest != records.responses.end()) return offset_of(latest->at);
  return minutes{0};
}

// A number for a sentence: whole numbers without decimals, others to one
// decimal ("5.3"), never "-0".
std::string number_text(double value) {
  double rounded = std::round(value * 10.0) / 10.0;
  if (rounded == 0) rounded = 0;  // Drops the sign of -0.
  if (rounded == std::floor(rounded)) return std::to_string(static_cast<long long>(rounded));
  std::string text = std::to_string(rounded);
  return text.substr(0, text.find('.') + 2);
}

std::string points_text(double value) {
  return number_text(value) + (number_text(value) == "1" ? " point" : " points");
}

std::string percent_text(double value) {
  return std::to_string(static_cast<long long>(std::lround(value))) + " %";
}

// "Salaffi et al. 2004": the first author's surname (or the publication) and
// the year, short enough for a sentence.
std::string short_title(const core::Source& source) {
  std::string name;
  if (!source.authors.empty()) {
    const std::string& authors = source.authors;
    const auto comma = authors.find(',');
    name = authors.substr(0, comma);
    if (comma != std::string::npos && name.find("et al") == std::string::npos) name += " et al.";
  } else if (!source.publication.empty()) {
    const auto digit = source.publication.find_first_of("0123456789");
    name = source.publication.substr(0, digit);
    while (!name.empty() && name.back() == ' ') name.pop_back();
  } else {
    name = source.title;
  }
  if (source.year != 0) name += " " + std::to_string(source.year);
  return name;
}

std::string cite_text(const core::Protocol& protocol, const std::vector<std::string>& cite) {
  std::string text;
  for (const std::string& id : cite) {
    const core::Source* source = protocol.find_source(id);
    if (source == nullptr) continue;
    if (!text.empty()) text += "; ";
    text += short_title(*source);
  }
  return text;
}

// "1 point or 15 %, Salaffi et al. 2004".
std::string threshold_text(const core::Protocol& protocol, const core::Threshold& threshold) {
  std::string text = points_text(threshold.points);
  if (threshold.percent) text += " or " + percent_text(*threshold.percent);
  const std::string cited = cite_text(protocol, threshold.cite);
  if (!cited.empty()) text += ", " + cited;
  return text;
}

// What is judged and how the sentences name it.
struct Subject {
  std::string name;     // Within a sentence: "pain", "the LEFS score".
  std::string entries;  // "entries", "responses".
};

std::string capitalized(std::string text) {
  if (!text.empty() && text.front() >= 'a' && text.front() <= 'z') {
    text.front() = static_cast<char>(text.front() - 'a' + 'A');
  }
  return text;
}

// The one sentence that says what the judgement means, naming every
// threshold it rests on with its sources. The verdict comes from the core;
// this only puts it into words.
std::string summary(const core::Protocol& protocol, const core::ChangeThresholds& thresholds,
                    const core::ChangeJudgement& judgement, const Subject& subject,
                    std::optional<int> recent_weeks) {
  const std::string window = recent_weeks ? "in the last " + std::to_string(*recent_weeks) +
                                                (*recent_weeks == 1 ? " week" : " weeks")
                                          : "";
  if (judgement.verdict == core::Verdict::kInsufficientData) {
    return "Not enough " + subject.entries + (recent_weeks ? " " + window : " yet") +
           " to judge change (2 needed).";
  }
  std::string text =
      recent_weeks ? capitalized(window) + ", " + subject.name : capitalized(subject.name);
  text += " went from " + number_text(judgement.baseline->score) + " to " +
          number_text(judgement.latest->score);

  const double magnitude = std::fabs(judgement.improvement);
  if (number_text(magnitude) == "0" && judgement.verdict == core::Verdict::kNoMeaningfulChange) {
    return text + ": no change.";
  }
  text += ", " + points_text(magnitude);
  if (judgement.improvement_percent) {
    text += " (" + percent_text(std::fabs(*judgement.improvement_percent)) + ")";
  }
  text += judgement.improvement > 0 ? " better" : " worse";

  const core::Threshold& mcid = thresholds.mcid;
  const std::string mcid_text =
      "the minimal clinically important difference (" + threshold_text(protocol, mcid) + ")";
  switch (judgement.verdict) {
    case core::Verdict::kMeaningfullyBetter:
    case core::Verdict::kMeaningfullyWorse: {
      text += ": ";
      if (thresholds.mdc) {
        text += "more than the measurement error (MDC " +
                threshold_text(protocol, *thresholds.mdc) + ") and ";
      }
      text += "at least " + mcid_text;
      if (judgement.verdict == core::Verdict::kMeaningfullyBetter &&
          judgement.reaches_much_better && thresholds.much_better) {
        text += ", even a large (\"much better\") change (" +
                threshold_text(protocol, *thresholds.much_better) + ")";
      }
      text += judgement.verdict == core::Verdict::kMeaningfullyBetter
                  ? ", so a meaningful improvement."
                  : ", so a meaningful worsening.";
      return text;
    }
    case core::Verdict::kNoMeaningfulChange:
      if (!judgement.beyond_mdc && thresholds.mdc) {
        text += ", within the measurement error (MDC " + threshold_text(protocol, *thresholds.mdc) +
                ")";
        if (!judgement.reaches_mcid_points && !judgement.reaches_mcid_percent) {
          text += " and less than " + mcid_text;
        }
      } else {
        text += ", less than " + mcid_text;
      }
      return text + ", so no meaningful change.";
    case core::Verdict::kInsufficientData:
      break;
  }
  return text + ".";
}

json dated_json(const std::optional<core::DatedScore>& score, minutes offset) {
  if (!score) return nullptr;
  return {{"at", core::format_timestamp(score->at, offset)}, {"score", score->score}};
}

json judgement_json(const core::Protocol& protocol, const core::ChangeThresholds& thresholds,
                    const core::ChangeJudgement& judgement, const Subject& subject,
                    std::optional<int> recent_weeks, minutes offset, std::set<std::string>& cited) {
  json checks = json::array();
  for (const core::ThresholdCheck& check : judgement.checks) {
    checks.push_back({{"name", check.name},
                      {"unit", check.unit},
                      {"value", check.value},
                      {"met", check.met},
                      {"cite", check.cite}});
    cited.insert(check.cite.begin(), check.cite.end());
  }
  return {{"verdict", core::verdict_name(judgement.verdict)},
          {"reason", judgement.reason},
          {"baseline", dated_json(judgement.baseline, offset)},
          {"latest", dated_json(judgement.latest, offset)},
          {"scores", judgement.scores},
          {"change", judgement.change},
          {"improvement", judgement.improvement},
          {"improvement_percent",
           judgement.improvement_percent ? json(*judgement.improvement_percent) : json(nullptr)},
          {"checks", std::move(checks)},
          {"summary", summary(protocol, thresholds, judgement, subject, recent_weeks)}};
}

// One measure: its series judged from the baseline and over the recent
// weeks, and its weekly averages.
struct MeasureInput {
  std::string id;
  std::string name;
  Subject subject;
  const core::Questionnaire* questionnaire;  // Direction, range and thresholds.
  std::vector<core::DatedScore> series;      // Oldest first.
};

core::Result<json> measure_json(const core::Protocol& protocol, const MeasureInput& measure,
                                sys_seconds now, int weeks, minutes offset,
                                std::set<std::string>& cited) {
  const core::Questionnaire& questionnaire = *measure.questionnaire;
  const core::Direction direction = questionnaire.scoring.direction;
  const core::ChangeThresholds& thresholds = questionnaire.thresholds;

  json series = json::array();
  for (const core::DatedScore& score : measure.series) {
    series.push_back({{"at", core::format_timestamp(score.at, offset)}, {"score", score.score}});
  }
  const core::ChangeJudgement from_baseline =
      core::judge_change(measure.series, direction, thresholds);
  auto recent = core::judge_recent_change(measure.series, direction, thresholds, now,
                                          std::chrono::weeks{weeks});
  if (!recent) return recent.error();
  json weekly = json::array();
  for (const core::WeeklyAverage& week : core::weekly_averages(measure.series, offset)) {
    weekly.push_back({{"iso_year", week.iso_year},
                      {"iso_week", week.iso_week},
                      {"starts", core::format_timestamp(week.starts, offset)},
                      {"mean", week.mean},
                      {"count", week.count}});
  }
  return json{{"id", measure.id},
              {"name", measure.name},
              {"direction", core::direction_name(direction)},
              {"min", questionnaire.scoring.min},
              {"max", questionnaire.scoring.max},
              {"series", std::move(series)},
              {"from_baseline", judgement_json(protocol, thresholds, from_baseline, measure.subject,
                                               std::nullopt, offset, cited)},
              {"recent", judgement_json(protocol, thresholds, *recent, measure.subject, weeks,
                                        offset, cited)},
              {"weekly", std::move(weekly)}};
}

// "LEFS" from "Lower Extremity Functional Scale (LEFS)", else the name.
std::string abbreviation(const std::string& name) {
  const auto open = name.rfind('(');
  const auto close = name.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open + 2) return name;
  return name.substr(open + 1, close - open - 1);
}

std::optional<double> as_double(const std::optional<int>& value) {
  if (!value) return std::nullopt;
  return static_cast<double>(*value);
}

json optional_json(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

json sessions_json(const Records& records, std::span<const core::DatedScore> diary,
                   minutes offset) {
  std::vector<core::SessionPain> pains;
  pains.reserve(records.sessions.size());
  for (const storage::GuidedSessionRecord& session : records.sessions) {
    pains.push_back({session.started_at, session.ended_at, as_double(session.pain_before),
                     as_double(session.pain_after)});
  }
  const core::SessionEffects effects = core::session_effects(pains, diary, offset);
  json items = json::array();
  for (const core::SessionEffect& effect : effects.sessions) {
    items.push_back({{"started_at", core::format_timestamp(effect.started_at, offset)},
                     {"before", optional_json(effect.before)},
                     {"after", optional_json(effect.after)},
                     {"next_morning", optional_json(effect.next_morning)}});
  }
  return {{"items", std::move(items)},
          {"mean_after_minus_before", optional_json(effects.mean_after_minus_before)},
          {"after_pairs", effects.after_pairs},
          {"mean_next_morning_minus_before", optional_json(effects.mean_next_morning_minus_before)},
          {"next_morning_pairs", effects.next_morning_pairs}};
}

}  // namespace

core::Result<json> progress_report(const core::Protocol& protocol, storage::Store& store,
                                   std::int64_t user_id, sys_seconds now, int weeks) {
  if (weeks < kMinWeeks || weeks > kMaxWeeks) {
    return core::Error::invalid_input("weeks",
                                      "must be an integer 1..52, got " + std::to_string(weeks));
  }
  const core::Questionnaire* pain_scale = core::find_questionnaire(protocol, kPainQuestionnaire);
  if (pain_scale == nullptr) {
    return core::Error::internal(
        "data/questionnaires",
        "the protocol data has no \"nprs\" questionnaire, whose thresholds judge pain");
  }
  auto records = read_records(store, user_id);
  if (!records) return records.error();
  const minutes offset = person_offset(*records);

  std::vector<core::DatedScore> pain;
  pain.reserve(records->diary.size());
  for (const storage::DiaryEntry& entry : records->diary) {
    pain.push_back({entry.at_utc, static_cast<double>(entry.pain)});
  }

  std::vector<MeasureInput> inputs;
  inputs.push_back({"pain",
                    "Pain (" + number_text(pain_scale->scoring.min) + " to " +
                        number_text(pain_scale->scoring.max) + ")",
                    {"pain", "entries"},
                    pain_scale,
                    pain});
  for (const core::Questionnaire& questionnaire : protocol.questionnaires) {
    std::vector<core::DatedScore> scores;
    for (const storage::QuestionnaireResponse& response : records->responses) {
      if (response.questionnaire_id == questionnaire.id) {
        scores.push_back({response.at_utc, response.score});
      }
    }
    if (scores.empty()) continue;
    std::stable_sort(scores.begin(), scores.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    inputs.push_back({questionnaire.id,
                      questionnaire.name,
                      {"the " + abbreviation(questionnaire.name) + " score", "responses"},
                      &questionnaire,
                      std::move(scores)});
  }

  std::set<std::string> cited;
  json measures = json::array();
  for (const MeasureInput& input : inputs) {
    auto measure = measure_json(protocol, input, now, weeks, offset, cited);
    if (!measure) return measure.error();
    measures.push_back(std::move(*measure));
  }
  return json{{"generated_at", core::format_timestamp(now, offset)},
              {"weeks", weeks},
              {"measures", std::move(measures)},
              {"sessions", sessions_json(*records, pain, offset)},
              {"sources", core::sources_to_json(protocol, cited)}};
}

}  // namespace hipcoach::service
