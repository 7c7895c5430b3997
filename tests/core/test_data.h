// Helpers for tests that load protocol data from the fixtures.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "hipcoach/core/validate.h"

namespace hipcoach::testing {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A data set in memory, keyed by relative path ("sources.toml",
// "protocol/group.toml"); names in diagnostics are "data/" + that path.
struct DataSet {
  std::map<std::string, std::string> files;

  static DataSet from_dir(const std::filesystem::path& dir) {
    DataSet set;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".toml") {
        set.files[std::filesystem::relative(entry.path(), dir).generic_string()] =
            read_file(entry.path());
      }
    }
    return set;
  }

  core::LoadedProtocol load() const {
    core::DataFile sources{"data/sources.toml", {}};
    std::vector<core::DataFile> protocol;
    for (const auto& [name, text] : files) {
      if (name == "sources.toml") {
        sources.text = text;
      } else {
        protocol.push_back({"data/" + name, text});
      }
    }
    return core::load_protocol(sources, protocol);
  }
};

inline std::string good_dir() { return std::string(HIPCOACH_TESTDATA_DIR) + "/good"; }

// The shipped data (protocol and triage rules), loaded once. Whether it is
// valid is tested on its own (ProtocolValidator.AcceptsTheShippedProtocol).
const core::Protocol& shipped_protocol();

}  // namespace hipcoach::testing
