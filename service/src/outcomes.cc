#include "hipcoach/service/outcomes.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <utility>

#include "hipcoach/core/codec.h"
#include "hipcoach/core/questionnaire.h"
#include "hipcoach/core/timestamp.h"

namespace hipcoach::service {

namespace {

using nlohmann::json;
using std::chrono::sys_seconds;

constexpr std::string_view kPainQuestionnaire = "nprs";
// The week-8 window ends at the start of the day after its last day.
constexpr std::chrono::days kWeekEightEnds = kWeekEightLastDay + std::chrono::days{1};

constexpr std::uint8_t kOutcomeParts =
    static_cast<std::uint8_t>(storage::RecordPart::kDiary) |
    static_cast<std::uint8_t>(storage::RecordPart::kQuestionnaires) |
    static_cast<std::uint8_t>(storage::RecordPart::kSessions);

core::Result<std::vector<core::DatedScore>> read_pain(storage::Store& store,
                                                      std::int64_t patient_id) {
  std::vector<core::DatedScore> pain;
  std::optional<storage::DiaryCursor> cursor;
  for (;;) {
    auto page = store.list_diary(patient_id, storage::kMaxListLimit, cursor);
    if (!page) return page.error();
    for (const storage::DiaryEntry& entry : *page) {
      pain.push_back({entry.at_utc, static_cast<double>(entry.pain)});
    }
    if (page->size() < static_cast<std::size_t>(storage::kMaxListLimit)) break;
    cursor = storage::cursor_after(page->back());
  }
  std::reverse(pain.begin(), pain.end());  // The diary pages come newest first.
  return pain;
}

// Where one patient stands on one measure.
enum class Standing {
  kNotShared,
  kNoBaseline,
  kTooEarly,
  kNoWeekEightValue,
  kReached,     // A meaningful improvement by week 8.
  kNotReached,  // A week-8 value without one (worse, unchanged or too little change).
};

struct MeasureStanding {
  Standing standing = Standing::kNotShared;
  bool worse = false;  // kNotReached with a meaningful worsening.
};

// `series` oldest first (ties in the order recorded).
MeasureStanding judge_week_eight(std::span<const core::DatedScore> series,
                                 const core::Questionnaire& questionnaire, sys_seconds now) {
  if (series.empty()) return {Standing::kNoBaseline};
  const core::DatedScore& baseline = series.front();
  const sys_seconds window_starts = baseline.at + kWeekEightFirstDay;
  const sys_seconds window_ends = baseline.at + kWeekEightEnds;
  if (now < window_ends) return {Standing::kTooEarly};
  const core::DatedScore* week_eight = nullptr;
  for (const core::DatedScore& score : series) {
    if (score.at >= window_starts && score.at < window_ends) week_eight = &score;
  }
  if (week_eight == nullptr) return {Standing::kNoWeekEightValue};
  const core::DatedScore pair[] = {baseline, *week_eight};
  const core::ChangeJudgement judgement =
      core::judge_change(pair, questionnaire.scoring.direction, questionnaire.thresholds);
  if (judgement.verdict == core::Verdict::kMeaningfullyBetter) return {Standing::kReached};
  return {Standing::kNotReached, judgement.verdict == core::Verdict::kMeaningfullyWorse};
}

// Day 0 of the patient: their first record among the parts they share.
std::optional<sys_seconds> day_zero(const PatientOutcomeRecords& patient) {
  std::optional<sys_seconds> first;
  const auto consider = [&](sys_seconds at) {
    if (!first || at < *first) first = at;
  };
  for (const core::DatedScore& score : patient.pain) consider(score.at);
  for (const OutcomeScore& response : patient.responses) consider(response.score.at);
  for (const sys_seconds started : patient.sessions) consider(started);
  return first;
}

// Where one patient stands on sessions.
struct SessionStanding {
  bool shared = false;
  bool no_records = false;
  bool too_early = false;
  std::optional<int> count;  // Set once the first 8 weeks are over.
};

SessionStanding count_sessions(const PatientOutcomeRecords& patient, sys_seconds now) {
  SessionStanding standing;
  standing.shared = storage::has_part(patient.parts, storage::RecordPart::kSessions);
  if (!standing.shared) return standing;
  const std::optional<sys_seconds> start = day_zero(patient);
  if (!start) {
    standing.no_records = true;
    return standing;
  }
  const sys_seconds end = *start + kSessionDays;
  if (now < end) {
    standing.too_early = true;
    return standing;
  }
  standing.count = static_cast<int>(
      std::count_if(patient.sessions.begin(), patient.sessions.end(),
                    [&](sys_seconds started) { return started >= *start && started < end; }));
  return standing;
}

json median_json(std::vector<int> values) {
  if (values.empty()) return nullptr;
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  if (values.size() % 2 == 1) return values[middle];
  return (values[middle - 1] + values[middle]) / 2.0;
}

// `part` of `whole` in whole percent (62.5 -> 63), or null when whole is 0.
json percent_json(int part, int whole) {
  if (whole == 0) return nullptr;
  return std::lround(100.0 * part / whole);
}

json group_json(const std::vector<int>& sessions) {
  return {{"patients", sessions.size()}, {"median", median_json(sessions)}};
}

json threshold_json(std::string_view name, const core::Threshold& threshold,
                    std::set<std::string>& cited) {
  cited.insert(threshold.cite.begin(), threshold.cite.end());
  return {{"name", name},
          {"points", threshold.points},
          {"percent", threshold.percent ? json(*threshold.percent) : json(nullptr)},
          {"cite", threshold.cite}};
}

json thresholds_json(const core::ChangeThresholds& thresholds, std::set<std::string>& cited) {
  json items = json::array();
  if (thresholds.mdc) items.push_back(threshold_json("mdc", *thresholds.mdc, cited));
  items.push_back(threshold_json("mcid", thresholds.mcid, cited));
  if (thresholds.much_better) {
    items.push_back(threshold_json("much_better", *thresholds.much_better, cited));
  }
  return items;
}

// One measure over every counted patient.
struct Measure {
  std::string id;
  std::string name;
  std::string kind;  // "pain" or "function".
  storage::RecordPart part;
  const core::Questionnaire* questionnaire;  // Direction and thresholds.
};

std::vector<core::DatedScore> series_of(const Measure& measure,
                                        const PatientOutcomeRecords& patient) {
  if (measure.kind == "pain") return patient.pain;
  std::vector<core::DatedScore> series;
  for (const OutcomeScore& response : patient.responses) {
    if (response.questionnaire_id == measure.id) series.push_back(response.score);
  }
  std::stable_sort(series.begin(), series.end(),
                   [](const auto& a, const auto& b) { return a.at < b.at; });
  return series;
}

struct PatientSummary {
  bool has_week_eight_value = false;
  bool reached = false;
};

json measure_json(const Measure& measure, const OutcomeRecords& records, sys_seconds now,
                  std::vector<PatientSummary>& summaries, std::set<std::string>& cited) {
  int sharing = 0, no_baseline = 0, too_early = 0, no_value = 0, reached = 0, not_reached = 0,
      worse = 0;
  std::vector<int> sessions_reached;
  std::vector<int> sessions_not_reached;
  for (std::size_t i = 0; i < records.patients.size(); ++i) {
    const PatientOutcomeRecords& patient = records.patients[i];
    if (!storage::has_part(patient.parts, measure.part)) continue;
    ++sharing;
    const MeasureStanding standing =
        judge_week_eight(series_of(measure, patient), *measure.questionnaire, now);
    const std::optional<int> sessions = count_sessions(patient, now).count;
    switch (standing.standing) {
      case Standing::kNotShared:
        break;
      case Standing::kNoBaseline:
        ++no_baseline;
        break;
      case Standing::kTooEarly:
        ++too_early;
        break;
      case Standing::kNoWeekEightValue:
        ++no_value;
        break;
      case Standing::kReached:
        ++reached;
        if (sessions) sessions_reached.push_back(*sessions);
        summaries[i] = {true, true};
        break;
      case Standing::kNotReached:
        ++not_reached;
        if (standing.worse) ++worse;
        if (sessions) sessions_not_reached.push_back(*sessions);
        summaries[i].has_week_eight_value = true;
        break;
    }
  }
  const int with_value = reached + not_reached;
  const core::Questionnaire& questionnaire = *measure.questionnaire;
  return {{"id", measure.id},
          {"name", measure.name},
          {"kind", measure.kind},
          {"part", storage::record_part_name(measure.part)},
          {"direction", core::direction_name(questionnaire.scoring.direction)},
          {"patients", sharing},
          {"no_baseline", no_baseline},
          {"too_early", too_early},
          {"no_week_8_value", no_value},
          {"with_week_8_value", with_value},
          {"reached", reached},
          {"reached_percent", percent_json(reached, with_value)},
          {"not_reached", not_reached},
          {"worse", worse},
          {"thresholds_of", questionnaire.name},
          {"thresholds", thresholds_json(questionnaire.thresholds, cited)},
          {"sessions",
           {{"reached", group_json(sessions_reached)},
            {"not_reached", group_json(sessions_not_reached)}}}};
}

json sessions_json(const OutcomeRecords& records, sys_seconds now) {
  int sharing = 0, no_records = 0, too_early = 0;
  std::vector<int> counts;
  for (const PatientOutcomeRecords& patient : records.patients) {
    const SessionStanding standing = count_sessions(patient, now);
    if (!standing.shared) continue;
    ++sharing;
    if (standing.no_records) ++no_records;
    if (standing.too_early) ++too_early;
    if (standing.count) counts.push_back(*standing.count);
  }
  return {{"patients", sharing},
          {"no_records", no_records},
          {"too_early", too_early},
          {"counted", counts.size()},
          {"median", median_json(counts)}};
}

json definitions_json() {
  return {
      {"counted",
       "Patients whose consent, active now, covers the pain diary, the questionnaires or the "
       "guided sessions. Each measure counts only the patients who share the part it needs. "
       "Patients with no consent, or whose consent was revoked, has expired or covers only saved "
       "checks, are not counted at all."},
      {"baseline", "A patient's first score of the measure."},
      {"week_8",
       "The last score 49 to 63 days (of 24 hours) after the baseline. Until 64 days have passed "
       "the patient is counted as too early; after that, without a score in those days, as having "
       "no week-8 value."},
      {"meaningful",
       "From the baseline to the week-8 value, an improvement greater than the minimal detectable "
       "change (MDC, where the measure has one) and at least the minimal clinically important "
       "difference (MCID), in points or, where the source gives one, in percent of the baseline: "
       "the same judgement and thresholds as the progress report. Pain is judged with the NPRS "
       "thresholds."},
      {"sessions",
       "Guided sessions started in a patient's first 8 weeks: 56 days from their first shared "
       "record (a pain rating, a questionnaire or a guided session). Counted once the 56 days "
       "have passed, for patients who share their guided sessions."}};
}

}  // namespace

core::Result<OutcomeRecords> read_outcome_records(storage::Store& store, sys_seconds now) {
  auto sharing = store.list_sharing_patients(now);
  if (!sharing) return sharing.error();
  OutcomeRecords records;
  for (const storage::SharingPatient& shared : *sharing) {
    const std::uint8_t parts = shared.parts & kOutcomeParts;
    if (parts == 0) {
      ++records.sharing_other_parts_only;
      continue;
    }
    PatientOutcomeRecords patient;
    patient.patient_id = shared.user_id;
    patient.parts = parts;
    if (storage::has_part(parts, storage::RecordPart::kDiary)) {
      auto pain = read_pain(store, shared.user_id);
      if (!pain) return pain.error();
      patient.pain = std::move(*pain);
    }
    if (storage::has_part(parts, storage::RecordPart::kQuestionnaires)) {
      auto responses = store.list_questionnaire_responses(shared.user_id);
      if (!responses) return responses.error();
      for (const storage::QuestionnaireResponse& response : *responses) {
        patient.responses.push_back({response.questionnaire_id, {response.at_utc, response.score}});
      }
    }
    if (storage::has_part(parts, storage::RecordPart::kSessions)) {
      auto sessions = store.list_guided_sessions(shared.user_id);
      if (!sessions) return sessions.error();
      for (const storage::GuidedSessionRecord& session : *sessions) {
        patient.sessions.push_back(session.started_at);
      }
    }
    records.patients.push_back(std::move(patient));
  }
  return records;
}

core::Result<json> clinic_outcomes_report(const core::Protocol& protocol,
                                          const OutcomeRecords& records, sys_seconds now) {
  const core::Questionnaire* pain_scale = core::find_questionnaire(protocol, kPainQuestionnaire);
  if (pain_scale == nullptr) {
    return core::Error::internal(
        "data/questionnaires",
        "the protocol data has no \"nprs\" questionnaire, whose thresholds judge pain");
  }
  std::vector<Measure> measures = {
      {"pain", "Pain (0 to 10, pain diary)", "pain", storage::RecordPart::kDiary, pain_scale}};
  for (const core::Questionnaire& questionnaire : protocol.questionnaires) {
    if (questionnaire.id == kPainQuestionnaire) continue;
    measures.push_back({questionnaire.id, questionnaire.name, "function",
                        storage::RecordPart::kQuestionnaires, &questionnaire});
  }

  std::set<std::string> cited;
  std::vector<PatientSummary> summaries(records.patients.size());
  json measure_items = json::array();
  for (const Measure& measure : measures) {
    measure_items.push_back(measure_json(measure, records, now, summaries, cited));
  }
  const int with_value = static_cast<int>(
      std::count_if(summaries.begin(), summaries.end(),
                    [](const PatientSummary& summary) { return summary.has_week_eight_value; }));
  const int reached = static_cast<int>(
      std::count_if(summaries.begin(), summaries.end(),
                    [](const PatientSummary& summary) { return summary.reached; }));

  return json{
      {"generated_at", core::format_timestamp(now)},
      {"patients",
       {{"counted", records.patients.size()},
        {"sharing_other_parts_only", records.sharing_other_parts_only},
        {"not_counted",
         "Patients who do not share their pain diary, questionnaires or guided sessions with the "
         "clinic now (no consent, or one revoked, expired or covering only saved checks) are not "
         "counted."}}},
      {"week_8_days", {{"from", kWeekEightFirstDay.count()}, {"to", kWeekEightLastDay.count()}}},
      {"session_days", kSessionDays.count()},
      {"definitions", definitions_json()},
      {"measures", std::move(measure_items)},
      {"pain_or_function",
       {{"with_week_8_value", with_value},
        {"reached", reached},
        {"reached_percent", percent_json(reached, with_value)}}},
      {"sessions", sessions_json(records, now)},
      {"sources", core::sources_to_json(protocol, cited)}};
}

}  // namespace hipcoach::service
