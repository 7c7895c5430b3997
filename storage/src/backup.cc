#include "hipcoach/storage/backup.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "hipcoach/storage/open_store.h"
#include "hipcoach/storage/pending_file.h"
#include "migrations/migrations.h"

extern char** environ;

namespace hipcoach::storage {
namespace {

namespace fs = std::filesystem;
using core::Error;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kSqliteScheme = "sqlite:";

enum class Kind { kSqlite, kPostgres };

struct Target {
  Kind kind = Kind::kSqlite;
  std::string location;  // The SQLite path, or the whole PostgreSQL URL.
};

// What `url` names. Only the scheme is ever repeated: the rest of a
// PostgreSQL URL may hold a password.
core::Result<Target> parse_url(std::string_view url) {
  if (url.starts_with(kSqliteScheme)) {
    const std::string_view path = url.substr(kSqliteScheme.size());
    if (path.empty()) return Error::invalid_input("url", "sqlite: needs a path, as sqlite:PATH");
    return Target{Kind::kSqlite, std::string(path)};
  }
  if (url.starts_with("postgresql:") || url.starts_with("postgres:")) {
    return Target{Kind::kPostgres, std::string(url)};
  }
  if (url.starts_with("memory:")) {
    return Error::invalid_input("url",
                                "a memory: database ends with its program; there is "
                                "nothing to back up or restore (expected sqlite:PATH or "
                                "postgresql://...)");
  }
  return Error::invalid_input("url", "expected sqlite:PATH or postgresql://...");
}

std::string system_error(std::string_view what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

bool name_taken(const std::string& path) {
  std::error_code ignored;
  return fs::symlink_status(path, ignored).type() != fs::file_type::not_found;
}

Error exists_error(const std::string& path) {
  return Error::conflict(path, "exists; give --force to replace it");
}

// True when both names are one file (neither need exist).
bool same_file(const std::string& a, const std::string& b) {
  std::error_code ignored;
  return fs::equivalent(a, b, ignored);
}

std::uintmax_t file_size(const std::string& path) {
  std::error_code ignored;
  const std::uintmax_t size = fs::file_size(path, ignored);
  return size == static_cast<std::uintmax_t>(-1) ? 0 : size;
}

// ---------------------------------------------------------------------------
// SQLite

// One connection, closed when it goes. Not thread-safe.
class Database {
 public:
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database() { sqlite3_close(db_); }

  // Opens `path` with `flags`. kUnavailable (where `path`) when it cannot.
  core::Result<void> open(const std::string& path, int flags) {
    path_ = path;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      return Error::unavailable(
          path, "cannot open the database file (" + std::string(sqlite3_errstr(rc)) + ")");
    }
    sqlite3_extended_result_codes(db_, 1);
    return {};
  }

  sqlite3* get() const { return db_; }
  // The result code of the last statement column() ran.
  int last_rc() const { return last_rc_; }

  // Closes the connection now; false when SQLite could not.
  bool close() {
    const int rc = sqlite3_close(db_);
    if (rc == SQLITE_OK) db_ = nullptr;
    return rc == SQLITE_OK;
  }

  // The rows of `sql`'s first column, as text.
  core::Result<std::vector<std::string>> column(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr);
    std::vector<std::string> values;
    if (rc == SQLITE_OK) {
      while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
        const unsigned char* text = sqlite3_column_text(statement, 0);
        values.emplace_back(text == nullptr ? "" : reinterpret_cast<const char*>(text));
      }
    }
    sqlite3_finalize(statement);
    last_rc_ = rc;
    if (rc != SQLITE_DONE) return error(rc);
    return values;
  }

  core::Result<std::int64_t> integer(const std::string& sql) {
    auto values = column(sql);
    if (!values) return values.error();
    if (values->empty()) return Error::internal(path_, "no value from the database");
    return std::stoll(values->front());
  }

