// Loading and validating the protocol data.
//
// The loader takes file contents, not paths: the caller reads the files (see
// the CLI's and server's data_files), so the core does no I/O. It reports every
// problem in one pass, sorted by file and position. Thread-safe: it shares no
// state between calls.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "hipcoach/core/protocol.h"

namespace hipcoach::core {

// Files larger than this are refused unread.
inline constexpr std::size_t kMaxDataFileBytes = 1024 * 1024;

// A data file: the name used in messages (e.g. "data/protocol/tfl.toml") and
// its whole contents (or the first kMaxDataFileBytes + 1 bytes of it).
struct DataFile {
  std::string name;
  std::string text;
};

// One problem in the data, printed as "FILE:LINE:COL: key.path: message".
// line and column are 1-based; 0 when the problem has no position (a
// missing file).
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string path;  // Dotted key path, e.g. "treat.hold_seconds.max"; may be empty.
  std::string message;

  std::string to_string() const;
};

struct LoadedProtocol {
  Protocol protocol;
  std::vector<Diagnostic> diagnostics;  // Empty when the data is valid.

  bool ok() const { return diagnostics.empty(); }
};

// Parses `sources` (sources.toml) and every protocol file, then checks the
// whole: required keys and types, unknown keys, empty text, number ranges,
// duplicate ids, cross references (citations, body-map views, areas and
// landmarks), file size and UTF-8. The protocol is filled as far as the data
// allows even when there are diagnostics.
LoadedProtocol load_protocol(const DataFile& sources, std::span<const DataFile> protocol_files);

}  // namespace hipcoach::core
