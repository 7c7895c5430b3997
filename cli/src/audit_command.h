// `hipcoach audit export`: the clinic administrator's copy of the whole audit
// log, made on the server machine from the database itself: every row, oldest
// first, as JSON Lines (one row a line, the JSON of GET /api/v1/audit's rows,
// service::to_admin_json). It only reads: the log stays append-only, and a
// SQLite database that does not exist is not created.
#pragma once

#include <optional>
#include <string>

#include "command.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::cli {

struct AuditExportOptions {
  std::string to;                    // --to FILE; empty (the default): standard output.
  std::optional<std::string> since;  // --since RFC 3339; none (the default): every row.
  bool force = false;                // --force: replace an existing FILE. Default false.
  DatabaseOptions database;          // Only --db is used.
  // Rows read from the store at a time; the export holds at most one such
  // page, plus one id a page. Default kMaxListLimit; tests pass fewer.
  // REQUIRES: 1 <= page_rows <= storage::kMaxListLimit.
  int page_rows = storage::kMaxListLimit;
};

// Writes every audit row whose `at` is at or after --since (every row
// without it), oldest first (id ascending), one JSON object and a line end
// each, to FILE or command.out; then tells command.err how many rows it
// wrote. Rows appended while it runs are left out. FILE is written under a
// temporary name in its directory with mode 0600 and takes its name only
// when every row is written, so a failure leaves no partial file.
// Returns kExitOk; kExitUsage for a malformed --since or --db;
// kExitInvalidData when FILE exists (without --force), it cannot be
// written, the SQLite file named by --db does not exist, or the database
// cannot be read.
int run_audit_export(const Command& command, const AuditExportOptions& options);

}  // namespace hipcoach::cli
