// `hipcoach backup` and `hipcoach restore`: the whole database copied to one
// file and back, on the server machine (storage/backup.h does the copying).
// A backup may be taken while `hipcoach serve` runs on the database; a
// restore needs the server stopped.
#pragma once

#include <string>

#include "command.h"

namespace hipcoach::cli {

struct BackupCommandOptions {
  std::string to;            // --to FILE; required.
  bool force = false;        // --force: replace an existing FILE. Default false.
  DatabaseOptions database;  // Only --db is used.
};

// Copies the database into FILE (mode 0600; written under a temporary name
// and named only when complete and checked), then prints one line to
// command.out: the file, its size and the schema version.
// Returns kExitOk; kExitUsage for a malformed --db or an empty --to;
// kExitInvalidData when FILE exists (without --force), the database cannot
// be read (a SQLite file that does not exist is not created), the copy fails
// its check, pg_dump is missing or fails, or FILE cannot be written.
int run_backup(const Command& command, const BackupCommandOptions& options);

struct RestoreCommandOptions {
  std::string from;          // --from FILE; required.
  bool force = false;        // --force: replace a database that holds data.
  DatabaseOptions database;  // Only --db is used.
};

// Replaces the database with the backup FILE, applies this program's
// migrations, then prints one line to command.out: what was restored, the
// schema versions and the rows of each table.
// Returns kExitOk; kExitUsage for a malformed --db or an empty --from;
// kExitInvalidData when FILE is missing, is not a HipCoach backup or is from
// a newer schema, the database holds data (without --force) or is in use,
// or the restore fails.
int run_restore(const Command& command, const RestoreCommandOptions& options);

}  // namespace hipcoach::cli
