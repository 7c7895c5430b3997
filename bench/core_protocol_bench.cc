// Loading + validating the real protocol data, and its JSON view. The files
// are read into memory once, so the figures cover only the core's work.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "hipcoach/core/codec.h"
#include "hipcoach/core/triage.h"
#include "hipcoach/core/validate.h"

namespace {

namespace core = hipcoach::core;

core::DataFile read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {path.string(),
          std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>())};
}

struct DataSet {
  core::DataFile sources;
  std::vector<core::DataFile> protocol_files;
};

const DataSet& data_set() {
  static const DataSet kData = [] {
    const std::filesystem::path dir = HIPCOACH_DATA_DIR;
    DataSet data{read_file(dir / "sources.toml"), {}};
    std::vector<std::filesystem::path> paths;
    for (const char* subdir : {"protocol", "triage"}) {
      std::vector<std::filesystem::path> found;
      for (const auto& entry : std::filesystem::directory_iterator(dir / subdir)) {
        if (entry.path().extension() == ".toml") found.push_back(entry.path());
      }
      std::sort(found.begin(), found.end());
      paths.insert(paths.end(), found.begin(), found.end());
    }
    for (const auto& path : paths) data.protocol_files.push_back(read_file(path));
    return data;
  }();
  return kData;
}

void BM_LoadProtocol(benchmark::State& state) {
  const DataSet& data = data_set();
  for (auto _ : state) {
    core::LoadedProtocol loaded = core::load_protocol(data.sources, data.protocol_files);
    benchmark::DoNotOptimize(loaded);
  }
  const core::LoadedProtocol loaded = core::load_protocol(data.sources, data.protocol_files);
  state.counters["files"] = static_cast<double>(data.protocol_files.size() + 1);
  state.counters["diagnostics"] = static_cast<double>(loaded.diagnostics.size());
}
BENCHMARK(BM_LoadProtocol)->Unit(benchmark::kMicrosecond);

void BM_ProtocolToJson(benchmark::State& state) {
  const DataSet& data = data_set();
  const core::LoadedProtocol loaded = core::load_protocol(data.sources, data.protocol_files);
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
  const DataSet& data = data_set();
  const core::LoadedProtocol loaded = core::load_protocol(data.sources, data.protocol_files);
  const core::Answers answers = *core::parse_answers(kAnswers);
  for (auto _ : state) {
    core::TriageResult result = core::evaluate_triage(loaded.protocol, answers);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_EvaluateTriage);

// What POST /api/v1/triage does besides HTTP: parse, evaluate, write JSON.
void BM_TriageRequest(benchmark::State& state) {
  const DataSet& data = data_set();
  const core::LoadedProtocol loaded = core::load_protocol(data.sources, data.protocol_files);
  const core::TriageJsonWriter writer(loaded.protocol);
  for (auto _ : state) {
    const core::Answers answers = *core::parse_answers(kAnswers);
    const std::string json = writer.write(core::evaluate_triage(loaded.protocol, answers));
    benchmark::DoNotOptimize(json.data());
  }
}
BENCHMARK(BM_TriageRequest)->Unit(benchmark::kMicrosecond);

}  // namespace
