#include "hipcoach/core/session_codec.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "hipcoach/core/codec.h"
#include "hipcoach/core/triage_model.h"

namespace hipcoach::core {

namespace {

using nlohmann::json;

// A record names at most this many points: far more than any plan has.
constexpr std::size_t kMaxRecordPoints = 200;

json statements_json(const std::vector<Statement>& statements) {
  json out = json::array();
  for (const Statement& statement : statements) out.push_back(to_json(statement));
  return out;
}

json cue_json(const PlanCue& cue) {
  return {{"id", cue.id},
          {"at_seconds", cue.at_seconds},
          {"text", cue.text.text},
          {"cite", cue.text.cite}};
}

json step_json(const PlanStep& step) {
  json cues = json::array();
  for (const PlanCue& cue : step.cues) cues.push_back(cue_json(cue));
  return {{"kind", step_kind_name(step.kind)},
          {"side", step.side},
          {"group", step.group},
          {"area", step.area},
          {"title", step.title},
          {"instructions", statements_json(step.instructions)},
          {"body_map_view", step.body_map_view},
          {"body_map_area", step.body_map_area},
          {"min_hold_seconds", step.min_hold_seconds},
          {"max_hold_seconds", step.max_hold_seconds},
          {"cues", std::move(cues)}};
}

json stop_rule_json(const StopRule& rule) {
  return {
      {"id", rule.id},
      {"label", rule.label},
      {"ends", rule.ends == StopRule::Ends::kHold ? "hold" : "session"},
      {"trigger", rule.trigger == StopRule::Trigger::kReported ? "reported" : "pain_above_limit"},
      {"text", rule.text.text},
      {"cite", rule.text.cite}};
}

json recheck_json(const Protocol& protocol, const SessionPlan& plan, std::set<std::string>& cited) {
  json questions = json::array();
  for (const RecheckQuestion& question : plan.recheck) {
    const std::string flag[] = {question.red_flag};
    auto outcome = evaluate_recheck(protocol, plan, flag);
    json reasons = json::array();
    Disposition disposition = Disposition::kSoon;
    if (outcome) {
      disposition = outcome->disposition;
      for (const DispositionRule* rule : outcome->reasons) {
        reasons.push_back(
            {{"rule", rule->id}, {"text", rule->reason.text}, {"cite", rule->reason.cite}});
        cited.insert(rule->reason.cite.begin(), rule->reason.cite.end());
      }
    }
    questions.push_back(
        {{"red_flag", question.red_flag},
         {"question", question.question},
         {"advice",
          {{"disposition", disposition_name(disposition)}, {"reasons", std::move(reasons)}}}});
  }
  return {{"intro", to_json(plan.recheck_intro)}, {"questions", std::move(questions)}};
}

// Reads an optional field of `object` with a checked type.
const json* find(const json& object, std::string_view key) {
  const auto it = object.find(std::string(key));
  return it == object.end() ? nullptr : &*it;
}

Result<void> check_keys(const json& object, std::string_view where,
                        std::initializer_list<std::string_view> keys) {
  if (!object.is_object()) {
    return Error::invalid_input(where.empty() ? "/" : std::string(where), "must be a JSON object");
  }
  for (const auto& [key, value] : object.items()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      return Error::invalid_input(std::string(where) + "/" + key, "unknown field");
    }
  }
  return {};
}

Result<std::string> string_at(const json& object, std::string_view where, std::string_view key,
                              bool required) {
  const json* value = find(object, key);
  const std::string path = std::string(where) + "/" + std::string(key);
  if (value == nullptr) {
    if (required) return Error::invalid_input(path, "missing; expected a string");
    return std::string();
  }
  if (!value->is_string()) return Error::invalid_input(path, "must be a string");
  return value->get<std::string>();
}

Result<std::vector<std::string>> strings_at(const json& object, std::string_view where,
                                            std::string_view key, bool required) {
  const json* value = find(object, key);
  const std::string path = std::string(where) + "/" + std::string(key);
  std::vector<std::string> out;
  if (value == nullptr) {
    if (required) return Error::invalid_input(path, "missing; expected an array of strings");
    return out;
  }
  if (!value->is_array()) return Error::invalid_input(path, "must be an array of strings");
  for (std::size_t i = 0; i < value->size(); ++i) {
    if (!(*value)[i].is_string()) {
      return Error::invalid_input(path + "/" + std::to_string(i), "must be a string");
    }
    out.push_back((*value)[i].get<std::string>());
  }
  return out;
}

Result<std::int64_t> integer_at(const json& object, std::string_view where, std::string_view key,
                                std::int64_t min, std::int64_t max) {
  const json* value = find(object, key);
  const std::string path = std::string(where) + "/" + std::string(key);
  const std::string range = std::to_string(min) + ".." + std::to_string(max);
  if (value == nullptr) return Error::invalid_input(path, "missing; expected an integer " + range);
  if (!value->is_number_integer()) {
    return Error::invalid_input(path, "must be an integer " + range);
  }
  std::int64_t number = 0;
  if (value->is_number_unsigned()) {
    const auto unsigned_value = value->get<std::uint64_t>();
    if (unsigned_value > static_cast<std::uint64_t>(max)) {
      return Error::invalid_input(path, "must be " + range);
    }
    number = static_cast<std::int64_t>(unsigned_value);
  } else {
    number = value->get<std::int64_t>();
  }
  if (number < min || number > max) {
    return Error::invalid_input(path, "must be " + range + ", got " + std::to_string(number));
  }
  return number;
}

constexpr std::int64_t kMaxMs = std::numeric_limits<std::int64_t>::max() / 4;

Result<Phase> phase_from(std::string_view name) {
  for (Phase phase :
       {Phase::kRecheck, Phase::kRunning, Phase::kPaused, Phase::kStopped, Phase::kFinished}) {
    if (phase_name(phase) == name) return phase;
  }
  return Error::invalid_input("/phase",
                              "must be \"recheck\", \"running\", \"paused\", "
                              "\"stopped\" or \"finished\"");
}

}  // namespace

