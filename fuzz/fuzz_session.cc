// The guided session's inputs: the plan request, the coach's saved state (a
// page reload brings it back, then the person presses keys) and the session
// record a client sends to be saved. The input's first byte picks which one
// the next line (JSON text) is; for the saved state, the bytes after that
// line are the key presses.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "hipcoach/core/session.h"
#include "hipcoach/core/session_codec.h"

namespace {

using namespace hipcoach;

// Every group, both sides: the longest plan the shipped data makes.
const core::SessionPlan& full_plan() {
  static const core::SessionPlan kPlan = [] {
    const core::Protocol& protocol = fuzz::shipped_protocol();
    core::PlanRequest request;
    for (const core::MuscleGroup& group : protocol.groups) request.groups.push_back(group.id);
    request.side = "both";
    request.pain_limit = 5;
    auto plan = core::build_session_plan(protocol, request);
    if (!plan) std::abort();
    return *plan;
  }();
  return kPlan;
}

void press_keys(core::Coach& coach, fuzz::Input& input) {
  core::SessionTime now{0};
  const core::SessionPlan& plan = coach.plan();
  for (int presses = 0; presses < 64; ++presses) {
    const std::uint8_t key = input.byte();
    now += std::chrono::milliseconds(input.byte() * 1000);
    switch (key % 10) {
      case 0:
        (void)coach.tick(now);
        break;
      case 1:
        (void)coach.pause(now);
        break;
      case 2:
        (void)coach.resume(now);
        break;
      case 3:
        (void)coach.next(now);
        break;
      case 4:
        (void)coach.back(now);
        break;
      case 5:
        (void)coach.report_pain(now, static_cast<int>(input.byte()) - 20);
        break;
      case 6:
        if (!plan.stop_rules.empty()) {
          (void)coach.stop_rule(now, plan.stop_rules[input.byte() % plan.stop_rules.size()].id);
        }
        break;
      case 7:
        (void)coach.stop(now);
        break;
      case 8:
        (void)coach.view(now);
        break;
      default:
        (void)core::to_json(coach.state()).dump();
        break;
    }
  }
  (void)core::session_record_json(coach).dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const core::Protocol& protocol = fuzz::shipped_protocol();
  fuzz::Input input(data, size);
  const std::uint8_t choice = input.byte() % 3;
  const nlohmann::json json = nlohmann::json::parse(input.line(), nullptr, false);
  if (json.is_discarded()) return 0;
  if (choice == 0) {
    auto request = core::plan_request_from_json(json);
    if (!request) return 0;
    if (auto plan = core::build_session_plan(protocol, *request)) {
      (void)core::to_json(protocol, *plan).dump();
    }
  } else if (choice == 1) {
    auto state = core::coach_state_from_json(json);
    if (!state) return 0;
    auto coach = core::Coach::restore(full_plan(), std::move(*state));
    if (coach) press_keys(*coach, input);
  } else {
    if (auto record = core::check_session_record(protocol, json)) (void)record->dump();
  }
  return 0;
}