  // The error for the result code `rc`, naming the file.
  Error error(int rc) const {
    switch (rc & 0xff) {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Error::unavailable(path_, "the database is busy; try again");
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        return Error::unavailable(path_, "the file is damaged or is not a SQLite database");
      case SQLITE_FULL:
        return Error::unavailable(path_, "the disk is full");
      case SQLITE_IOERR:
        return Error::unavailable(path_, "the file cannot be read or written");
      case SQLITE_CANTOPEN:
        return Error::unavailable(path_, "the file cannot be opened");
      case SQLITE_READONLY:
      case SQLITE_PERM:
        return Error::unavailable(path_, "the file is read-only");
      default:
        return Error::unavailable(path_, std::string("the database failed: ") + sqlite3_errstr(rc));
    }
  }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  int last_rc_ = SQLITE_OK;
};

std::string quote_identifier(std::string_view name) {
  std::string quoted = "\"";
  for (const char c : name) {
    quoted += c;
    if (c == '"') quoted += '"';
  }
  return quoted + "\"";
}

// Every table of `db` but SQLite's own, by name.
core::Result<std::vector<std::string>> sqlite_tables(Database& db) {
  return db.column(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
      "ESCAPE '\\' ORDER BY name");
}

// The first line PRAGMA integrity_check gives: "ok" when the file is sound.
core::Result<std::string> integrity(Database& db) {
  auto rows = db.column("PRAGMA integrity_check");
  if (!rows) return rows.error();
  if (rows->empty()) return std::string("no answer");
  return rows->front();
}

core::Result<BackupResult> backup_sqlite(const std::string& path, const std::string& to,
                                         const BackupOptions& options) {
  if (same_file(path, to)) {
    return Error::invalid_input(to, "is the database itself; give the backup another name");
  }
  if (!options.force && name_taken(to)) return exists_error(to);
  std::error_code ignored;
  if (!fs::exists(path, ignored)) {
    return Error::not_found(path, "no database here (a backup reads one; it creates none)");
  }
  Database source;
  // Not SQLITE_OPEN_CREATE, and read-write only so that a WAL database's
  // shared memory can be used; query_only keeps it from writing.
  if (auto ok = source.open(path, SQLITE_OPEN_READWRITE); !ok) return ok.error();
  if (auto ok = source.column("PRAGMA query_only=ON"); !ok) return ok.error();
  // The first read of the file: one that is not a database fails here.
  if (auto ok = source.column("SELECT count(*) FROM sqlite_master"); !ok) return ok.error();

  PendingFile file(to, to, {"-journal", "-wal", "-shm"});
  if (auto ok = file.create(); !ok) return ok.error();
  Database copy;
  if (auto ok = copy.open(file.path(), SQLITE_OPEN_READWRITE); !ok) return ok.error();

  sqlite3_backup* backup = sqlite3_backup_init(copy.get(), "main", source.get(), "main");
  if (backup == nullptr) return copy.error(sqlite3_errcode(copy.get()));
  int pages = std::max(1, options.pages_per_step);
  int restarts = 0;
  int copied = -1;
  const Clock::time_point deadline = Clock::now() + options.busy_timeout;
  int rc = SQLITE_OK;
  for (;;) {
    rc = sqlite3_backup_step(backup, pages);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) {
      // Another connection's write makes the next step start over from the
      // first page; after a few, the rest goes in one step, which under WAL
      // holds only a read snapshot and blocks no writer.
      const int now_copied = sqlite3_backup_pagecount(backup) - sqlite3_backup_remaining(backup);
      if (now_copied <= copied && ++restarts >= options.max_restarts) pages = -1;
      copied = now_copied;
    } else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
      if (Clock::now() >= deadline) break;
    } else {
      break;
    }
    std::this_thread::sleep_for(options.pause);
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return source.error(rc);

  // The copy keeps the source's WAL flag; a backup is one self-contained
  // file, so it goes back to a rollback journal.
  if (auto ok = copy.column("PRAGMA journal_mode=DELETE"); !ok) return ok.error();
  auto check = integrity(copy);
  if (!check) return check.error();
  if (*check != "ok") {
    return Error::unavailable(to, "the copy failed its integrity check (" + *check +
                                      "); the source database may be damaged");
  }
  auto version = copy.integer("PRAGMA user_version");
  if (!version) return version.error();
  if (!copy.close()) return Error::internal(to, "cannot close the copy");
  if (auto ok = file.commit(options.force); !ok) return ok.error();
  return BackupResult{to, file_size(to), static_cast<int>(*version)};
}

