// backup_database and restore_database: a whole database copied to one file
// and back, for `hipcoach backup` and `hipcoach restore`.
//   SQLite      the online backup API: the copy is taken while a server goes
//               on reading and writing the database (WAL lets both proceed),
//               and is one consistent snapshot. The file is itself a SQLite
//               database (rollback journal, so a single file), checked with
//               PRAGMA integrity_check before it takes its name.
//   PostgreSQL  pg_dump --format=custom, and pg_restore. Both are run
//               directly (never through a shell); the password of the URL
//               goes to them in PGPASSWORD, never on a command line, and no
//               error repeats it.
// Files are written under a temporary name beside the target with mode 0600
// (health data), flushed to the disk, then named; a failure leaves no
// partial file. Thread-safe: calls share nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/result.h"

namespace hipcoach::storage {

struct BackupOptions {
  // Replace `to` when a file has that name. Default false: kConflict.
  bool force = false;
  // SQLite: pages copied per step of the online backup, and the pause
  // between steps, so that a rollback-journal database is not held locked
  // for the whole copy. When other connections' writes make the copy start
  // over `max_restarts` times, the rest is copied in one step (under WAL it
  // never blocks a writer). Defaults: 256 pages (1 MiB at 4 KiB), 2 ms, 3.
  int pages_per_step = 256;
  std::chrono::milliseconds pause{2};
  int max_restarts = 3;
  // SQLite: how long a step may wait for a lock (SQLITE_BUSY or
  // SQLITE_LOCKED) before the backup fails with kUnavailable. Default 30 s.
  std::chrono::milliseconds busy_timeout{30'000};
  // PostgreSQL: the directory of pg_dump and pg_restore. Default empty: the
  // PATH, then the newest /usr/lib/postgresql/N/bin.
  std::string postgres_bin_dir;
};

// One table and its number of rows.
struct TableRows {
  std::string table;
  std::int64_t rows = 0;
};

struct BackupResult {
  std::string file;          // As given.
  std::uintmax_t bytes = 0;  // The file's size.
  int schema_version = 0;    // Of the database copied.
};

// Copies the database that `url` names ("sqlite:PATH" or "postgresql://...")
// into the file `to`. Returns what was written.
// Errors: kInvalidInput (where "url") for another scheme or a malformed
// URL; kConflict (where `to`) when `to` exists and not options.force;
// kNotFound (where PATH) when the SQLite database does not exist (none is
// created); kUnavailable when the database cannot be read (busy past the
// timeout, damaged: where PATH), the copy fails its integrity check, pg_dump
// is missing or fails (the message sums up its error output), or `to` cannot
// be written (where `to`).
core::Result<BackupResult> backup_database(std::string_view url, const std::string& to,
                                           const BackupOptions& options = {});

struct RestoreOptions {
  // Restore into a database that holds rows. Default false: kConflict.
  bool force = false;
  // As BackupOptions::postgres_bin_dir.
  std::string postgres_bin_dir;
};

struct RestoreResult {
  int backup_schema_version = 0;  // Of the file.
  int schema_version = 0;         // Of the database after its migrations.
  std::vector<TableRows> tables;  // Every table of the restored database, by name.
};

// Replaces the database that `url` names with the backup `from` (a file made
// by backup_database for the same kind of database), then opens it as
// open_store does, which applies the migrations this program has and the
// backup lacks. SQLite: the file must pass PRAGMA integrity_check and hold a
// HipCoach schema; it is copied in with the backup API in one transaction,
// so the target is either wholly replaced or left as it was. The target must
// not be open elsewhere (a running `hipcoach serve`): kConflict when it is.
// PostgreSQL: pg_restore --clean --if-exists --no-owner --single-transaction.
// Errors: kInvalidInput (where "url") as backup_database; kInvalidInput
// (where `from`) when the file is not a HipCoach backup (not a database,
// damaged, no schema) or its schema is newer than this program; kNotFound
// (where `from`) when it does not exist; kConflict when the target holds
// rows (without options.force) or is in use; kUnavailable when the target
// cannot be written, or pg_restore is missing or fails.
core::Result<RestoreResult> restore_database(std::string_view url, const std::string& from,
                                             const RestoreOptions& options = {});

}  // namespace hipcoach::storage
