#include "audit_command.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/records.h"
#include "hipcoach/storage/pending_file.h"

namespace hipcoach::cli {

namespace {

namespace fs = std::filesystem;
using core::Error;
using std::chrono::sys_seconds;

constexpr std::string_view kSqliteScheme = "sqlite:";
constexpr std::string_view kStandardOutput = "standard output";

// Takes one line, with its line end. An error's where names the output
// ("--to" or kStandardOutput).
using LineSink = std::function<core::Result<void>(std::string_view line)>;

// Writes the rows at or after `since` (every row without it) oldest first to
// `sink`; returns how many. Store errors and the sink's are passed on.
core::Result<std::int64_t> write_rows(storage::Store& store, std::optional<sys_seconds> since,
                                      int page_rows, const LineSink& sink) {
  auto newest = store.list_audit(1, std::nullopt);
  if (!newest) return newest.error();
  if (newest->empty()) return std::int64_t{0};

  // The store pages newest first and the export goes oldest first: a first
  // pass notes where each page starts (one id a page, never the rows), the
  // second reads the pages again in reverse. Both start below the newest row
  // there is now, so that rows appended meanwhile do not shift the pages.
  std::vector<std::int64_t> page_starts;
  std::int64_t before = newest->front().id + 1;
  for (;;) {
    auto page = store.list_audit(page_rows, before);
    if (!page) return page.error();
    if (page->empty()) break;
    const bool wanted =
        !since || std::any_of(page->begin(), page->end(),
                              [&](const storage::AuditEntry& entry) { return entry.at >= *since; });
    if (wanted) page_starts.push_back(before);
    if (static_cast<int>(page->size()) < page_rows) break;
    before = page->back().id;
  }

  std::int64_t written = 0;
  for (auto start = page_starts.rbegin(); start != page_starts.rend(); ++start) {
    auto page = store.list_audit(page_rows, *start);
    if (!page) return page.error();
    for (auto entry = page->rbegin(); entry != page->rend(); ++entry) {
      if (since && entry->at < *since) continue;
      std::string line = service::to_admin_json(*entry).dump(
          -1, ' ', false, nlohmann::json::error_handler_t::replace);
      line += '\n';
      if (auto ok = sink(line); !ok) return ok.error();
      ++written;
    }
  }
  return written;
}

// kExitInvalidData with the message of an error about the output, or of
// the store.
int output_or_store_failure(const Command& command, const Error& error) {
  if (error.where() == "--to" || error.where() == kStandardOutput) {
    return command.fail(kExitInvalidData, error.where(), error.message());
  }
  return store_failure(command, error);
}

}  // namespace

int run_audit_export(const Command& command, const AuditExportOptions& options) {
  std::optional<sys_seconds> since;
  if (options.since) {
    auto parsed = core::parse_timestamp(*options.since, "--since");
    if (!parsed) return command.fail(kExitUsage, "--since", parsed.error().message());
    since = parsed->utc;
  }
  std::optional<storage::PendingFile> file;
  if (!options.to.empty()) {
    file.emplace(options.to, "--to");
    std::error_code ignored;
    if (!options.force &&
        fs::symlink_status(options.to, ignored).type() != fs::file_type::not_found) {
      return output_or_store_failure(command, file->exists_error());
    }
  }

  // Opening a SQLite file that is not there would create an empty database:
  // a mistyped path would then export nothing, and leave a file behind.
  if (auto url = database_url(options.database.db, command.environment);
      url && url->starts_with(kSqliteScheme)) {
    const std::string path = url->substr(kSqliteScheme.size());
    std::error_code ignored;
    if (!path.empty() && !fs::exists(path, ignored)) {
      return command.fail(kExitInvalidData, "--db",
                          "no database at " + path + " (the export only reads; it creates none)");
    }
  }
  int exit_code = kExitOk;
  const std::unique_ptr<storage::Store> store = open_database(command, options.database, exit_code);
  if (!store) return exit_code;

  LineSink sink = [&](std::string_view line) -> core::Result<void> {
    command.out << line;
    if (!command.out) return Error::unavailable(std::string(kStandardOutput), "cannot write");
    return {};
  };
  if (file) {
    if (auto opened = file->create(); !opened)
      return output_or_store_failure(command, opened.error());
    sink = [&](std::string_view line) { return file->write(line); };
  }
  auto written = write_rows(*store, since, options.page_rows, sink);
  if (!written) return output_or_store_failure(command, written.error());
  if (file) {
    if (auto committed = file->commit(options.force); !committed) {
      return output_or_store_failure(command, committed.error());
    }
  } else if (!command.out.flush()) {
    return command.fail(kExitInvalidData, kStandardOutput, "cannot write");
  }
  command.err << command.name << ": wrote " << *written << (*written == 1 ? " row" : " rows")
              << " of the audit log to " << (file ? options.to : std::string(kStandardOutput))
              << "\n";
  return kExitOk;
}

}  // namespace hipcoach::cli
