// A file that appears whole or not at all: written under a temporary name
// beside its target with mode 0600 (backups and exports hold health data),
// flushed to the disk and only then given the target's name. Used by
// `hipcoach backup` and `hipcoach audit export`.
//
//   PendingFile file("/backups/x.sqlite", "--to");
//   if (auto ok = file.create(); !ok) ...
//   ... write with file.write(...) or let a library write to file.path() ...
//   if (auto ok = file.commit(force); !ok) ...
//
// Not thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/error.h"
#include "hipcoach/core/result.h"

namespace hipcoach::storage {

class PendingFile {
 public:
  // Errors name `where` (a command-line option, or the target itself).
  // `companions`: suffixes of files a library may make beside the
  // temporary one (SQLite's "-journal", "-wal", "-shm"), removed with it.
  PendingFile(std::string target, std::string where, std::vector<std::string> companions = {});
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  // Removes the temporary file (and its companions) unless commit() named it.
  ~PendingFile();

  // Creates the empty temporary file, mode 0600. kUnavailable when it cannot.
  core::Result<void> create();
  // The temporary file's name, for a library that writes it itself.
  const std::string& path() const { return temporary_; }
  // Appends `bytes` (buffered). kUnavailable when they cannot be written.
  core::Result<void> write(std::string_view bytes);
  // Writes what is buffered, flushes the file to the disk and gives it the
  // target's name, then flushes the directory. When `replace` is false, only
  // if no file has that name: kConflict (exists_error()) otherwise, even for
  // a file made since the caller checked. kUnavailable when it cannot.
  core::Result<void> commit(bool replace);

  // "TARGET exists; give --force to replace it", as kConflict.
  core::Error exists_error() const;

 private:
  core::Result<void> flush_buffer();

  std::string target_;
  std::string where_;
  std::vector<std::string> companions_;
  std::string temporary_;  // Empty when there is none to remove.
  int descriptor_ = -1;
  std::string buffer_;
};

}  // namespace hipcoach::storage
