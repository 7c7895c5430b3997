#include "backup_command.h"

#include <sstream>

#include "hipcoach/storage/backup.h"

namespace hipcoach::cli {

namespace {

using core::Error;

// What the messages call the database: a SQLite file by its path; never a
// PostgreSQL URL, which may hold a password.
std::string describe(const std::string& url) {
  if (url.starts_with("sqlite:")) return url;
  return "the PostgreSQL database";
}

// "12345 bytes (12.1 KiB)".
std::string describe_size(std::uintmax_t bytes) {
  std::ostringstream text;
  text << bytes << (bytes == 1 ? " byte" : " bytes");
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double size = static_cast<double>(bytes);
  int unit = -1;
  while (size >= 1024.0 && unit < 3) {
    size /= 1024.0;
    ++unit;
  }
  if (unit >= 0) {
    text.setf(std::ios::fixed);
    text.precision(1);
    text << " (" << size << ' ' << units[unit] << ')';
  }
  return text.str();
}

// The exit code and message for an error of storage::backup_database or
// restore_database. `file_option` is "--to" or "--from".
int backup_failure(const Command& command, const Error& error, std::string_view file_option) {
  if (error.code() == core::ErrorCode::kInvalidInput) {
    if (error.where() == "url") return command.fail(kExitUsage, "--db", error.message());
    if (error.where() == "to" || error.where() == "from") {
      return command.fail(kExitUsage, file_option, error.message());
    }
  }
  if (error.where() == "database") return command.fail(kExitInvalidData, "--db", error.message());
  return command.fail(kExitInvalidData, error.where(), error.message());
}

}  // namespace

int run_backup(const Command& command, const BackupCommandOptions& options) {
  if (options.to.empty()) return command.fail(kExitUsage, "--to", "give the backup file's name");
  int exit_code = kExitOk;
  const std::optional<std::string> url = resolve_database_url(command, options.database, exit_code);
  if (!url) return exit_code;
  storage::BackupOptions backup_options;
  backup_options.force = options.force;
  auto written = storage::backup_database(*url, options.to, backup_options);
  if (!written) return backup_failure(command, written.error(), "--to");
  command.out << command.name << ": wrote " << written->file << ": "
              << describe_size(written->bytes) << ", schema version " << written->schema_version
              << ", from " << describe(*url) << "\n";
  return kExitOk;
}

int run_restore(const Command& command, const RestoreCommandOptions& options) {
  if (options.from.empty()) {
    return command.fail(kExitUsage, "--from", "give the backup file's name");
  }
  int exit_code = kExitOk;
  const std::optional<std::string> url = resolve_database_url(command, options.database, exit_code);
  if (!url) return exit_code;
  storage::RestoreOptions restore_options;
  restore_options.force = options.force;
  auto restored = storage::restore_database(*url, options.from, restore_options);
  if (!restored) return backup_failure(command, restored.error(), "--from");
  command.out << command.name << ": restored " << options.from << " into " << describe(*url)
              << " (schema version " << restored->backup_schema_version;
  if (restored->schema_version != restored->backup_schema_version) {
    command.out << ", migrated to " << restored->schema_version;
  }
  command.out << "):";
  for (const storage::TableRows& table : restored->tables) {
    command.out << ' ' << table.table << ' ' << table.rows;
    if (&table != &restored->tables.back()) command.out << ',';
  }
  command.out << "\n";
  return kExitOk;
}

}  // namespace hipcoach::cli