json to_json(const Protocol& protocol, const SessionPlan& plan) {
  json steps = json::array();
  std::set<std::string> views;
  std::set<std::string> landmarks;
  for (const PlanStep& step : plan.steps) {
    steps.push_back(step_json(step));
    if (!step.body_map_view.empty()) views.insert(step.body_map_view);
  }
  for (const std::string& group_id : plan.groups) {
    const MuscleGroup* group = protocol.find_group(group_id);
    if (group != nullptr) landmarks.insert(group->landmarks.begin(), group->landmarks.end());
  }
  json stop_rules = json::array();
  for (const StopRule& rule : plan.stop_rules) stop_rules.push_back(stop_rule_json(rule));
  std::set<std::string> cited(plan.sources.begin(), plan.sources.end());
  json recheck = recheck_json(protocol, plan, cited);
  for (const Landmark& landmark : protocol.body_map.landmarks) {
    if (landmarks.count(landmark.id) != 0) cited.insert(landmark.cite.begin(), landmark.cite.end());
  }
  return {{"sides", plan.sides},
          {"groups", plan.groups},
          {"pain_limit", plan.pain_limit ? json(*plan.pain_limit) : json(nullptr)},
          {"steps", std::move(steps)},
          {"stop_rules", std::move(stop_rules)},
          {"recheck", std::move(recheck)},
          {"cautions", statements_json(plan.cautions)},
          {"before", statements_json(plan.before)},
          {"body_map", body_map_to_json(protocol, views, landmarks)},
          {"sources", sources_to_json(protocol, cited)}};
}

Result<PlanRequest> plan_request_from_json(const json& body) {
  if (auto ok = check_keys(body, "", {"groups", "side", "pain_limit", "cautions"}); !ok) {
    return ok.error();
  }
  PlanRequest request;
  auto groups = strings_at(body, "", "groups", true);
  if (!groups) return groups.error();
  request.groups = std::move(*groups);
  auto side = string_at(body, "", "side", true);
  if (!side) return side.error();
  request.side = std::move(*side);
  if (const json* limit = find(body, "pain_limit"); limit != nullptr && !limit->is_null()) {
    auto value = integer_at(body, "", "pain_limit", 0, 10);
    if (!value) return value.error();
    request.pain_limit = static_cast<int>(*value);
  }
  auto cautions = strings_at(body, "", "cautions", false);
  if (!cautions) return cautions.error();
  request.cautions = std::move(*cautions);
  return request;
}

json to_json(const CoachState& state) {
  json holds = json::array();
  for (const HoldRecord& hold : state.holds) {
    holds.push_back(
        {{"step", hold.step}, {"held_ms", hold.held_ms}, {"stop_rule", hold.stop_rule}});
  }
  return {{"phase", phase_name(state.phase)},
          {"step", state.step},
          {"started_at_ms", state.started_at.count()},
          {"ended_at_ms", state.ended_at.count()},
          {"step_held_ms", state.step_held_ms},
          {"running_since_ms", state.running_since.count()},
          {"next_cue", state.next_cue},
          {"holds", std::move(holds)},
          {"stop_rule", state.stop_rule},
          {"red_flags", state.red_flags}};
}

