// Loading + validating the real protocol data, and its JSON view. The files
// are read into memory once, so the figures cover only the core's work.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "hipcoach/core/codec.h"
#include "hipcoach/core/session.h"
#include "hipcoach/core/triage.h"
#include "hipcoach/core/validate.h"
#include "hipcoach/storage/data_files.h"

namespace {

namespace core = hipcoach::core;

// The real data/, read once: the figures cover only the core's work.
const hipcoach::storage::DataDirectory& data_set() {
  static const hipcoach::storage::DataDirectory kData =
      hipcoach::storage::read_data_dir(HIPCOACH_DATA_DIR);
  return kData;
}

void BM_LoadProtocol(benchmark::State& state) {
  const auto& data = data_set();
  for (auto _ : state) {
    core::LoadedProtocol loaded = core::load_protocol(data.sources, data.files);
    benchmark::DoNotOptimize(loaded);
  }
  const core::LoadedProtocol loaded = core::load_protocol(data.sources, data.files);
  state.counters["files"] = static_cast<double>(data.files.size() + 1);
  state.counters["diagnostics"] = static_cast<double>(loaded.diagnostics.size());
}
BENCHMARK(BM_LoadProtocol)->Unit(benchmark::kMicrosecond);

void BM_ProtocolToJson(benchmark::State& state) {
  const auto& data = data_set();
  const core::LoadedProtocol loaded = core::load_protocol(data.sources, data.files);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string json = core::to_json(loaded.protocol).dump();
    bytes = json.size();
    benchmark::DoNotOptimize(json.data());
  }
  state.counters["json_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ProtocolToJson)->Unit(benchmark::kMicrosecond);

constexpr std::string_view kAnswers = R"({"age": 54, "side": "left",
  "locations": ["outer_hip", "outer_thigh"], "pain_now": 4, "worst_pain_week": 7,
  "duration_weeks": 10, "aggravators": ["lying_on_side", "stairs"], "red_flags": [],
  "cautions": ["osteoporosis"]})";

// One evaluation of parsed answers: the figure the triage issue targets (< 10 us).
void BM_EvaluateTriage(benchmark::State& state) {
  const auto& data = data_set();
  const core::LoadedProtocol loaded = core::load_protocol(data.sources, data.files);
  const core::Answers answers = *core::parse_answers(kAnswers);
  for (auto _ : state) {
    core::TriageResult result = core::evaluate_triage(loaded.protocol, answers);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_EvaluateTriage);

// What POST /api/v1/triage does besides HTTP: parse, evaluate, write JSON.
void BM_TriageRequest(benchmark::State& state) {
  const auto& data = data_set();
  const core::LoadedProtocol loaded = core::load_protocol(data.sources, data.files);
  const core::TriageJsonWriter writer(loaded.protocol);
  for (auto _ : state) {
    const core::Answers answers = *core::parse_answers(kAnswers);
    const std::string json = writer.write(core::evaluate_triage(loaded.protocol, answers));
    benchmark::DoNotOptimize(json.data());
  }
}
BENCHMARK(BM_TriageRequest)->Unit(benchmark::kMicrosecond);

// The largest guided-session plan: every muscle group, both sides (the
// session issue targets < 50 us).
void BM_BuildSessionPlan(benchmark::State& state) {
  const auto& data = data_set();
  const core::LoadedProtocol loaded = core::load_protocol(data.sources, data.files);
  core::PlanRequest request;
  for (const core::MuscleGroup& group : loaded.protocol.groups) request.groups.push_back(group.id);
  request.side = "both";
  std::size_t steps = 0;
  for (auto _ : state) {
    core::Result<core::SessionPlan> plan = core::build_session_plan(loaded.protocol, request);
    steps = plan ? plan->steps.size() : 0;
    benchmark::DoNotOptimize(plan);
  }
  state.counters["groups"] = static_cast<double>(request.groups.size());
  state.counters["steps"] = static_cast<double>(steps);
}
BENCHMARK(BM_BuildSessionPlan)->Unit(benchmark::kMicrosecond);

}  // namespace
