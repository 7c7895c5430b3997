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
    for (const auto& entry : std::filesystem::directory_iterator(dir / "protocol")) {
      if (entry.path().extension() == ".toml") paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
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

}  // namespace
