// Reading the protocol data from a directory: the I/O half of
// core::load_protocol. Thread-safe.
#pragma once

#include <filesystem>
#include <vector>

#include "hipcoach/core/validate.h"

namespace hipcoach::storage {

// Reads DIR/sources.toml, every DIR/protocol/*.toml and, when that directory
// exists, every DIR/triage/*.toml and DIR/questionnaires/*.toml (each
// directory in name order) and DIR/clinic.toml when it exists, each
// cut at core::kMaxDataFileBytes + 1 bytes so that the core can report an
// oversized file without this reading all of it, and hands them to
// core::load_protocol. File names in diagnostics are `dir / relative path`
// as given. An unreadable or missing file or directory becomes a diagnostic
// too, so the caller has one list to print.
core::LoadedProtocol load_protocol_dir(const std::filesystem::path& dir);

// The files of a data directory as read, before the core checks them.
struct DataDirectory {
  core::DataFile sources;
  std::vector<core::DataFile> files;       // Every protocol, triage, questionnaire and clinic file.
  std::vector<core::Diagnostic> problems;  // Files or directories that could not be read.
};

// The reading half of load_protocol_dir, for callers that load the same
// files more than once (benchmarks).
DataDirectory read_data_dir(const std::filesystem::path& dir);

}  // namespace hipcoach::storage