// Checks that `from` is a sound HipCoach SQLite database this program can
// open; returns its schema version.
core::Result<int> check_sqlite_backup(Database& backup, const std::string& from) {
  const Error not_hipcoach = Error::invalid_input(
      from, "is not a HipCoach backup (not a SQLite database, or a damaged one)");
  auto check = integrity(backup);
  if (!check) return not_hipcoach;
  if (*check != "ok") {
    return Error::invalid_input(from, "is damaged: it fails the integrity check (" + *check + ")");
  }
  auto version = backup.integer("PRAGMA user_version");
  auto tables = sqlite_tables(backup);
  if (!version || !tables) return not_hipcoach;
  if (*version <= 0 || std::find(tables->begin(), tables->end(), "users") == tables->end()) {
    return Error::invalid_input(from,
                                "is a SQLite database but not a HipCoach one (no HipCoach schema)");
  }
  if (*version > migrations::kLatestSchemaVersion) {
    return Error::invalid_input(
        from, "holds schema version " + std::to_string(*version) + ", newer than this program (" +
                  std::to_string(migrations::kLatestSchemaVersion) +
                  "); restore it with the hipcoach that made it, or a newer one");
  }
  return static_cast<int>(*version);
}

// How many rows each table of the SQLite database at `path` holds.
core::Result<std::vector<TableRows>> sqlite_counts(const std::string& path) {
  Database db;
  if (auto ok = db.open(path, SQLITE_OPEN_READWRITE); !ok) return ok.error();
  auto tables = sqlite_tables(db);
  if (!tables) return tables.error();
  std::vector<TableRows> counts;
  for (const std::string& table : *tables) {
    auto rows = db.integer("SELECT count(*) FROM " + quote_identifier(table));
    if (!rows) return rows.error();
    counts.push_back({table, *rows});
  }
  return counts;
}

core::Result<RestoreResult> restore_sqlite(const std::string& path, const std::string& from,
                                           const RestoreOptions& options) {
  std::error_code ignored;
  if (!fs::is_regular_file(from, ignored)) return Error::not_found(from, "no such file");
  if (same_file(path, from)) {
    return Error::invalid_input(from, "is the database itself; name a backup file");
  }
  Database backup;
  if (auto ok = backup.open(from, SQLITE_OPEN_READONLY); !ok) return ok.error();
  auto backup_version = check_sqlite_backup(backup, from);
  if (!backup_version) return backup_version.error();

  // A new database file is made private (health data) before SQLite opens
  // it; an existing one keeps its mode.
  if (const int created = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      created >= 0) {
    (void)::fchmod(created, S_IRUSR | S_IWUSR);
    ::close(created);
  }
  Database target;
  if (auto ok = target.open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE); !ok) {
    return Error::unavailable(path, ok.error().message() + "; does its directory exist?");
  }
  // Leaving WAL needs every other connection gone: a server that has the
  // database open makes this fail at once (no busy timeout is set).
  const Error in_use =
      Error::conflict(path, "the database is in use by another program; stop hipcoach serve first");
  auto mode = target.column("PRAGMA journal_mode=DELETE");
  if (!mode) {
    const int rc = target.last_rc() & 0xff;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return in_use;
    return mode.error();
  }
  if (mode->empty() || mode->front() != "delete") return in_use;
  if (!options.force) {
    auto tables = sqlite_tables(target);
    if (!tables) return tables.error();
    for (const std::string& table : *tables) {
      auto any = target.integer("SELECT EXISTS (SELECT 1 FROM " + quote_identifier(table) + ")");
      if (!any) return any.error();
      if (*any != 0) return Error::conflict(path, "holds data; give --force to replace it");
    }
  }

  // One step: the target is replaced in one transaction, or not at all.
  sqlite3_backup* copy = sqlite3_backup_init(target.get(), "main", backup.get(), "main");
  if (copy == nullptr) return target.error(sqlite3_errcode(target.get()));
  const int rc = sqlite3_backup_step(copy, -1);
  sqlite3_backup_finish(copy);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return in_use;
  if (rc != SQLITE_DONE) return target.error(rc);
  if (!target.close()) return Error::internal(path, "cannot close the database");
  (void)backup.close();

  RestoreResult result;
  result.backup_schema_version = *backup_version;
  {
    auto store = open_store(std::string(kSqliteScheme) + path);
    if (!store) return store.error();
    auto version = (*store)->schema_version();
    if (!version) return version.error();
    result.schema_version = *version;
  }
  auto counts = sqlite_counts(path);
  if (!counts) return counts.error();
  result.tables = std::move(*counts);
  return result;
}

