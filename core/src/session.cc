#include "hipcoach/core/session.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "hipcoach/core/triage_model.h"

namespace hipcoach::core {

namespace {

constexpr int kMaxPainLimit = 10;

template <std::size_t N>
bool is_one_of(const std::array<std::string_view, N>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::string side_title(std::string_view side) {
  return side == "left" ? "Left side" : "Right side";
}

// Adds `statement` unless the same text is already there.
void add_unique(std::vector<Statement>& out, const Statement& statement) {
  const bool seen = std::any_of(out.begin(), out.end(),
                                [&](const Statement& s) { return s.text == statement.text; });
  if (!seen) out.push_back(statement);
}

void append(std::vector<Statement>& out, const Step& step) {
  out.push_back(step.advice);
  out.insert(out.end(), step.caveats.begin(), step.caveats.end());
}

std::vector<PlanCue> cues_for(const SessionData& session, const Range& hold) {
  std::vector<PlanCue> cues;
  for (const CueRule& rule : session.cues) {
    int at = rule.seconds;
    if (rule.at == CueRule::At::kMinHold) at = hold.min;
    if (rule.at == CueRule::At::kMaxHold) at = hold.max;
    if (at > hold.max) continue;  // Beyond the longest hold: never reached.
    cues.push_back({rule.id, at, rule.text});
  }
  std::stable_sort(cues.begin(), cues.end(),
                   [](const PlanCue& a, const PlanCue& b) { return a.at_seconds < b.at_seconds; });
  return cues;
}

PlanStep new_step(StepKind kind, const std::string& side, const std::string& group,
                  const std::string& area) {
  PlanStep step;
  step.kind = kind;
  step.side = side;
  step.group = group;
  step.area = area;
  return step;
}

void add_group_steps(const Protocol& protocol, const MuscleGroup& group, const std::string& side,
                     std::vector<PlanStep>& steps) {
  const std::string prefix = side_title(side) + ", " + group.name + ": ";
  const std::vector<PlanCue> cues = cues_for(protocol.session, group.hold_seconds);
  PlanStep position = new_step(StepKind::kPosition, side, group.id, "");
  position.title = prefix + "get into position";
  append(position.instructions, group.position);
  position.body_map_view = group.body_map_view;
  steps.push_back(std::move(position));

  for (std::size_t i = 0; i < group.areas.size(); ++i) {
    const TreatmentArea& area = group.areas[i];
    if (i > 0) {
      PlanStep move = new_step(StepKind::kMove, side, group.id, area.id);
      move.title = prefix + "move on to " + area.name;
      move.instructions.push_back(area.description);
      move.body_map_view = group.body_map_view;
      move.body_map_area = area.body_map_area;
      steps.push_back(std::move(move));
    }
    PlanStep locate = new_step(StepKind::kLocate, side, group.id, area.id);
    locate.title = prefix + "find a tender spot, " + area.name;
    locate.instructions.push_back(group.locate.advice);
    locate.instructions.push_back(area.description);
    locate.instructions.insert(locate.instructions.end(), group.locate.caveats.begin(),
                               group.locate.caveats.end());
    locate.body_map_view = group.body_map_view;
    locate.body_map_area = area.body_map_area;
    steps.push_back(std::move(locate));

    PlanStep treat = new_step(StepKind::kTreat, side, group.id, area.id);
    treat.title = prefix + "hold, " + area.name;
    append(treat.instructions, group.treat);
    treat.body_map_view = group.body_map_view;
    treat.body_map_area = area.body_map_area;
    treat.min_hold_seconds = group.hold_seconds.min;
    treat.max_hold_seconds = group.hold_seconds.max;
    treat.cues = cues;
    steps.push_back(std::move(treat));
  }
}

void cite_all(std::set<std::string_view>& ids, const Statement& statement) {
  ids.insert(statement.cite.begin(), statement.cite.end());
}

void cite_all(std::set<std::string_view>& ids, const std::vector<Statement>& statements) {
  for (const Statement& statement : statements) cite_all(ids, statement);
}

// The sources the plan cites, collected from the data it was built from
// rather than from its steps, which repeat the same statements per side and area.
std::vector<std::string> cited_sources(const Protocol& protocol, const SessionPlan& plan) {
  std::set<std::string_view> ids;
  for (const std::string& group_id : plan.groups) {
    const MuscleGroup& group = *protocol.find_group(group_id);
    for (const Step* step : {&group.position, &group.locate, &group.treat}) {
      cite_all(ids, step->advice);
      cite_all(ids, step->caveats);
    }
    for (const TreatmentArea& area : group.areas) cite_all(ids, area.description);
    ids.insert(group.hold_seconds.cite.begin(), group.hold_seconds.cite.end());
  }
  for (const CueRule& cue : protocol.session.cues) cite_all(ids, cue.text);
  cite_all(ids, protocol.session.aftercare);
  for (const StopRule& rule : plan.stop_rules) cite_all(ids, rule.text);
  cite_all(ids, plan.recheck_intro);
  cite_all(ids, plan.cautions);
  cite_all(ids, plan.before);
  std::vector<std::string> out;
  for (const Source& source : protocol.sources) {
    if (ids.count(source.id) != 0) out.push_back(source.id);
  }
  return out;
}

Result<void> check_request(const Protocol& protocol, const PlanRequest& request) {
  if (request.groups.empty()) {
    return Error::invalid_input("/groups", "must name at least one muscle group");
  }
  for (std::size_t i = 0; i < request.groups.size(); ++i) {
    const std::string where = "/groups/" + std::to_string(i);
    if (protocol.find_group(request.groups[i]) == nullptr) {
      std::string known;
      for (const MuscleGroup& group : protocol.groups) {
        known += (known.empty() ? "" : ", ") + group.id;
      }
      return Error::invalid_input(
          where, "unknown muscle group \"" + request.groups[i] + "\"; expected one of " + known);
    }
    if (std::find(request.groups.begin(), request.groups.begin() + static_cast<long>(i),
                  request.groups[i]) != request.groups.begin() + static_cast<long>(i)) {
      return Error::invalid_input(where,
                                  "muscle group \"" + request.groups[i] + "\" is listed twice");
    }
  }
  if (!is_one_of(kSides, request.side)) {
    return Error::invalid_input(
        "/side", "must be \"left\", \"right\" or \"both\", got \"" + request.side + "\"");
  }
  if (request.pain_limit && (*request.pain_limit < 0 || *request.pain_limit > kMaxPainLimit)) {
    return Error::invalid_input(
        "/pain_limit", "must be an integer 0..10, got " + std::to_string(*request.pain_limit));
  }
  for (std::size_t i = 0; i < request.cautions.size(); ++i) {
    const std::string where = "/cautions/" + std::to_string(i);
    if (!is_one_of(kCautions, request.cautions[i])) {
      return Error::invalid_input(where, "unknown caution \"" + request.cautions[i] + "\"");
    }
    if (std::find(request.cautions.begin(), request.cautions.begin() + static_cast<long>(i),
                  request.cautions[i]) != request.cautions.begin() + static_cast<long>(i)) {
      return Error::invalid_input(where, "caution \"" + request.cautions[i] + "\" is listed twice");
    }
  }
  if (protocol.session.cues.empty() || protocol.session.stop_rules.empty()) {
    return Error::unavailable("session", "the data has no guided-session file (kind \"session\")");
  }
  return {};
}

}  // namespace

std::string_view step_kind_name(StepKind kind) {
  switch (kind) {
    case StepKind::kPosition:
      return "position";
    case StepKind::kLocate:
      return "locate";
    case StepKind::kTreat:
      return "treat";
    case StepKind::kMove:
      return "move";
    case StepKind::kAftercare:
      return "aftercare";
  }
  return "position";
}

std::string_view phase_name(Phase phase) {
  switch (phase) {
    case Phase::kRecheck:
      return "recheck";
    case Phase::kRunning:
      return "running";
    case Phase::kPaused:
      return "paused";
    case Phase::kStopped:
      return "stopped";
    case Phase::kFinished:
      return "finished";
  }
  return "recheck";
}

std::size_t SessionPlan::treat_step_count() const {
  return static_cast<std::size_t>(
      std::count_if(steps.begin(), steps.end(),
                    [](const PlanStep& step) { return step.kind == StepKind::kTreat; }));
}

Result<SessionPlan> build_session_plan(const Protocol& protocol, const PlanRequest& request) {
  if (auto ok = check_request(protocol, request); !ok) return ok.error();
  SessionPlan plan;
  if (request.side == "both") {
    plan.sides = {"left", "right"};
  } else {
    plan.sides = {request.side};
  }
  plan.groups = request.groups;
  plan.pain_limit = request.pain_limit;
  std::size_t step_count = 1;
  for (const std::string& group_id : plan.groups) {
    step_count += 3 * protocol.find_group(group_id)->areas.size();
  }
  plan.steps.reserve(step_count * plan.sides.size());
  for (const std::string& side : plan.sides) {
    for (const std::string& group_id : plan.groups) {
      add_group_steps(protocol, *protocol.find_group(group_id), side, plan.steps);
    }
  }
  PlanStep aftercare = new_step(StepKind::kAftercare, "", "", "");
  aftercare.title = "After the session";
  aftercare.instructions = protocol.session.aftercare;
  plan.steps.push_back(std::move(aftercare));

  for (const StopRule& rule : protocol.session.stop_rules) {
    if (rule.trigger == StopRule::Trigger::kPainAboveLimit && !plan.pain_limit) continue;
    plan.stop_rules.push_back(rule);
  }
  plan.recheck_intro = protocol.session.recheck_intro;
  plan.recheck = protocol.session.recheck;

  Answers answers;
  for (const std::string& caution : request.cautions) {
    const auto index = std::find(kCautions.begin(), kCautions.end(), caution) - kCautions.begin();
    answers.cautions |= 1U << static_cast<unsigned>(index);
  }
  for (const CautionRule& rule : protocol.triage.caution_rules) {
    if (answers.cautions != 0 && (rule.when.cautions_any & answers.cautions) != 0) {
      add_unique(plan.cautions, rule.text);
      add_unique(plan.cautions, {rule.instead, rule.text.cite});
    }
  }
  for (const std::string& group_id : plan.groups) {
    for (const Statement& caution : protocol.find_group(group_id)->cautions) {
      add_unique(plan.cautions, caution);
    }
  }
  plan.before = protocol.session.before;
  plan.sources = cited_sources(protocol, plan);
  return plan;
}

Result<PlanRequest> plan_request_from_triage(const TriageResult& result, const Answers& answers) {
  if (result.disposition == Disposition::kUrgent || !result.article_applies ||
      result.groups.empty()) {
    return Error::invalid_input(
        "/triage",
        "this triage result does not offer self-treatment: follow its advice and see a clinician "
        "first");
  }
  PlanRequest request;
  for (const GroupSuggestion& suggestion : result.groups) {
    request.groups.push_back(suggestion.group->id);
  }
  request.side = std::string(kSides.at(static_cast<std::size_t>(answers.side)));
  for (std::size_t i = 0; i < kCautions.size(); ++i) {
    if ((answers.cautions >> i) & 1U) request.cautions.emplace_back(kCautions[i]);
  }
  return request;
}

Result<RecheckOutcome> evaluate_recheck(const Protocol& protocol, const SessionPlan& plan,
                                        std::span<const std::string> red_flags) {
  Answers answers;
  for (std::size_t i = 0; i < red_flags.size(); ++i) {
    const std::string where = "/red_flags/" + std::to_string(i);
    const bool asked =
        std::any_of(plan.recheck.begin(), plan.recheck.end(),
                    [&](const RecheckQuestion& q) { return q.red_flag == red_flags[i]; });
    if (!asked) {
      return Error::invalid_input(where, "\"" + red_flags[i] + "\" is not asked before a session");
    }
    const auto index =
        std::find(kRedFlags.begin(), kRedFlags.end(), red_flags[i]) - kRedFlags.begin();
    const std::uint32_t bit = 1U << static_cast<unsigned>(index);
    if ((answers.red_flags & bit) != 0) {
      return Error::invalid_input(where, "\"" + red_flags[i] + "\" is listed twice");
    }
    answers.red_flags |= bit;
  }
  RecheckOutcome outcome;
  if (answers.red_flags == 0) return outcome;
  outcome.stop = true;
  // A new red flag is always a reason to get checked (recheck_intro), even
  // if no rule of the triage data names it alone.
  outcome.disposition = Disposition::kSoon;
  for (const DispositionRule& rule : protocol.triage.dispositions) {
    const bool about_red_flags = rule.when.red_flags_any != 0 || rule.when.red_flags_all != 0;
    if (about_red_flags && rule.when.holds(answers)) outcome.reasons.push_back(&rule);
  }
  std::stable_sort(outcome.reasons.begin(), outcome.reasons.end(),
                   [](const DispositionRule* a, const DispositionRule* b) {
                     return a->disposition > b->disposition;
                   });
  if (!outcome.reasons.empty()) {
    outcome.disposition = std::max(outcome.disposition, outcome.reasons.front()->disposition);
  }
  return outcome;
}

// ---------------------------------------------------------------------------

Coach::Coach(const SessionPlan& plan) : plan_(&plan) { HIPCOACH_CHECK(!plan.steps.empty()); }

namespace {

Error bad_state(std::string where, std::string message) {
  return Error::invalid_input(std::move(where), std::move(message));
}

std::int64_t max_hold_ms(const PlanStep& step) {
  return static_cast<std::int64_t>(step.max_hold_seconds) * 1000;
}

bool is_known_rule(const SessionPlan& plan, std::string_view id) {
  return std::any_of(plan.stop_rules.begin(), plan.stop_rules.end(),
                     [&](const StopRule& rule) { return rule.id == id; });
}

}  // namespace

Result<Coach> Coach::restore(const SessionPlan& plan, CoachState state) {
  HIPCOACH_CHECK(!plan.steps.empty());
  if (state.step >= plan.steps.size()) {
    return bad_state("/step", "must be 0.." + std::to_string(plan.steps.size() - 1) + ", got " +
                                  std::to_string(state.step));
  }
  const PlanStep& step = plan.steps[state.step];
  const std::int64_t max_held = step.kind == StepKind::kTreat ? max_hold_ms(step) : 0;
  if (state.step_held_ms < 0 || state.step_held_ms > max_held) {
    return bad_state("/step_held_ms", "must be 0.." + std::to_string(max_held) + " on this step");
  }
  if (state.next_cue > step.cues.size()) {
    return bad_state("/next_cue",
                     "must be 0.." + std::to_string(step.cues.size()) + " on this step");
  }
  for (std::size_t i = 0; i < state.holds.size(); ++i) {
    const HoldRecord& hold = state.holds[i];
    const std::string where = "/holds/" + std::to_string(i);
    if (hold.step >= plan.steps.size() || plan.steps[hold.step].kind != StepKind::kTreat) {
      return bad_state(where + "/step", "must be the index of a treat step");
    }
    if (hold.held_ms < 0 || hold.held_ms > max_hold_ms(plan.steps[hold.step])) {
      return bad_state(where + "/held_ms",
                       "must be 0.." + std::to_string(max_hold_ms(plan.steps[hold.step])));
    }
    if (!hold.stop_rule.empty() && !is_known_rule(plan, hold.stop_rule)) {
      return bad_state(where + "/stop_rule", "unknown stop rule \"" + hold.stop_rule + "\"");
    }
  }
  if (!state.stop_rule.empty() && !is_known_rule(plan, state.stop_rule)) {
    return bad_state("/stop_rule", "unknown stop rule \"" + state.stop_rule + "\"");
  }
  for (std::size_t i = 0; i < state.red_flags.size(); ++i) {
    const bool asked = std::any_of(plan.recheck.begin(), plan.recheck.end(),
                                   [&](const auto& q) { return q.red_flag == state.red_flags[i]; });
    if (!asked) return bad_state("/red_flags/" + std::to_string(i), "not asked before a session");
  }
  if (!state.red_flags.empty() && state.phase != Phase::kStopped) {
    return bad_state("/phase", "must be \"stopped\" when a red flag was answered yes");
  }
  return Coach(plan, std::move(state));
}

std::int64_t Coach::held_ms(SessionTime now) const {
  const PlanStep& step = plan_->steps[state_.step];
  if (step.kind != StepKind::kTreat) return 0;
  std::int64_t held = state_.step_held_ms;
  if (state_.phase == Phase::kRunning && now > state_.running_since) {
    held += (now - state_.running_since).count();
  }
  return std::min(held, max_hold_ms(step));
}

CoachView Coach::view(SessionTime now) const {
  CoachView view;
  view.phase = state_.phase;
  view.step = state_.step;
  const PlanStep& step = plan_->steps[state_.step];
  if (step.kind == StepKind::kTreat &&
      (state_.phase == Phase::kRunning || state_.phase == Phase::kPaused)) {
    view.held_ms = held_ms(now);
    view.remaining_ms = max_hold_ms(step) - view.held_ms;
    view.min_reached = view.held_ms >= static_cast<std::int64_t>(step.min_hold_seconds) * 1000;
  }
  if (state_.next_cue > 0) view.cue = &step.cues[state_.next_cue - 1];
  return view;
}

void Coach::enter_step(std::size_t step, SessionTime now, std::vector<CoachEvent>& events) {
  state_.step = step;
  state_.step_held_ms = 0;
  state_.running_since = now;
  state_.next_cue = 0;
  state_.phase = Phase::kRunning;
  events.push_back({CoachEvent::Kind::kStepChanged, step});
  auto cues = tick(now);
  events.insert(events.end(), cues.begin(), cues.end());
}

void Coach::close_hold(SessionTime now, std::string_view stop_rule) {
  if (plan_->steps[state_.step].kind != StepKind::kTreat) return;
  const std::int64_t held = held_ms(now);
  auto it = std::find_if(state_.holds.begin(), state_.holds.end(),
                         [&](const HoldRecord& hold) { return hold.step == state_.step; });
  if (it == state_.holds.end()) {
    state_.holds.push_back({state_.step, held, std::string(stop_rule)});
  } else if (held > 0 || !stop_rule.empty()) {
    // Back on a step and held again: the latest hold counts.
    it->held_ms = held;
    it->stop_rule = std::string(stop_rule);
  }
  state_.step_held_ms = held;
  state_.running_since = now;
}

namespace {

Error not_in_phase(std::string_view event, Phase phase) {
  return Error::conflict("event", "cannot " + std::string(event) + ": the session is " +
                                      std::string(phase_name(phase)));
}

bool is_active(Phase phase) { return phase == Phase::kRunning || phase == Phase::kPaused; }

}  // namespace

Result<std::vector<CoachEvent>> Coach::begin(SessionTime now,
                                             std::span<const std::string> red_flags) {
  if (state_.phase != Phase::kRecheck) return not_in_phase("begin", state_.phase);
  for (std::size_t i = 0; i < red_flags.size(); ++i) {
    const bool asked = std::any_of(plan_->recheck.begin(), plan_->recheck.end(),
                                   [&](const auto& q) { return q.red_flag == red_flags[i]; });
    if (!asked) {
      return Error::invalid_input("/red_flags/" + std::to_string(i),
                                  "\"" + red_flags[i] + "\" is not asked before a session");
    }
  }
  std::vector<CoachEvent> events;
  state_.started_at = now;
  if (!red_flags.empty()) {
    state_.red_flags.assign(red_flags.begin(), red_flags.end());
    state_.phase = Phase::kStopped;
    state_.ended_at = now;
    events.push_back({CoachEvent::Kind::kStopped, 0});
    return events;
  }
  enter_step(0, now, events);
  return events;
}

std::vector<CoachEvent> Coach::tick(SessionTime now) {
  std::vector<CoachEvent> events;
  if (state_.phase != Phase::kRunning) return events;
  const PlanStep& step = plan_->steps[state_.step];
  if (step.kind != StepKind::kTreat) return events;
  const std::int64_t held = held_ms(now);
  while (state_.next_cue < step.cues.size() &&
         static_cast<std::int64_t>(step.cues[state_.next_cue].at_seconds) * 1000 <= held) {
    events.push_back({CoachEvent::Kind::kCue, state_.step, &step.cues[state_.next_cue]});
    ++state_.next_cue;
  }
  return events;
}

Result<std::vector<CoachEvent>> Coach::pause(SessionTime now) {
  if (state_.phase != Phase::kRunning) return not_in_phase("pause", state_.phase);
  auto events = tick(now);
  state_.step_held_ms = held_ms(now);
  state_.phase = Phase::kPaused;
  return events;
}

Result<std::vector<CoachEvent>> Coach::resume(SessionTime now) {
  if (state_.phase != Phase::kPaused) return not_in_phase("resume", state_.phase);
  state_.phase = Phase::kRunning;
  state_.running_since = now;
  return std::vector<CoachEvent>{};
}

Result<std::vector<CoachEvent>> Coach::next(SessionTime now) {
  if (!is_active(state_.phase)) return not_in_phase("go to the next step", state_.phase);
  std::vector<CoachEvent> events = tick(now);
  close_hold(now, "");
  if (state_.step + 1 == plan_->steps.size()) {
    state_.phase = Phase::kFinished;
    state_.ended_at = now;
    events.push_back({CoachEvent::Kind::kFinished, state_.step});
    return events;
  }
  enter_step(state_.step + 1, now, events);
  return events;
}

Result<std::vector<CoachEvent>> Coach::back(SessionTime now) {
  if (!is_active(state_.phase)) return not_in_phase("go back", state_.phase);
  if (state_.step == 0) return Error::conflict("event", "cannot go back: this is the first step");
  std::vector<CoachEvent> events;
  close_hold(now, "");
  enter_step(state_.step - 1, now, events);
  return events;
}

Result<std::vector<CoachEvent>> Coach::stop_rule(SessionTime now, std::string_view rule_id) {
  if (!is_active(state_.phase)) return not_in_phase("apply a stop rule", state_.phase);
  const auto it = std::find_if(plan_->stop_rules.begin(), plan_->stop_rules.end(),
                               [&](const StopRule& rule) { return rule.id == rule_id; });
  if (it == plan_->stop_rules.end()) {
    return Error::invalid_input("stop_rule", "unknown stop rule \"" + std::string(rule_id) + "\"");
  }
  const StopRule& rule = *it;
  std::vector<CoachEvent> events = tick(now);
  events.push_back({CoachEvent::Kind::kStopRule, state_.step, nullptr, &rule});
  close_hold(now, rule.id);
  if (rule.ends == StopRule::Ends::kSession) {
    state_.phase = Phase::kStopped;
    state_.stop_rule = rule.id;
    state_.ended_at = now;
    events.push_back({CoachEvent::Kind::kStopped, state_.step, nullptr, &rule});
    return events;
  }
  // The hold is over: on to the next step (a hold rule on another step only tells).
  if (plan_->steps[state_.step].kind == StepKind::kTreat) {
    if (state_.step + 1 == plan_->steps.size()) {
      state_.phase = Phase::kFinished;
      state_.ended_at = now;
      events.push_back({CoachEvent::Kind::kFinished, state_.step});
    } else {
      enter_step(state_.step + 1, now, events);
    }
  }
  return events;
}

Result<std::vector<CoachEvent>> Coach::report_pain(SessionTime now, int pain) {
  if (pain < 0 || pain > kMaxPainLimit) {
    return Error::invalid_input("pain", "must be an integer 0..10, got " + std::to_string(pain));
  }
  if (!is_active(state_.phase)) return not_in_phase("rate pain during a hold", state_.phase);
  if (!plan_->pain_limit || pain <= *plan_->pain_limit) return tick(now);
  const auto it =
      std::find_if(plan_->stop_rules.begin(), plan_->stop_rules.end(),
                   [](const auto& r) { return r.trigger == StopRule::Trigger::kPainAboveLimit; });
  if (it == plan_->stop_rules.end()) return tick(now);
  return stop_rule(now, it->id);
}

Result<std::vector<CoachEvent>> Coach::stop(SessionTime now) {
  if (!is_active(state_.phase)) return not_in_phase("stop", state_.phase);
  std::vector<CoachEvent> events = tick(now);
  close_hold(now, "");
  state_.phase = Phase::kStopped;
  state_.ended_at = now;
  events.push_back({CoachEvent::Kind::kStopped, state_.step});
  return events;
}

}  // namespace hipcoach::core
