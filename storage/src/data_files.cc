#include "hipcoach/storage/data_files.h"

#include <algorithm>
#include <fstream>
#include <system_error>
#include <vector>

namespace hipcoach::storage {

namespace fs = std::filesystem;

namespace {

// Reads at most kMaxDataFileBytes + 1 bytes: enough for the core to see that a
// file is too large without holding a huge one in memory.
bool read_capped(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.resize(core::kMaxDataFileBytes + 1);
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  if (in.bad()) return false;
  out.resize(static_cast<std::size_t>(in.gcount()));
  return true;
}

core::Diagnostic file_problem(const fs::path& path, std::string message) {
  return core::Diagnostic{path.generic_string(), 0, 0, "", std::move(message)};
}

}  // namespace

DataDirectory read_data_dir(const fs::path& dir) {
  DataDirectory out;
  std::vector<core::Diagnostic>& problems = out.problems;

  core::DataFile& sources = out.sources;
  sources.name = (dir / "sources.toml").generic_string();
  if (!read_capped(dir / "sources.toml", sources.text)) {
    problems.push_back(file_problem(dir / "sources.toml", "cannot read the file"));
  }

  // protocol/ is required; triage/ and questionnaires/ are optional (without
  // them triage and questionnaires are not offered).
  std::vector<fs::path> paths;
  for (const auto& [name, required] : {std::pair{"protocol", true}, std::pair{"triage", false},
                                       std::pair{"questionnaires", false}}) {
    const fs::path subdir = dir / name;
    std::error_code error;
    if (!required && !fs::exists(subdir, error)) continue;
    std::vector<fs::path> found;
    fs::directory_iterator it(subdir, error);
    if (error) {
      problems.push_back(file_problem(subdir, "cannot read the directory: " + error.message()));
      continue;
    }
    for (const fs::directory_entry& entry : it) {
      if (entry.path().extension() == ".toml" && entry.is_regular_file(error)) {
        found.push_back(entry.path());
      }
    }
    std::sort(found.begin(), found.end());
    paths.insert(paths.end(), found.begin(), found.end());
  }
  // The clinic's settings (kind "clinic") are optional: without them the pages
  // show no clinic and name no emergency number of their own.
  if (std::error_code error; fs::exists(dir / "clinic.toml", error)) {
    paths.push_back(dir / "clinic.toml");
  }

  std::vector<core::DataFile>& files = out.files;
  for (const fs::path& path : paths) {
    core::DataFile file{path.generic_string(), {}};
    if (!read_capped(path, file.text)) {
      problems.push_back(file_problem(path, "cannot read the file"));
      continue;
    }
    files.push_back(std::move(file));
  }

  return out;
}

core::LoadedProtocol load_protocol_dir(const fs::path& dir) {
  DataDirectory data = read_data_dir(dir);
  std::vector<core::Diagnostic>& problems = data.problems;
  core::LoadedProtocol loaded = core::load_protocol(data.sources, data.files);
  if (!problems.empty()) {
    // A missing file makes the core's own checks noisy; the I/O problems come first.
    problems.insert(problems.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
    loaded.diagnostics = std::move(problems);
  }
  return loaded;
}

}  // namespace hipcoach::storage