// ---------------------------------------------------------------------------
// PostgreSQL: pg_dump and pg_restore.

bool is_executable(const fs::path& path) {
  std::error_code ignored;
  return fs::is_regular_file(path, ignored) && ::access(path.c_str(), X_OK) == 0;
}

// The path of the PostgreSQL client program `name`.
core::Result<std::string> find_program(const std::string& name, const std::string& bin_dir) {
  if (!bin_dir.empty()) {
    const fs::path path = fs::path(bin_dir) / name;
    if (is_executable(path)) return path.string();
    return Error::unavailable(name, name + " is not in " + bin_dir);
  }
  if (const char* search = std::getenv("PATH"); search != nullptr) {
    std::string_view rest = search;
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      const std::string_view directory = rest.substr(0, colon);
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
      if (directory.empty()) continue;
      const fs::path path = fs::path(directory) / name;
      if (is_executable(path)) return path.string();
    }
  }
  // Debian keeps the programs of each major version in its own directory.
  std::optional<std::pair<int, fs::path>> newest;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
    const std::string version = entry.path().filename().string();
    if (version.empty() || version.find_first_not_of("0123456789") != std::string::npos ||
        version.size() > 4) {
      continue;
    }
    const fs::path path = entry.path() / "bin" / name;
    const int major = std::stoi(version);
    if (is_executable(path) && (!newest || major > newest->first)) newest.emplace(major, path);
  }
  if (newest) return newest->second.string();
  return Error::unavailable(name, name +
                                      " was not found (looked in PATH and "
                                      "/usr/lib/postgresql/*/bin); install PostgreSQL's client "
                                      "programs (Debian: postgresql-client)");
}

// A libpq connection string without its password, and the password.
struct Conninfo {
  std::string text;
  std::string password;
};

std::string quote_conninfo_value(std::string_view value) {
  std::string quoted = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

core::Result<Conninfo> split_password(const std::string& url) {
  char* message = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &message);
  // libpq's message may quote the URL: it is not repeated.
  if (message != nullptr) PQfreemem(message);
  if (parsed == nullptr) return Error::invalid_input("url", "the PostgreSQL URL is malformed");
  Conninfo conninfo;
  for (const PQconninfoOption* option = parsed; option->keyword != nullptr; ++option) {
    if (option->val == nullptr || option->val[0] == '\0') continue;
    const std::string_view keyword = option->keyword;
    if (keyword == "password") {
      conninfo.password = option->val;
      continue;
    }
    if (!conninfo.text.empty()) conninfo.text += ' ';
    conninfo.text += std::string(keyword) + "=" + quote_conninfo_value(option->val);
  }
  PQconninfoFree(parsed);
  return conninfo;
}