Result<CoachState> coach_state_from_json(const json& body) {
  if (auto ok = check_keys(body, "",
                           {"phase", "step", "started_at_ms", "ended_at_ms", "step_held_ms",
                            "running_since_ms", "next_cue", "holds", "stop_rule", "red_flags"});
      !ok) {
    return ok.error();
  }
  CoachState state;
  auto phase_text = string_at(body, "", "phase", true);
  if (!phase_text) return phase_text.error();
  auto phase = phase_from(*phase_text);
  if (!phase) return phase.error();
  state.phase = *phase;
  auto step = integer_at(body, "", "step", 0, 100000);
  if (!step) return step.error();
  state.step = static_cast<std::size_t>(*step);
  auto started = integer_at(body, "", "started_at_ms", 0, kMaxMs);
  if (!started) return started.error();
  state.started_at = SessionTime{*started};
  auto ended = integer_at(body, "", "ended_at_ms", 0, kMaxMs);
  if (!ended) return ended.error();
  state.ended_at = SessionTime{*ended};
  auto held = integer_at(body, "", "step_held_ms", 0, kMaxMs);
  if (!held) return held.error();
  state.step_held_ms = *held;
  auto since = integer_at(body, "", "running_since_ms", 0, kMaxMs);
  if (!since) return since.error();
  state.running_since = SessionTime{*since};
  auto next_cue = integer_at(body, "", "next_cue", 0, 1000);
  if (!next_cue) return next_cue.error();
  state.next_cue = static_cast<std::size_t>(*next_cue);
  const json* holds = find(body, "holds");
  if (holds == nullptr || !holds->is_array()) {
    return Error::invalid_input("/holds", "must be an array");
  }
  for (std::size_t i = 0; i < holds->size(); ++i) {
    const json& item = (*holds)[i];
    const std::string where = "/holds/" + std::to_string(i);
    if (auto ok = check_keys(item, where, {"step", "held_ms", "stop_rule"}); !ok) return ok.error();
    HoldRecord hold;
    auto hold_step = integer_at(item, where, "step", 0, 100000);
    if (!hold_step) return hold_step.error();
    hold.step = static_cast<std::size_t>(*hold_step);
    auto hold_ms = integer_at(item, where, "held_ms", 0, kMaxMs);
    if (!hold_ms) return hold_ms.error();
    hold.held_ms = *hold_ms;
    auto rule = string_at(item, where, "stop_rule", false);
    if (!rule) return rule.error();
    hold.stop_rule = std::move(*rule);
    state.holds.push_back(std::move(hold));
  }
  auto rule = string_at(body, "", "stop_rule", false);
  if (!rule) return rule.error();
  state.stop_rule = std::move(*rule);
  auto flags = strings_at(body, "", "red_flags", false);
  if (!flags) return flags.error();
  state.red_flags = std::move(*flags);
  return state;
}

json session_record_json(const Coach& coach) {
  const CoachState& state = coach.state();
  const SessionPlan& plan = coach.plan();
  HIPCOACH_CHECK(state.phase == Phase::kStopped || state.phase == Phase::kFinished);
  json points = json::array();
  for (const HoldRecord& hold : state.holds) {
    const PlanStep& step = plan.steps[hold.step];
    points.push_back({{"side", step.side},
                      {"group", step.group},
                      {"area", step.area},
                      {"held_seconds", hold.held_ms / 1000},
                      {"stop_rule", hold.stop_rule}});
  }
  return {{"outcome", state.phase == Phase::kFinished ? "finished" : "stopped"},
          {"sides", plan.sides},
          {"groups", plan.groups},
          {"points", std::move(points)},
          {"stop_rule", state.stop_rule},
          {"red_flags", state.red_flags}};
}

