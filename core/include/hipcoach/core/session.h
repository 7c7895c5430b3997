// The guided session: a plan of steps built from the protocol data, and the
// coach's state machine that walks through it.
//
// The plan (build_session_plan) is a pure function of the protocol and the
// person's choice (or their triage result): ordered steps (position, locate,
// treat, move to the next area, after-care), each treat step with its minimum
// and maximum hold and the cues at set times, plus the stop rules, the red
// flags to re-check before every session and the person's cautions, all with
// their sources.
//
// The Coach is the session state machine. It never reads the clock: every
// event takes `now` (milliseconds since an epoch of the caller's choice, the
// same for every call; the web page and the CLI use the Unix epoch), so tests
// drive it with a fake clock. Its whole state is a plain value (CoachState)
// that can be saved and restored, so a session survives a reload.
//
// Thread-compatible: a Coach is used from one thread at a time; a SessionPlan
// is immutable after it is built and safe to share.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/result.h"
#include "hipcoach/core/session_model.h"
#include "hipcoach/core/statement.h"
#include "hipcoach/core/triage.h"

namespace hipcoach::core {

// Milliseconds since the caller's epoch.
using SessionTime = std::chrono::milliseconds;

enum class StepKind { kPosition, kLocate, kTreat, kMove, kAftercare };
// "position", "locate", "treat", "move", "aftercare".
std::string_view step_kind_name(StepKind kind);

// A cue spoken during a hold, at a time into it.
struct PlanCue {
  std::string id;      // From the session data, e.g. "deeper".
  int at_seconds = 0;  // Seconds into the hold, 0..max hold.
  Statement text;
};

struct PlanStep {
  StepKind kind = StepKind::kPosition;
  std::string side;   // "left" or "right"; empty for after-care.
  std::string group;  // Id of the MuscleGroup; empty for after-care.
  std::string area;   // Id of the TreatmentArea (locate, treat, move: the next area); else empty.
  std::string title;  // Short, e.g. "Left side: front (anterior) fibres".
  // What to do, the clinic's advice first, then the published caveats.
  std::vector<Statement> instructions;
  std::string body_map_view;  // Empty for after-care.
  std::string body_map_area;  // Empty unless `area` is set.
  // Treat steps only (else 0): the hold range in seconds and the cues,
  // ordered by at_seconds.
  int min_hold_seconds = 0;
  int max_hold_seconds = 0;
  std::vector<PlanCue> cues;
};

struct SessionPlan {
  std::vector<std::string> sides;   // "left", "right" or both, in the order treated.
  std::vector<std::string> groups;  // Group ids in the order treated.
  std::optional<int> pain_limit;    // 0..10: the person's own limit, when given.
  std::vector<PlanStep> steps;
  // Copied from the session data; the pain-above-limit rule only when a
  // limit is set.
  std::vector<StopRule> stop_rules;
  // The red flags to ask about before the session (ids of kRedFlags) with the
  // question to ask, from the session data and the triage questions.
  Statement recheck_intro;
  std::vector<RecheckQuestion> recheck;
  // What applies to this person: the triage cautions (with what to do
  // instead), then each group's cautions, without repeats.
  std::vector<Statement> cautions;
  std::vector<Statement> before;     // Before starting (session data).
  std::vector<std::string> sources;  // Every source id cited above, in protocol order.