// `text` without any copy of `secret`.
std::string scrub(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

// A program's error output in a few words: its first lines, without the
// password, at most ~400 bytes.
std::string summarize(const std::string& output, const std::string& password) {
  std::string summary;
  std::size_t start = 0;
  int lines = 0;
  while (start < output.size() && lines < 3) {
    const auto end = output.find('\n', start);
    std::string line =
        output.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? output.size() : end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    const auto text = line.find_first_not_of(" \t");
    line.erase(0, text == std::string::npos ? line.size() : text);
    if (line.empty()) continue;
    if (!summary.empty()) summary += "; ";
    summary += line;
    ++lines;
  }
  summary = scrub(summary, password);
  if (summary.size() > 400) summary = summary.substr(0, 400) + "...";
  return summary.empty() ? std::string("no error output") : summary;
}

struct ProgramRun {
  int status = 0;  // The exit status; 128 + N when killed by signal N.
  std::string out;
  std::string err;
};

// Runs `program` with `args` (no shell), standard input from /dev/null,
// with PGPASSWORD set to `password` when it is not empty; collects both
// outputs. kUnavailable (where the program's name) when it cannot start.
core::Result<ProgramRun> run_program(const std::string& program,
                                     const std::vector<std::string>& args,
                                     const std::string& password) {
  const std::string name = fs::path(program).filename().string();
  // Everything the child needs is built before fork(): after it, only
  // async-signal-safe calls.
  std::vector<std::string> arguments;
  arguments.push_back(program);
  arguments.insert(arguments.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  std::vector<std::string> environment;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    if (std::string_view(*variable).starts_with("PGPASSWORD=")) continue;
    environment.emplace_back(*variable);
  }
  if (!password.empty()) environment.push_back("PGPASSWORD=" + password);
  std::vector<char*> envp;
  for (std::string& variable : environment) envp.push_back(variable.data());
  envp.push_back(nullptr);

  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    return Error::unavailable(name, system_error("cannot run", program));
  }
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return Error::unavailable(name, system_error("cannot run", program));
  }
  const int null_input = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t child = ::fork();
  if (child == 0) {
    if (null_input >= 0) ::dup2(null_input, STDIN_FILENO);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::execve(program.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  const int fork_errno = errno;
  if (null_input >= 0) ::close(null_input);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (child < 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    errno = fork_errno;
    return Error::unavailable(name, system_error("cannot run", program));
  }

  ProgramRun run;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open_pipes = 2;
  char buffer[8192];
  while (open_pipes > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        // Only the start of an output is ever looked at.
        if (sinks[i]->size() < (1 << 20)) sinks[i]->append(buffer, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      }
    }
  }
  for (const pollfd& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return Error::unavailable(name, system_error("lost", program));
  }
  if (WIFEXITED(status)) {
    run.status = WEXITSTATUS(status);
  } else {
    run.status = 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  }
  if (run.status == 127 && run.err.empty()) {
    return Error::unavailable(name, "cannot run " + program);
  }
  return run;
}

// One libpq connection, closed when it goes. Not thread-safe.
class PgConnection {
 public:
  PgConnection() = default;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection() {
    if (connection_ != nullptr) PQfinish(connection_);
  }

  core::Result<void> open(const std::string& url, const std::string& password) {
    connection_ = PQconnectdb(url.c_str());
    if (connection_ == nullptr) return Error::unavailable("database", "out of memory");
    if (PQstatus(connection_) != CONNECTION_OK) {
      return Error::unavailable("database", "the PostgreSQL database is unreachable: " +
                                                summarize(PQerrorMessage(connection_), password));
    }
    PQsetNoticeProcessor(
        connection_, [](void*, const char*) {}, nullptr);
    password_ = password;
    return {};
  }

  // The rows of `sql` (no parameters), each a list of texts.
  core::Result<std::vector<std::vector<std::string>>> query(const std::string& sql) {
    PGresult* result = PQexec(connection_, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      const Error error = Error::unavailable(
          "database", "the query failed: " + summarize(PQresultErrorMessage(result), password_));
      PQclear(result);
      return error;
    }
    std::vector<std::vector<std::string>> rows;
    for (int row = 0; row < PQntuples(result); ++row) {
      std::vector<std::string> values;
      for (int field = 0; field < PQnfields(result); ++field) {
        values.emplace_back(PQgetvalue(result, row, field));
      }
      rows.push_back(std::move(values));
    }
    PQclear(result);
    return rows;
  }

  core::Result<std::int64_t> integer(const std::string& sql) {
    auto rows = query(sql);
    if (!rows) return rows.error();
    if (rows->empty() || rows->front().empty()) {
      return Error::internal("database", "no value from the database");
    }
    return std::stoll(rows->front().front());
  }