Result<json> check_session_record(const Protocol& protocol, const json& record) {
  const std::string base = "/record";
  if (auto ok = check_keys(record, base,
                           {"outcome", "sides", "groups", "points", "stop_rule", "red_flags"});
      !ok) {
    return ok.error();
  }
  auto outcome = string_at(record, base, "outcome", true);
  if (!outcome) return outcome.error();
  if (*outcome != "finished" && *outcome != "stopped") {
    return Error::invalid_input(base + "/outcome", "must be \"finished\" or \"stopped\"");
  }
  auto sides = strings_at(record, base, "sides", true);
  if (!sides) return sides.error();
  if (sides->empty() || sides->size() > 2) {
    return Error::invalid_input(base + "/sides", "must name one or two sides");
  }
  for (std::size_t i = 0; i < sides->size(); ++i) {
    const std::string& side = (*sides)[i];
    if ((side != "left" && side != "right") || (i == 1 && side == (*sides)[0])) {
      return Error::invalid_input(base + "/sides/" + std::to_string(i),
                                  "must be \"left\" or \"right\", each at most once");
    }
  }
  auto groups = strings_at(record, base, "groups", true);
  if (!groups) return groups.error();
  if (groups->empty()) return Error::invalid_input(base + "/groups", "must not be empty");
  for (std::size_t i = 0; i < groups->size(); ++i) {
    if (protocol.find_group((*groups)[i]) == nullptr ||
        std::count(groups->begin(), groups->end(), (*groups)[i]) > 1) {
      return Error::invalid_input(base + "/groups/" + std::to_string(i),
                                  "must be a known muscle group, listed once");
    }
  }
  const auto known_rule = [&](const std::string& id) {
    return std::any_of(protocol.session.stop_rules.begin(), protocol.session.stop_rules.end(),
                       [&](const StopRule& rule) { return rule.id == id; });
  };
  const json* points = find(record, "points");
  if (points == nullptr || !points->is_array()) {
    return Error::invalid_input(base + "/points", "must be an array");
  }
  if (points->size() > kMaxRecordPoints) {
    return Error::invalid_input(
        base + "/points", "must have at most " + std::to_string(kMaxRecordPoints) + " entries");
  }
  json normalised_points = json::array();
  for (std::size_t i = 0; i < points->size(); ++i) {
    const json& point = (*points)[i];
    const std::string where = base + "/points/" + std::to_string(i);
    if (auto ok = check_keys(point, where, {"side", "group", "area", "held_seconds", "stop_rule"});
        !ok) {
      return ok.error();
    }
    auto side = string_at(point, where, "side", true);
    if (!side) return side.error();
    if (std::find(sides->begin(), sides->end(), *side) == sides->end()) {
      return Error::invalid_input(where + "/side", "must be one of the record's sides");
    }
    auto group_id = string_at(point, where, "group", true);
    if (!group_id) return group_id.error();
    const MuscleGroup* group = protocol.find_group(*group_id);
    if (group == nullptr || std::find(groups->begin(), groups->end(), *group_id) == groups->end()) {
      return Error::invalid_input(where + "/group", "must be one of the record's groups");
    }
    auto area = string_at(point, where, "area", true);
    if (!area) return area.error();
    if (std::none_of(group->areas.begin(), group->areas.end(),
                     [&](const TreatmentArea& a) { return a.id == *area; })) {
      return Error::invalid_input(where + "/area",
                                  "unknown area \"" + *area + "\" of group \"" + group->id + "\"");
    }
    auto held = integer_at(point, where, "held_seconds", 0, group->hold_seconds.max);
    if (!held) return held.error();
    auto rule = string_at(point, where, "stop_rule", false);
    if (!rule) return rule.error();
    if (!rule->empty() && !known_rule(*rule)) {
      return Error::invalid_input(where + "/stop_rule", "unknown stop rule \"" + *rule + "\"");
    }
    normalised_points.push_back({{"side", *side},
                                 {"group", *group_id},
                                 {"area", *area},
                                 {"held_seconds", *held},
                                 {"stop_rule", *rule}});
  }
  auto rule = string_at(record, base, "stop_rule", false);
  if (!rule) return rule.error();
  if (!rule->empty()) {
    const auto it =
        std::find_if(protocol.session.stop_rules.begin(), protocol.session.stop_rules.end(),
                     [&](const StopRule& r) { return r.id == *rule; });
    if (it == protocol.session.stop_rules.end()) {
      return Error::invalid_input(base + "/stop_rule", "unknown stop rule \"" + *rule + "\"");
    }
    if (it->ends != StopRule::Ends::kSession) {
      return Error::invalid_input(base + "/stop_rule",
                                  "\"" + *rule + "\" ends a hold, not the session");
    }
  }
  auto flags = strings_at(record, base, "red_flags", false);
  if (!flags) return flags.error();
  for (std::size_t i = 0; i < flags->size(); ++i) {
    const bool asked = std::any_of(protocol.session.recheck.begin(), protocol.session.recheck.end(),
                                   [&](const auto& q) { return q.red_flag == (*flags)[i]; });
    if (!asked || std::count(flags->begin(), flags->end(), (*flags)[i]) > 1) {
      return Error::invalid_input(base + "/red_flags/" + std::to_string(i),
                                  "must be a red flag asked before a session, listed once");
    }
  }
  if ((!rule->empty() || !flags->empty()) && *outcome != "stopped") {
    return Error::invalid_input(base + "/outcome",
                                "must be \"stopped\" when a stop rule or a red flag ended it");
  }
  return json{{"outcome", *outcome}, {"sides", *sides},
              {"groups", *groups},   {"points", std::move(normalised_points)},
              {"stop_rule", *rule},  {"red_flags", *flags}};
}

}  // namespace hipcoach::core