  // How many steps are treat steps (holds).
  std::size_t treat_step_count() const;
};

// What a person chose, or what their triage gave.
struct PlanRequest {
  std::vector<std::string> groups;    // Group ids, in the order to treat; at least one.
  std::string side;                   // "left", "right" or "both".
  std::optional<int> pain_limit;      // 0..10.
  std::vector<std::string> cautions;  // Ids of kCautions the person has.
};

// Builds the plan. kInvalidInput naming the field ("/groups/1", "/side",
// "/pain_limit", "/cautions/0") for an unknown or repeated group, an unknown
// side, a limit out of range, an unknown caution, or no groups at all.
// REQUIRES: `protocol` was loaded without diagnostics.
Result<SessionPlan> build_session_plan(const Protocol& protocol, const PlanRequest& request);

// The request a triage result leads to: its groups (best first), the side
// answered, and the cautions answered. kInvalidInput (where "/triage") when
// the result offers no self-treatment: urgent, the article does not apply, or
// no groups; the message says to follow the triage advice instead.
Result<PlanRequest> plan_request_from_triage(const TriageResult& result, const Answers& answers);

// The disposition rules that the red flags answered "yes" before a session
// bring in, most urgent first. `red_flags` holds ids of kRedFlags.
struct RecheckOutcome {
  bool stop = false;  // True when any red flag was answered yes.
  Disposition disposition = Disposition::kSelfCare;
  std::vector<const DispositionRule*> reasons;  // Live as long as the Protocol.
};
// kInvalidInput ("/red_flags/N") for an id that is not among the plan's recheck questions.
Result<RecheckOutcome> evaluate_recheck(const Protocol& protocol, const SessionPlan& plan,
                                        std::span<const std::string> red_flags);

// ---------------------------------------------------------------------------
// The state machine.

enum class Phase {
  kRecheck,   // Not started: the red-flag re-check is to be answered.
  kRunning,   // On a step; a treat step's hold timer runs.
  kPaused,    // On a step; the timer is stopped.
  kStopped,   // Ended early: by the person, a stop rule or a red flag.
  kFinished,  // Every step done.
};
// "recheck", "running", "paused", "stopped", "finished".
std::string_view phase_name(Phase phase);

// What happened at one treat step.
struct HoldRecord {
  std::size_t step = 0;      // Index into SessionPlan::steps.
  std::int64_t held_ms = 0;  // Time held, pauses excluded, at most the max hold.
  std::string stop_rule;     // The stop rule that ended this hold early; empty if none.
};

// The whole state: plain data, saved and restored as it is.
struct CoachState {
  Phase phase = Phase::kRecheck;
  std::size_t step = 0;
  SessionTime started_at{0};      // When the re-check was passed (0 before).
  SessionTime ended_at{0};        // When stopped or finished (0 before).
  std::int64_t step_held_ms = 0;  // Hold time on this step up to `running_since`.
  SessionTime running_since{0};   // When the timer last (re)started; meaningful while kRunning.
  std::size_t next_cue = 0;       // Index of the next cue of this step to fire.
  std::vector<HoldRecord> holds;  // One per treat step visited, in plan order of visit.
  std::string stop_rule;          // The stop rule that ended the session; empty if none.
  std::vector<std::string> red_flags;  // Answered yes at the re-check (then kStopped).
};

// A view of the state at a moment, for a display.
struct CoachView {
  Phase phase = Phase::kRecheck;
  std::size_t step = 0;
  std::int64_t held_ms = 0;       // On a treat step: time held so far (capped at the max).
  std::int64_t remaining_ms = 0;  // On a treat step: until the max hold; else 0.
  bool min_reached = false;       // On a treat step: the minimum hold is done.
  const PlanCue* cue = nullptr;   // The latest cue fired on this step, or nullptr.
};

// Events the Coach emits for the display to announce.
struct CoachEvent {
  enum class Kind { kCue, kStepChanged, kStopRule, kFinished, kStopped } kind;
  std::size_t step = 0;
  const PlanCue* cue = nullptr;         // kCue.
  const StopRule* stop_rule = nullptr;  // kStopRule (also kStopped when a rule ended it).
};

class Coach {
 public:
  // REQUIRES: `plan` outlives the Coach and has at least one step.
  explicit Coach(const SessionPlan& plan);
  // Restores a saved state. kInvalidInput naming the field ("/step",
  // "/holds/2/held_ms"...) when it does not fit the plan.
  static Result<Coach> restore(const SessionPlan& plan, CoachState state);

  const SessionPlan& plan() const { return *plan_; }
  const CoachState& state() const { return state_; }
  CoachView view(SessionTime now) const;

  // Each event returns what to announce, or kConflict when it does not apply
  // in this phase (e.g. pause while paused), with the phase named.

  // Answers the re-check and starts at the first step, or stops when any red
  // flag is present. kInvalidInput for a flag not asked.
  Result<std::vector<CoachEvent>> begin(SessionTime now, std::span<const std::string> red_flags);
  // Advances time: fires the cues the hold has reached since the last call.
  // Nothing fires while paused. Never fails; a no-op outside a running hold.
  std::vector<CoachEvent> tick(SessionTime now);
  Result<std::vector<CoachEvent>> pause(SessionTime now);
  Result<std::vector<CoachEvent>> resume(SessionTime now);
  // To the next step; on the last step, finishes.
  Result<std::vector<CoachEvent>> next(SessionTime now);
  // To the previous step (its hold starts again). kConflict on the first step.
  Result<std::vector<CoachEvent>> back(SessionTime now);
  // A stop rule fired (by id). A rule that ends the hold records it and moves
  // on; one that ends the session stops it. kInvalidInput for an unknown id.
  Result<std::vector<CoachEvent>> stop_rule(SessionTime now, std::string_view rule_id);
  // The person rated their pain during a hold: above their limit fires the
  // pain-above-limit rule, else nothing. kInvalidInput outside 0..10.
  Result<std::vector<CoachEvent>> report_pain(SessionTime now, int pain);
  // The person ends the session early.
  Result<std::vector<CoachEvent>> stop(SessionTime now);

 private:
  Coach(const SessionPlan& plan, CoachState state) : plan_(&plan), state_(std::move(state)) {}

  std::int64_t held_ms(SessionTime now) const;
  void close_hold(SessionTime now, std::string_view stop_rule);
  void enter_step(std::size_t step, SessionTime now, std::vector<CoachEvent>& events);

  const SessionPlan* plan_;
  CoachState state_;
};

}  // namespace hipcoach::core