 private:
  PGconn* connection_ = nullptr;
  std::string password_;
};

// The version in schema_version; kNotFound when the database has no
// HipCoach schema.
core::Result<int> postgres_schema_version(PgConnection& db) {
  auto present = db.integer(
      "SELECT count(*) FROM pg_catalog.pg_class c WHERE c.oid = "
      "pg_catalog.to_regclass('schema_version')");
  if (!present) return present.error();
  if (*present == 0) {
    return Error::not_found("database", "the PostgreSQL database holds no HipCoach schema");
  }
  auto version = db.integer("SELECT coalesce(max(version), 0) FROM schema_version");
  if (!version) return version.error();
  return static_cast<int>(*version);
}

core::Result<BackupResult> backup_postgres(const std::string& url, const std::string& to,
                                           const BackupOptions& options) {
  if (!options.force && name_taken(to)) return exists_error(to);
  auto conninfo = split_password(url);
  if (!conninfo) return conninfo.error();
  auto pg_dump = find_program("pg_dump", options.postgres_bin_dir);
  if (!pg_dump) return pg_dump.error();
  int version = 0;
  {
    PgConnection db;
    if (auto ok = db.open(url, conninfo->password); !ok) return ok.error();
    auto read = postgres_schema_version(db);
    if (!read) return read.error();
    version = *read;
  }
  PendingFile file(to, to, {"-journal", "-wal", "-shm"});
  if (auto ok = file.create(); !ok) return ok.error();
  auto run = run_program(
      *pg_dump,
      {"--format=custom", "--no-password", "--file=" + file.path(), "--dbname=" + conninfo->text},
      conninfo->password);
  if (!run) return run.error();
  if (run->status != 0) {
    return Error::unavailable("pg_dump", "pg_dump failed (exit status " +
                                             std::to_string(run->status) +
                                             "): " + summarize(run->err, conninfo->password));
  }
  if (auto ok = file.commit(options.force); !ok) return ok.error();
  return BackupResult{to, file_size(to), version};
}

// The schema version a custom-format backup holds, read with pg_restore
// from its schema_version table.
core::Result<int> postgres_backup_version(const std::string& pg_restore, const std::string& from) {
  auto run = run_program(pg_restore,
                         {"--data-only", "--table=schema_version", "--file=-", "--", from}, "");
  if (!run) return run.error();
  if (run->status != 0) {
    return Error::invalid_input(from,
                                "is not a HipCoach PostgreSQL backup (pg_dump --format=custom): " +
                                    summarize(run->err, ""));
  }
  // "COPY public.schema_version (version) FROM stdin;", the rows, "\.".
  std::optional<int> version;
  bool in_copy = false;
  std::size_t start = 0;
  while (start < run->out.size()) {
    const auto end = run->out.find('\n', start);
    const std::string line =
        run->out.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? run->out.size() : end + 1;
    if (!in_copy) {
      in_copy = line.starts_with("COPY ") && line.find("schema_version") != std::string::npos &&
                line.ends_with("FROM stdin;");
      continue;
    }
    if (line == "\\.") break;
    if (line.empty() || line.size() > 9 ||
        line.find_first_not_of("0123456789") != std::string::npos) {
      return Error::invalid_input(from, "holds a schema_version that is not a number");
    }
    version = std::max(version.value_or(0), std::stoi(line));
  }
  if (!version) {
    return Error::invalid_input(from,
                                "is a PostgreSQL backup but not a HipCoach one (no "
                                "schema version)");
  }
  return *version;
}

// Every ordinary table outside PostgreSQL's own schemas that may hold
// records (all but schema_version, which a new, empty store fills), as a
// quoted schema.table name.
core::Result<std::vector<std::string>> postgres_record_tables(PgConnection& db) {
  auto rows = db.query(
      "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) "
      "FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
      "AND table_schema NOT IN ('pg_catalog', 'information_schema') "
      "AND table_name <> 'schema_version' ORDER BY 1");
  if (!rows) return rows.error();
  std::vector<std::string> tables;
  for (const auto& row : *rows) tables.push_back(row.front());
  return tables;
}

