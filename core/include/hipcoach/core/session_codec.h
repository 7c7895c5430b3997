// The guided session over JSON: the plan for the page and the API, the
// coach's state for saving and restoring, and the record of a session that
// POST /api/v1/sessions-log stores. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/result.h"
#include "hipcoach/core/session.h"

namespace hipcoach::core {

// The plan for people and programs:
// {"sides": ["left"], "groups": ["gluteus-medius-minimus"], "pain_limit": 6 | null,
//  "steps": [{"kind": "position|locate|treat|move|aftercare", "side", "group", "area",
//             "title", "instructions": [statement], "body_map_view", "body_map_area",
//             "min_hold_seconds", "max_hold_seconds",
//             "cues": [{"id", "at_seconds", "text", "cite"}]}],
//  "stop_rules": [{"id", "label", "ends": "hold|session", "trigger": "reported|pain_above_limit",
//                  "text", "cite"}],
//  "recheck": {"intro": statement, "questions": [{"red_flag", "question",
//              "advice": {"disposition": "urgent|soon|self_care",
//                         "reasons": [{"rule", "text", "cite"}]}}]},
//  "cautions": [statement], "before": [statement],
//  "body_map": {"views": [...], "landmarks": [...], "areas": [...]} (the views the steps use),
//  "sources": [source]}
// where a statement is {"text", "cite"}. Empty strings stand for "none"
// (e.g. "area" on a position step); holds are 0 on steps that are not treat steps.
nlohmann::json to_json(const Protocol& protocol, const SessionPlan& plan);

// Reads {"groups": [...], "side": "left|right|both", "pain_limit"?: 0..10,
// "cautions"?: [...]}: shapes and types only (kInvalidInput with a JSON
// Pointer); build_session_plan checks the values.
Result<PlanRequest> plan_request_from_json(const nlohmann::json& json);

// The coach's state: {"phase", "step", "started_at_ms", "ended_at_ms",
// "step_held_ms", "running_since_ms", "next_cue", "holds": [{"step",
// "held_ms", "stop_rule"}], "stop_rule", "red_flags"}.
nlohmann::json to_json(const CoachState& state);
// The inverse; kInvalidInput with a JSON Pointer for a wrong shape. Whether
// it fits a plan is Coach::restore's to check.
Result<CoachState> coach_state_from_json(const nlohmann::json& json);

// What a session did, as stored ("record" of POST /api/v1/sessions-log):
// {"outcome": "finished|stopped", "sides", "groups",
//  "points": [{"side", "group", "area", "held_seconds", "stop_rule"}],
//  "stop_rule": "" | id, "red_flags": [...]}. held_seconds are whole seconds,
// rounded down. REQUIRES: the coach has stopped or finished.
nlohmann::json session_record_json(const Coach& coach);

// Checks a record of that shape against the protocol: known groups, areas,
// sides and stop rules, each hold 0..its group's max hold, "outcome" stopped
// when a red flag or a session-ending rule is named; at most 200 points.
// Returns the record normalised (keys in the order above). kInvalidInput
// with a JSON Pointer below "/record" ("/record/points/3/held_seconds").
Result<nlohmann::json> check_session_record(const Protocol& protocol, const nlohmann::json& record);

}  // namespace hipcoach::core
