#include "hipcoach/service/summary.h"

#include <set>
#include <string_view>
#include <utility>

#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/progress.h"

namespace hipcoach::service {
namespace {

using nlohmann::json;
using std::chrono::sys_seconds;

// Pain and the questionnaires over the last this many weeks, as on the
// progress page.
constexpr int kRecentWeeks = 4;

std::string string_at(const json& object, std::string_view key) {
  if (!object.is_object()) return {};
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// The label the triage question gives the red flag `id`, else the id.
std::string red_flag_label(const core::Protocol& protocol, std::string_view id) {
  for (const core::TriageQuestion& question : protocol.triage.questions) {
    if (question.id != "red_flags") continue;
    for (const core::QuestionOption& option : question.options) {
      if (option.value == id) return option.label;
    }
  }
  return std::string(id);
}

std::string stop_rule_label(const core::Protocol& protocol, std::string_view id) {
  for (const core::StopRule& rule : protocol.session.stop_rules) {
    if (rule.id == id) return rule.label;
  }
  return std::string(id);
}

std::string source_text(const core::Source& source) {
  std::string text = source.authors.empty() ? source.title : source.authors;
  if (source.year != 0) text += " (" + std::to_string(source.year) + ")";
  if (!source.authors.empty()) text += ". " + source.title;
  return text;
}

// The latest triage, or nullopt when there is none or its JSON no longer reads.
std::optional<SummaryTriage> latest_triage(const core::Protocol& protocol,
                                           const std::vector<storage::SavedTriage>& saved) {
  if (saved.empty()) return std::nullopt;
  const storage::SavedTriage& latest = saved.front();  // Newest first.
  const json result = json::parse(latest.result_json, nullptr, false);
  const json answers = json::parse(latest.answers_json, nullptr, false);
  if (result.is_discarded() || !result.is_object()) return std::nullopt;
  SummaryTriage triage;
  triage.at = core::format_timestamp(latest.created_at);
  triage.disposition = string_at(result, "disposition");
  if (const auto reasons = result.find("reasons"); reasons != result.end() && reasons->is_array()) {
    for (const json& reason : *reasons) {
      std::string text = string_at(reason, "text");
      if (!text.empty()) triage.reasons.push_back(std::move(text));
    }
  }
  if (answers.is_object()) {
    if (const auto flags = answers.find("red_flags"); flags != answers.end() && flags->is_array()) {
      for (const json& flag : *flags) {
        if (flag.is_string()) {
          triage.red_flags.push_back(red_flag_label(protocol, flag.get<std::string>()));
        }
      }
    }
  }
  return triage;
}

SummaryMeasure measure_from(const core::Protocol& protocol, const json& measure) {
  SummaryMeasure out;
  out.id = string_at(measure, "id");
  out.name = string_at(measure, "name");
  out.direction = string_at(measure, "direction");
  out.min = measure.value("min", 0.0);
  out.max = measure.value("max", 0.0);
  const json& from_first = measure["from_baseline"];
  out.verdict = string_at(from_first, "verdict");
  out.since_first = string_at(from_first, "summary");
  out.recent = string_at(measure["recent"], "summary");
  const json& series = measure["series"];
  if (series.is_array() && !series.empty()) {
    out.latest = series.back().value("score", 0.0);
    out.latest_at = string_at(series.back(), "at");
  }
  for (const json& week : measure["weekly"]) {
    out.weekly.push_back(
        {string_at(week, "starts"), week.value("mean", 0.0), week.value("count", 0)});
  }
  std::set<std::string> cited;
  for (const char* judgement : {"from_baseline", "recent"}) {
    for (const json& check : measure[judgement]["checks"]) {
      for (const json& id : check["cite"]) {
        if (id.is_string()) cited.insert(id.get<std::string>());
      }
    }
  }
  for (const std::string& id : cited) {
    if (const core::Source* source = protocol.find_source(id)) {
      out.sources.push_back(source_text(*source));
    }
  }
  return out;
}

void add_stops(const core::Protocol& protocol, const storage::GuidedSessionRecord& session,
               std::vector<SummaryStopEvent>& stops) {
  const json record = json::parse(session.record_json, nullptr, false);
  if (record.is_discarded() || !record.is_object()) return;
  const std::string at = core::format_timestamp(session.started_at);
  if (const auto flags = record.find("red_flags"); flags != record.end() && flags->is_array()) {
    for (const json& flag : *flags) {
      if (!flag.is_string()) continue;
      const std::string id = flag.get<std::string>();
      stops.push_back({at, "red_flag", id, red_flag_label(protocol, id)});
    }
  }
  if (const auto points = record.find("points"); points != record.end() && points->is_array()) {
    for (const json& point : *points) {
      const std::string id = string_at(point, "stop_rule");
      if (!id.empty()) stops.push_back({at, "hold", id, stop_rule_label(protocol, id)});
    }
  }
  const std::string id = string_at(record, "stop_rule");
  if (!id.empty()) stops.push_back({at, "session", id, stop_rule_label(protocol, id)});
}

json measure_json(const SummaryMeasure& measure) {
  json weekly = json::array();
  for (const SummaryWeek& week : measure.weekly) {
    weekly.push_back({{"starts", week.starts}, {"mean", week.mean}, {"count", week.count}});
  }
  return {{"id", measure.id},
          {"name", measure.name},
          {"direction", measure.direction},
          {"min", measure.min},
          {"max", measure.max},
          {"latest", measure.latest ? json(*measure.latest) : json(nullptr)},
          {"latest_at", measure.latest_at.empty() ? json(nullptr) : json(measure.latest_at)},
          {"verdict", measure.verdict},
          {"since_first", measure.since_first},
          {"recent", measure.recent},
          {"weekly", std::move(weekly)},
          {"sources", measure.sources}};
}

}  // namespace

core::Result<ClinicianSummary> build_summary(const core::Protocol& protocol, storage::Store& store,
                                             std::int64_t user_id, sys_seconds now,
                                             std::uint8_t parts) {
  auto user = store.find_user(user_id);
  if (!user) return user.error();
  ClinicianSummary summary;
  summary.email = user->email;
  summary.generated_at = core::format_timestamp(now);
  summary.parts = parts;
  summary.weeks = kRecentWeeks;

  if (storage::has_part(parts, storage::RecordPart::kTriage)) {
    auto saved = store.list_triage(user_id);
    if (!saved) return saved.error();
    summary.triage = latest_triage(protocol, *saved);
  }

  const bool diary = storage::has_part(parts, storage::RecordPart::kDiary);
  const bool questionnaires = storage::has_part(parts, storage::RecordPart::kQuestionnaires);
  if (diary || questionnaires) {
    auto report = progress_report(protocol, store, user_id, now, kRecentWeeks);
    if (!report) return report.error();
    for (const json& measure : (*report)["measures"]) {
      const bool is_pain = measure.value("id", "") == "pain";
      if (is_pain ? diary : questionnaires) {
        summary.measures.push_back(measure_from(protocol, measure));
      }
    }
  }

  if (storage::has_part(parts, storage::RecordPart::kSessions)) {
    auto sessions = store.list_guided_sessions(user_id);
    if (!sessions) return sessions.error();
    summary.sessions = static_cast<int>(sessions->size());
    if (!sessions->empty()) {
      summary.last_session_at = core::format_timestamp(sessions->back().started_at);
    }
    for (const storage::GuidedSessionRecord& session : *sessions) {
      add_stops(protocol, session, summary.stops);
    }
  }
  return summary;
}

json to_json(const ClinicianSummary& summary) {
  json parts = json::array();
  for (const storage::RecordPart part : storage::kRecordParts) {
    if (storage::has_part(summary.parts, part)) parts.push_back(storage::record_part_name(part));
  }
  json triage = nullptr;
  if (storage::has_part(summary.parts, storage::RecordPart::kTriage)) {
    triage = summary.triage ? json{{"at", summary.triage->at},
                                   {"disposition", summary.triage->disposition},
                                   {"reasons", summary.triage->reasons},
                                   {"red_flags", summary.triage->red_flags}}
                            : json(nullptr);
  }
  json measures = json::array();
  for (const SummaryMeasure& measure : summary.measures) measures.push_back(measure_json(measure));
  json sessions = nullptr;
  if (storage::has_part(summary.parts, storage::RecordPart::kSessions)) {
    json stops = json::array();
    for (const SummaryStopEvent& stop : summary.stops) {
      stops.push_back(
          {{"at", stop.at}, {"kind", stop.kind}, {"id", stop.id}, {"label", stop.label}});
    }
    sessions = {{"count", summary.sessions},
                {"last_at",
                 summary.last_session_at.empty() ? json(nullptr) : json(summary.last_session_at)},
                {"stops", std::move(stops)}};
  }
  return {{"email", summary.email},          {"generated_at", summary.generated_at},
          {"parts", std::move(parts)},       {"triage", std::move(triage)},
          {"measures", std::move(measures)}, {"weeks", summary.weeks},
          {"sessions", std::move(sessions)}};
}

}  // namespace hipcoach::service