core::Result<RestoreResult> restore_postgres(const std::string& url, const std::string& from,
                                             const RestoreOptions& options) {
  std::error_code ignored;
  if (!fs::is_regular_file(from, ignored)) return Error::not_found(from, "no such file");
  auto conninfo = split_password(url);
  if (!conninfo) return conninfo.error();
  auto pg_restore = find_program("pg_restore", options.postgres_bin_dir);
  if (!pg_restore) return pg_restore.error();
  auto backup_version = postgres_backup_version(*pg_restore, from);
  if (!backup_version) return backup_version.error();
  if (*backup_version > migrations::kLatestSchemaVersion) {
    return Error::invalid_input(
        from, "holds schema version " + std::to_string(*backup_version) +
                  ", newer than this program (" + std::to_string(migrations::kLatestSchemaVersion) +
                  "); restore it with the hipcoach that made it, or a newer one");
  }
  {
    PgConnection db;
    if (auto ok = db.open(url, conninfo->password); !ok) return ok.error();
    auto others = db.integer(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
    if (!others) return others.error();
    if (*others > 0) {
      return Error::conflict("database",
                             "the PostgreSQL database is in use by " + std::to_string(*others) +
                                 (*others == 1 ? " other connection" : " other connections") +
                                 "; stop hipcoach serve first");
    }
    if (!options.force) {
      auto tables = postgres_record_tables(db);
      if (!tables) return tables.error();
      for (const std::string& table : *tables) {
        auto any = db.integer("SELECT count(*) FROM (SELECT 1 FROM " + table + " LIMIT 1) AS t");
        if (!any) return any.error();
        if (*any != 0) {
          return Error::conflict("database",
                                 "the PostgreSQL database holds data; give --force to replace it");
        }
      }
    }
  }
  auto run = run_program(*pg_restore,
                         {"--clean", "--if-exists", "--no-owner", "--single-transaction",
                          "--no-password", "--dbname=" + conninfo->text, "--", from},
                         conninfo->password);
  if (!run) return run.error();
  if (run->status != 0) {
    return Error::unavailable("pg_restore", "pg_restore failed (exit status " +
                                                std::to_string(run->status) +
                                                "): " + summarize(run->err, conninfo->password));
  }

  RestoreResult result;
  result.backup_schema_version = *backup_version;
  {
    auto store = open_store(url);
    if (!store) return store.error();
    auto version = (*store)->schema_version();
    if (!version) return version.error();
    result.schema_version = *version;
  }
  PgConnection db;
  if (auto ok = db.open(url, conninfo->password); !ok) return ok.error();
  auto tables = db.query(
      "SELECT table_name, quote_ident(table_schema) || '.' || quote_ident(table_name) "
      "FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
      "AND table_schema = current_schema() ORDER BY table_name");
  if (!tables) return tables.error();
  for (const auto& row : *tables) {
    auto rows = db.integer("SELECT count(*) FROM " + row[1]);
    if (!rows) return rows.error();
    result.tables.push_back({row[0], *rows});
  }
  return result;
}

}  // namespace

core::Result<BackupResult> backup_database(std::string_view url, const std::string& to,
                                           const BackupOptions& options) {
  auto target = parse_url(url);
  if (!target) return target.error();
  if (to.empty()) return Error::invalid_input("to", "the backup needs a file name");
  if (target->kind == Kind::kSqlite) return backup_sqlite(target->location, to, options);
  return backup_postgres(target->location, to, options);
}

core::Result<RestoreResult> restore_database(std::string_view url, const std::string& from,
                                             const RestoreOptions& options) {
  auto target = parse_url(url);
  if (!target) return target.error();
  if (from.empty()) return Error::invalid_input("from", "the restore needs a file name");
  if (target->kind == Kind::kSqlite) return restore_sqlite(target->location, from, options);
  return restore_postgres(target->location, from, options);
}

}  // namespace hipcoach::storage
