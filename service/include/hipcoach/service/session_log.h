// The guided session's records: the plan a saved triage leads to, and the
// log of a finished or stopped session (POST /api/v1/sessions-log and its
// older name POST /api/v1/guided-sessions, docs/api.md). The one piece of
// code that checks a session before it is stored, for the HTTP API and the CLI.
//
// Functions over the Store interface; the current time comes in as an
// argument. Thread-safe as far as the Store is. Error messages say what is
// wrong and where, and never copy health data.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/result.h"
#include "hipcoach/core/session.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::service {

// The longest session that may be logged.
inline constexpr std::chrono::hours kMaxSessionLength{24};

// The plan request (core::plan_request_from_triage) that the saved triage
// `triage_id` of `user_id` leads to: its answers are read again and
// evaluated against today's `protocol`.
// Errors:
//   kNotFound (where "triage") when the user has no saved triage with this
//     id: another user's answers exactly as a missing one.
//   kConflict (where "triage") when the result offers no self-treatment
//     (urgent, the article does not apply, no groups); the message says to
//     follow the triage advice instead.
//   kInternal (where "triage_results/ID") when the stored answers cannot be
//     read any more; the store's errors as they come.
core::Result<core::PlanRequest> plan_request_from_saved_triage(const core::Protocol& protocol,
                                                               storage::Store& store,
                                                               std::int64_t user_id,
                                                               std::int64_t triage_id);

// How strictly a body's "record" is checked.
enum class RecordCheck {
  // POST /api/v1/sessions-log: "record" is required and checked by
  // core::check_session_record.
  kAlways,
  // POST /api/v1/guided-sessions, the older name: "record" is checked the
  // same way when it has "points"; any other object is kept as sent.
  kWhenPoints,
};

// Reads and checks the log of a session for `user_id`:
// {"started_at": RFC 3339, "ended_at": RFC 3339, "pain_before": 0..10 | null,
//  "pain_after": 0..10 | null, "triage_id"?: ID, "record": {...}}
// (service::guided_session_from_json reads the times and pain). Beyond it:
// the session lasts at most kMaxSessionLength, the record passes
// core::check_session_record (known groups, areas, sides and stop rules,
// each hold 0..its group's max), its holds add up to no more than the
// session, and "triage_id" names one of the caller's saved triage results.
// The record to store (id 0) holds the normalised record, plus "triage_id"
// when given.
// Errors: kInvalidInput with a JSON Pointer ("/ended_at",
// "/record/points/2/held_seconds"); kNotFound (where "/triage_id") for a
// triage id that is not one of the caller's; the store's errors as they come.
core::Result<storage::GuidedSessionRecord> session_log_from_json(
    const core::Protocol& protocol, storage::Store& store, const nlohmann::json& body,
    std::int64_t user_id, std::chrono::sys_seconds now, RecordCheck check);

// session_log_from_json, then one insert: either the whole session is stored
// or nothing is. Returns the stored record with its id.
core::Result<storage::GuidedSessionRecord> log_session(
    const core::Protocol& protocol, storage::Store& store, const nlohmann::json& body,
    std::int64_t user_id, std::chrono::sys_seconds now, RecordCheck check);

// The latest `limit` sessions of `user_id` (all when nullopt), oldest first.
// REQUIRES: limit, when given, is at least 1.
core::Result<std::vector<storage::GuidedSessionRecord>> list_session_log(storage::Store& store,
                                                                         std::int64_t user_id,
                                                                         std::optional<int> limit);

// The session `session_id` of `user_id`. kNotFound (where "id") when there is
// none or it is another user's; the two are not told apart.
core::Result<storage::GuidedSessionRecord> find_session_log(storage::Store& store,
                                                            std::int64_t user_id,
                                                            std::int64_t session_id);

}  // namespace hipcoach::service
