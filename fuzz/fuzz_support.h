// What the fuzz targets share: the shipped data, loaded once, and a way to
// split one fuzz input into parts. No target may print, exit or abort on
// bad input: libFuzzer reports a crash, a leak, a timeout or a sanitizer
// finding, and each one found becomes a regression test in tests/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hipcoach/core/protocol.h"
#include "hipcoach/storage/data_files.h"

namespace hipcoach::fuzz {

// The repository's data/ folder, read once (HIPCOACH_SOURCE_DIR is set by CMake).
inline const storage::DataDirectory& shipped_files() {
  static const storage::DataDirectory kFiles =
      storage::read_data_dir(std::string(HIPCOACH_SOURCE_DIR) + "/data");
  return kFiles;
}

// The shipped protocol, loaded once; aborts when the shipped data is broken
// (a broken checkout, not a finding).
inline const core::Protocol& shipped_protocol() {
  static const core::LoadedProtocol kLoaded = [] {
    core::LoadedProtocol loaded =
        storage::load_protocol_dir(std::string(HIPCOACH_SOURCE_DIR) + "/data");
    if (!loaded.ok()) std::abort();
    return loaded;
  }();
  return kLoaded.protocol;
}

// Reads the input front to back: one byte as a choice, a line, the rest.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  // A byte (0 when the input is used up).
  std::uint8_t byte() {
    if (rest_.empty()) return 0;
    const auto value = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return value;
  }
  // Up to the next '\n' (not included), or everything left.
  std::string_view line() {
    const std::size_t end = rest_.find('\n');
    const std::string_view line = rest_.substr(0, end);
    rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end + 1);
    return line;
  }
  std::string_view rest() {
    const std::string_view rest = rest_;
    rest_ = {};
    return rest;
  }

 private:
  std::string_view rest_;
};

}  // namespace hipcoach::fuzz
