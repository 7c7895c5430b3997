// The clinic's outcomes (issue 7, item 7): over the patients who share their
// record with the clinic now, how many reached a clinically meaningful change
// in pain and in function by week 8, and how many guided sessions they did.
// The JSON is the contract of GET /api/v1/clinic/outcomes (docs/api.md,
// "Clinic outcomes"); only counts, shares and medians leave it, never a
// patient's id, email or scores.
//
// Who is counted: the patients with a consent active at `now` that covers
// at least one of `diary` (pain), `questionnaires` (function) or `sessions`.
// Each measure uses only the part it needs, so a patient who shares the
// diary only counts for pain and not for function. A patient with no
// consent, or with one that was revoked, has expired or covers only
// `triage`, is not counted at all.
//
// What is judged, per measure and patient:
// - pain: the diary's 0-10 ratings, judged with the thresholds of the
//   "nprs" questionnaire, as the progress report judges pain;
// - function: each other questionnaire of the protocol (LEFS, PSFS) on its
//   own, since their scores are not comparable;
// - baseline: the patient's first score of the measure; day N is N x 24 h
//   after it;
// - the week-8 value: the last score on days kWeekEightFirstDay ..
//   kWeekEightLastDay (49..63, i.e. at least 49 and less than 64 days after
//   the baseline);
// - "too early": the week-8 window has not ended yet (now is less than 64
//   days after the baseline), so the week-8 value is not settled;
// - "no week-8 value": the window has ended with no score in it;
// - meaningful improvement: core::judge_change (core/stats.h) from the
//   baseline to the week-8 value says kMeaningfullyBetter, with the
//   thresholds of data/questionnaires/*.toml and their sources: the change
//   exceeds the MDC where one is known and reaches the MCID in points, or in
//   percent of the baseline where the source gives a percent. This is the
//   judgement of the progress report, with the same numbers.
// Sessions: day 0 of a patient is their first record among the parts they
// share (a pain rating, a questionnaire response or a guided session); the
// guided sessions started on days 0..55 (the first 8 weeks) are counted once
// day 56 has come, else the patient is "too early" for sessions.
//
// Functions are pure but for reading the Store; the time comes in. Thread-
// safe as far as the Store is.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/result.h"
#include "hipcoach/core/stats.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::service {

// The week-8 window, in whole days after a measure's baseline (inclusive).
inline constexpr std::chrono::days kWeekEightFirstDay{49};
inline constexpr std::chrono::days kWeekEightLastDay{63};
// The first 8 weeks, over which guided sessions are counted.
inline constexpr std::chrono::days kSessionDays{56};

// One questionnaire response's score.
struct OutcomeScore {
  std::string questionnaire_id;  // e.g. "lefs".
  core::DatedScore score;
};

// What one counted patient shares that the outcomes need. Health data:
// never logged, and only aggregates of it leave the service.
struct PatientOutcomeRecords {
  std::int64_t patient_id = 0;          // For the caller's audit rows; never in the report.
  std::uint8_t parts = 0;               // storage::RecordPart mask of their active consents.
  std::vector<core::DatedScore> pain;   // The diary, oldest first; empty unless shared.
  std::vector<OutcomeScore> responses;  // Oldest first; empty unless shared.
  std::vector<std::chrono::sys_seconds> sessions;  // Start times; empty unless shared.
};

// Everything the report is built from.
struct OutcomeRecords {
  std::vector<PatientOutcomeRecords> patients;  // By patient id ascending.
  // Patients whose active consents cover none of diary, questionnaires and
  // sessions (triage only): shared nothing the outcomes use, not read.
  int sharing_other_parts_only = 0;
};

// Reads, for each patient with a consent active at `now` that covers diary,
// questionnaires or sessions, exactly the covered parts of those three.
// Store errors are passed on. The caller writes one audit row per patient
// read before anything built from them is shown (the route does).
core::Result<OutcomeRecords> read_outcome_records(storage::Store& store,
                                                  std::chrono::sys_seconds now);

// The report at `now` (see the top of this file and docs/api.md), built
// from `records` only; it holds counts, shares and medians, no identities.
// kInternal (where "data/questionnaires") when the protocol has no "nprs"
// questionnaire, whose thresholds judge pain.
core::Result<nlohmann::json> clinic_outcomes_report(const core::Protocol& protocol,
                                                    const OutcomeRecords& records,
                                                    std::chrono::sys_seconds now);

}  // namespace hipcoach::service
