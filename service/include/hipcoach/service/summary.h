// The one-page summary for a clinician: the latest triage with its reasons
// and red-flag answers, pain and questionnaire trends judged against their
// thresholds (from progress_report), and the guided sessions with their stop
// events. The JSON is the contract of GET /api/v1/me/summary (docs/api.md);
// summary_pdf.h writes the same summary as a one-page PDF.
//
// A summary holds only the parts of the record it was built with: a staff
// read builds it with the parts the patient's consent covers.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/result.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::service {

// The latest saved triage.
struct SummaryTriage {
  std::string at;           // When it was saved, RFC 3339 in UTC.
  std::string disposition;  // "urgent", "soon" or "self_care".
  // The text of every reason the triage gave, most urgent first.
  std::vector<std::string> reasons;
  // The labels of the red flags the person answered yes to; empty for none.
  std::vector<std::string> red_flags;
};

// One week's mean of a measure.
struct SummaryWeek {
  std::string starts;  // The week's Monday, RFC 3339.
  double mean = 0;
  int count = 0;
};

// Pain or one questionnaire, judged from the first entry to the latest.
struct SummaryMeasure {
  std::string id;         // "pain" or a questionnaire id.
  std::string name;       // "Pain (0 to 10)", "Lower Extremity Functional Scale (LEFS)".
  std::string direction;  // "higher_is_better" or "lower_is_better".
  double min = 0;
  double max = 0;
  std::optional<double> latest;  // The latest score; none without entries.
  std::string latest_at;         // Its time, RFC 3339; empty without entries.
  std::string verdict;           // core::verdict_name of the change since the first entry.
  // The sentences that put the verdicts into words, naming each threshold
  // (MDC, MCID) with its sources: since the first entry and over the last weeks.
  std::string since_first;
  std::string recent;
  std::vector<SummaryWeek> weekly;  // Oldest first.
  // The sources of its thresholds, as "Authors (year). Title".
  std::vector<std::string> sources;
};

// A guided session that stopped, or a hold that a stop rule ended.
struct SummaryStopEvent {
  std::string at;     // The session's start, RFC 3339 in UTC.
  std::string kind;   // "red_flag" (the re-check), "session" or "hold" (a stop rule).
  std::string id;     // The red flag's or the stop rule's id.
  std::string label;  // Its words from the data ("Numbness or tingling down the leg").
};

struct ClinicianSummary {
  std::string email;
  std::string generated_at;              // RFC 3339 in UTC.
  std::uint8_t parts = 0;                // The storage::RecordPart bits it was built with.
  std::optional<SummaryTriage> triage;   // With kTriage and a saved triage.
  std::vector<SummaryMeasure> measures;  // Pain with kDiary; questionnaires with kQuestionnaires.
  int weeks = 4;                         // The window of SummaryMeasure::recent.
  // With kSessions: how many guided sessions, the last one's start, the stops.
  int sessions = 0;
  std::string last_session_at;  // Empty without sessions.
  std::vector<SummaryStopEvent> stops;
};

// Reads the user's account and the `parts` of their record from `store` and
// builds the summary at `now`. kNotFound when the user does not exist; store
// errors are passed on. A stored triage or session record that no longer
// reads is left out rather than failing the summary.
core::Result<ClinicianSummary> build_summary(const core::Protocol& protocol, storage::Store& store,
                                             std::int64_t user_id, std::chrono::sys_seconds now,
                                             std::uint8_t parts = storage::kAllRecordParts);

// {"email", "generated_at", "parts": [...], "triage": {...} | null,
//  "measures": [...], "weeks", "sessions": {"count", "last_at", "stops": [...]}}
// with the members of the structs above in snake_case; "triage" and
// "sessions" are null when the summary was built without their part.
nlohmann::json to_json(const ClinicianSummary& summary);

}  // namespace hipcoach::service
