#include "sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "connection_pool.h"
#include "migrations/migrations.h"
#include "sqlite_vfs.h"

namespace hipcoach::storage {
namespace {

using core::Error;
using std::chrono::sys_seconds;

std::string row(std::string_view table, std::int64_t id) {
  return std::string(table) + "/" + std::to_string(id);
}

std::int64_t to_seconds(sys_seconds time) { return time.time_since_epoch().count(); }
sys_seconds from_seconds(std::int64_t seconds) {
  return sys_seconds{std::chrono::seconds{seconds}};
}

// A value bound as a BLOB rather than TEXT: token hashes may be raw bytes.
struct Blob {
  std::string_view bytes;
};

int bind_one(sqlite3_stmt* statement, int index, std::int64_t value) {
  return sqlite3_bind_int64(statement, index, value);
}
int bind_one(sqlite3_stmt* statement, int index, int value) {
  return sqlite3_bind_int(statement, index, value);
}
int bind_one(sqlite3_stmt* statement, int index, double value) {
  return sqlite3_bind_double(statement, index, value);
}
int bind_one(sqlite3_stmt* statement, int index, std::optional<int> value) {
  return value ? sqlite3_bind_int(statement, index, *value) : sqlite3_bind_null(statement, index);
}
int bind_one(sqlite3_stmt* statement, int index, std::optional<std::int64_t> value) {
  return value ? sqlite3_bind_int64(statement, index, *value) : sqlite3_bind_null(statement, index);
}
// Every text is bounded by the check_* functions long before INT_MAX.
int bind_one(sqlite3_stmt* statement, int index, std::string_view text) {
  if (text.size() > INT_MAX) return SQLITE_TOOBIG;
  return sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()),
                           SQLITE_TRANSIENT);
}
int bind_one(sqlite3_stmt* statement, int index, Blob blob) {
  if (blob.bytes.size() > INT_MAX) return SQLITE_TOOBIG;
  return sqlite3_bind_blob(statement, index, blob.bytes.data(), static_cast<int>(blob.bytes.size()),
                           SQLITE_TRANSIENT);
}

template <typename... Values>
int bind_all([[maybe_unused]] sqlite3_stmt* statement, const Values&... values) {
  int rc = SQLITE_OK;
  int index = 0;
  ((rc = rc == SQLITE_OK ? bind_one(statement, ++index, values) : rc), ...);
  return rc;
}

std::string column_text(sqlite3_stmt* statement, int column) {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement, column));
  const int size = sqlite3_column_bytes(statement, column);
  if (bytes == nullptr || size <= 0) return {};
  return {bytes, static_cast<std::size_t>(size)};
}

std::optional<int> column_optional_int(sqlite3_stmt* statement, int column) {
  if (sqlite3_column_type(statement, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int(statement, column);
}

// A cached statement in use: resets it and clears its bindings when done, so
// that the next user finds it fresh, no bound value outlives the call, and
// a read ends its implicit transaction (which would otherwise pin an old
// snapshot of the WAL).
class StatementUse {
 public:
  explicit StatementUse(sqlite3_stmt* statement) : statement_(statement) {}
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  ~StatementUse() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  sqlite3_stmt* get() const { return statement_; }

 private:
  sqlite3_stmt* statement_;
};

// One connection to the database file and the statements prepared on it.
// Not thread-safe: its owner serializes every use.
class Connection {
 public:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close(db_);
  }

  sqlite3* db() const { return db_; }
  const std::string& path() const { return path_; }

  // The cached statement for `sql`, prepared on first use. REQUIRES: `sql`
  // a string literal (the cache is keyed by its address).
  core::Result<sqlite3_stmt*> statement(const char* sql, const std::string& where) {
    if (const auto it = statements_.find(sql); it != statements_.end()) return it->second;
    sqlite3_stmt* prepared = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &prepared, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(prepared);
      return error(rc, where);
    }
    statements_.emplace(sql, prepared);
    return prepared;
  }

  // Prepares and steps `sql` to completion, ignoring any rows.
  core::Result<void> run(const char* sql, const std::string& where) {
    auto prepared = statement(sql, where);
    if (!prepared) return prepared.error();
    const StatementUse use(*prepared);
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW) rc = sqlite3_step(use.get());
    if (rc != SQLITE_DONE) return error(rc, where);
    return {};
  }

  // The error for the result code `rc` of an operation on `where`. Call it
  // before the next statement: a constraint's message comes from the
  // connection.
  Error error(int rc, const std::string& where) const {
    switch (rc & 0xff) {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Error::unavailable(where, "the database is busy; try again");
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        return Error::unavailable(path_, "the file is damaged or is not a HipCoach database");
      case SQLITE_FULL:
        // SQLite says FULL for ENOSPC on a write, and for max_page_count.
        return Error::storage_full(where, "the disk is full");
      case SQLITE_IOERR:
        // Other writes that fail for want of space come as an I/O error
        // (EFBIG past RLIMIT_FSIZE, ENOSPC growing the -shm file or on
        // fsync, EDQUOT): the errno our VFS kept tells them from a failing
        // disk (sqlite3_system_errno loses it for the WAL).
        switch (sqlite_vfs::last_errno()) {
          case ENOSPC:
            return Error::storage_full(where, "the disk is full (ENOSPC)");
          case EFBIG:
            return Error::storage_full(where, "the database file is at its size limit (EFBIG)");
          case EDQUOT:
            return Error::storage_full(where, "the disk quota is used up (EDQUOT)");
          default:
            return Error::unavailable(path_, "the database file cannot be read or written");
        }
      case SQLITE_CANTOPEN:
        return Error::unavailable(path_, "the database file cannot be opened");
      case SQLITE_READONLY:
      case SQLITE_PERM:
        return Error::unavailable(path_, "the database file is read-only");
      case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
          return Error::conflict(where, "a row with this key exists");
        }
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
          return Error::not_found(where, "refers to a row that does not exist");
        }
        // The message names the constraint, never a value.
        return Error::invalid_input(where, sqlite3_errmsg(db_));
      default:
        return Error::internal(where, std::string("the database failed: ") + sqlite3_errstr(rc));
    }
  }

 private:
  sqlite3* db_;
  const std::string path_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

// Opens a connection to `path` with `flags` (plus NOMUTEX: its owner
// serializes its use) and sets the busy timeout and extended result codes.
core::Result<std::unique_ptr<Connection>> open_connection(const std::string& path, int flags,
                                                          const StoreOptions& options) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, sqlite_vfs::name());
  if (rc != SQLITE_OK) {
    sqlite3_close(db);
    if ((rc & 0xff) == SQLITE_NOMEM) return Error::unavailable(path, "out of memory");
    return Error::unavailable(path, "the database file cannot be opened (" +
                                        std::string(sqlite3_errstr(rc)) +
                                        "); does its directory exist?");
  }
  auto connection = std::make_unique<Connection>(db, path);
  const auto timeout = options.busy_timeout.count();
  sqlite3_busy_timeout(db, timeout > INT_MAX ? INT_MAX : static_cast<int>(timeout));
  sqlite3_extended_result_codes(db, 1);
  return connection;
}

// An open write transaction (BEGIN IMMEDIATE, so that a busy database
// fails at the start rather than at COMMIT); rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    // SQLite may have rolled back already (after SQLITE_FULL, for one): then
    // this ROLLBACK fails harmlessly.
    if (open_) (void)connection_.run("ROLLBACK", "");
  }
  core::Result<void> begin(const std::string& where) {
    auto ok = connection_.run("BEGIN IMMEDIATE", where);
    open_ = ok.has_value();
    return ok;
  }
  core::Result<void> commit(const std::string& where) {
    auto ok = connection_.run("COMMIT", where);
    if (ok) open_ = false;
    return ok;
  }

 private:
  Connection& connection_;
  bool open_ = false;
};

// The connections that serve reads, opened on demand. WAL lets them read the
// last commit while the writer holds its lock and syncs, so a read never
// waits for a write.
using ReaderPool = ConnectionPool<Connection>;

core::Result<std::unique_ptr<Connection>> open_reader(const std::string& path,
                                                      const StoreOptions& options,
                                                      const std::string& where) {
  // Not SQLITE_OPEN_CREATE: the writer made the file, and a file removed
  // since is an error rather than a new, empty database.
  auto connection = open_connection(path, SQLITE_OPEN_READWRITE, options);
  if (!connection) return connection.error();
  if (auto ok = (*connection)->run("PRAGMA query_only=ON", where); !ok) return ok.error();
  return connection;
}

// The read connections a store keeps open at most.
constexpr int kReaderPoolSize = 4;

// Runs the statement `sql` with `values` on `connection` to completion and
// returns how many rows it changed. REQUIRES: the caller serializes the
// connection's use (the write mutex for the writer).
template <typename... Values>
core::Result<std::int64_t> execute(Connection& connection, const char* sql,
                                   const std::string& where, const Values&... values) {
  auto prepared = connection.statement(sql, where);
  if (!prepared) return prepared.error();
  const StatementUse use(*prepared);
  int rc = bind_all(use.get(), values...);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc != SQLITE_DONE) return connection.error(rc, where);
  return static_cast<std::int64_t>(sqlite3_changes64(connection.db()));
}

std::optional<std::int64_t> column_optional_int64(sqlite3_stmt* statement, int column) {
  if (sqlite3_column_type(statement, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(statement, column);
}

#define HIPCOACH_DIARY_COLUMNS "id, user_id, pain, region, context, side, note, at, at_utc"
#define HIPCOACH_USER_COLUMNS "id, email, role, password_hash, created_at"

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<Connection> writer, const StoreOptions& options)
      : path_(writer->path()),
        writer_(std::move(writer)),
        readers_(
            kReaderPoolSize,
            [path = path_, options](const std::string& where) {
              return open_reader(path, options, where);
            },
            // A connection left inside a transaction is closed, not reused.
            [](Connection& connection) { return sqlite3_get_autocommit(connection.db()) != 0; }) {}

  // Sets the write connection up and brings the schema up to date.
  core::Result<void> initialize();

  core::Result<int> schema_version() override;
  core::Result<User> create_user(const User& user) override;
  core::Result<User> find_user_by_email(std::string_view email) override;
  core::Result<User> find_user(std::int64_t user_id) override;
  core::Result<void> update_password_hash(std::int64_t user_id,
                                          std::string_view password_hash) override;
  core::Result<void> delete_user(std::int64_t user_id) override;
  core::Result<void> create_session(const Session& session) override;
  core::Result<Session> find_session(std::string_view token_hash, sys_seconds now) override;
  core::Result<void> delete_session(std::string_view token_hash) override;
  core::Result<void> set_session_stage(std::string_view token_hash, SessionStage stage) override;
  core::Result<std::int64_t> delete_expired_sessions(sys_seconds now) override;
  core::Result<std::int64_t> add_diary_entry(const DiaryEntry& entry) override;
  core::Result<std::vector<DiaryEntry>> list_diary(std::int64_t user_id, int limit,
                                                   std::optional<DiaryCursor> before) override;
  core::Result<DiaryEntry> get_diary_entry(std::int64_t user_id, std::int64_t entry_id) override;
  core::Result<void> delete_diary_entry(std::int64_t user_id, std::int64_t entry_id) override;
  core::Result<std::int64_t> save_triage(const SavedTriage& triage) override;
  core::Result<std::vector<SavedTriage>> list_triage(std::int64_t user_id) override;
  core::Result<std::int64_t> add_questionnaire_response(
      const QuestionnaireResponse& response) override;
  core::Result<std::vector<QuestionnaireResponse>> list_questionnaire_responses(
      std::int64_t user_id) override;
  core::Result<std::int64_t> add_guided_session(const GuidedSessionRecord& record) override;
  core::Result<std::vector<GuidedSessionRecord>> list_guided_sessions(
      std::int64_t user_id) override;
  core::Result<Reminders> get_reminders(std::int64_t user_id) override;
  core::Result<void> put_reminders(const Reminders& reminders) override;
  core::Result<void> set_reminder_feed(std::int64_t user_id, std::string_view token_hash) override;
  core::Result<Reminders> find_reminders_by_feed(std::string_view token_hash) override;
  core::Result<std::int64_t> add_consent(const Consent& consent) override;
  core::Result<std::vector<Consent>> list_consents(std::int64_t user_id) override;
  core::Result<void> revoke_consent(std::int64_t user_id, std::int64_t consent_id,
                                    sys_seconds now) override;
  core::Result<std::uint8_t> shared_parts(std::int64_t user_id, sys_seconds now) override;
  core::Result<std::vector<SharingPatient>> list_sharing_patients(sys_seconds now) override;
  core::Result<std::int64_t> append_audit(const AuditEntry& entry) override;
  core::Result<std::vector<AuditEntry>> list_audit_for_patient(std::int64_t patient_id) override;
  core::Result<std::vector<AuditEntry>> list_audit(int limit,
                                                   std::optional<std::int64_t> before_id) override;
  core::Result<std::int64_t> add_appointment(const Appointment& appointment) override;
  core::Result<Appointment> get_appointment(std::int64_t appointment_id) override;
  core::Result<std::vector<Appointment>> list_appointments(std::int64_t user_id) override;
  core::Result<std::vector<Appointment>> list_appointment_queue(
      std::optional<AppointmentStatus> status) override;
  core::Result<Appointment> change_appointment(const AppointmentChange& change) override;
  core::Result<AppointmentNote> add_appointment_note(const AppointmentNote& note) override;
  core::Result<std::vector<AppointmentNote>> list_appointment_notes(
      std::int64_t appointment_id) override;
  core::Result<std::vector<OutboxMessage>> deliver_notifications(
      std::int64_t user_id, std::chrono::sys_seconds now) override;
  core::Result<std::int64_t> count_undelivered_notifications(std::int64_t user_id) override;
  core::Result<std::int64_t> delete_user_sessions(std::int64_t user_id,
                                                  std::string_view keep_token_hash) override;
  core::Result<TwoFactor> get_two_factor(std::int64_t user_id) override;
  core::Result<void> start_two_factor(const TwoFactor& pending) override;
  core::Result<void> enable_two_factor(std::int64_t user_id, std::int64_t used_step,
                                       const std::vector<std::string>& code_hashes,
                                       sys_seconds at) override;
  core::Result<void> use_two_factor_step(std::int64_t user_id, std::int64_t step) override;
  core::Result<void> use_recovery_code(std::int64_t user_id, std::string_view code_hash,
                                       sys_seconds at) override;
  core::Result<void> replace_recovery_codes(std::int64_t user_id,
                                            const std::vector<std::string>& code_hashes,
                                            sys_seconds at) override;
  core::Result<std::vector<RecoveryCode>> list_recovery_codes(std::int64_t user_id) override;
  core::Result<void> delete_two_factor(std::int64_t user_id) override;
  core::Result<SignInFailures> count_sign_in_failure(SignInKeyKind kind, std::string_view key,
                                                     const SignInFailureRule& rule,
                                                     sys_seconds now) override;
  core::Result<SignInFailures> find_sign_in_failures(SignInKeyKind kind,
                                                     std::string_view key) override;
  core::Result<void> clear_sign_in_failures(SignInKeyKind kind, std::string_view key) override;

 private:
  // Replaces the user's recovery codes inside the caller's transaction.
  // REQUIRES: write_mutex_ held and a transaction open.
  core::Result<void> put_recovery_codes(std::int64_t user_id,
                                        const std::vector<std::string>& code_hashes, sys_seconds at,
                                        const std::string& where);
  // One add_diary_entry call waiting for the group commit that writes it.
  struct PendingEntry {
    const DiaryEntry* entry;
    // Set, under queue_mutex_, by the caller that committed it.
    std::optional<core::Result<std::int64_t>> result;
  };

  // Writes every entry of `batch` in one transaction and returns each one's
  // id or error, in order. REQUIRES: write_mutex_ not held.
  std::vector<core::Result<std::int64_t>> commit_diary_batch(
      const std::vector<PendingEntry*>& batch);
  // Runs the INSERT `sql` with `values` for a row of `user_id` on the writer:
  // the new id, or kNotFound (where users/ID) when the user does not exist.
  template <typename... Values>
  core::Result<std::int64_t> insert(const char* sql, std::int64_t user_id, const std::string& where,
                                    const Values&... values);
  // The number of rows the DELETE `sql` removed with `values` bound.
  template <typename... Values>
  core::Result<std::int64_t> change(const char* sql, const std::string& where,
                                    const Values&... values);
  // Runs the SELECT `sql` with `values` bound on a reader connection and
  // returns every row as `read_row` makes it from the statement (a T, or a
  // Result<T> whose error ends the read).
  template <typename T, typename ReadRow, typename... Values>
  core::Result<std::vector<T>> select_rows(const char* sql, const std::string& where,
                                           ReadRow read_row, const Values&... values);
  static core::Result<User> read_user(sqlite3_stmt* statement);
  static core::Result<DiaryEntry> read_diary_entry(sqlite3_stmt* statement);
  // REQUIRES: write_mutex_ held.
  core::Result<void> migrate();

  const std::string path_;
  // Every write goes through the one write connection.
  std::mutex write_mutex_;
  const std::unique_ptr<Connection> writer_;  // Used only under write_mutex_.
  ReaderPool readers_;

  // The group commit of add_diary_entry: callers queue here, and one of
  // them at a time (the leader) writes everything queued.
  std::mutex queue_mutex_;
  std::condition_variable committed_;
  std::vector<PendingEntry*> queue_;  // Guarded by queue_mutex_.
  bool leading_ = false;              // Guarded by queue_mutex_.
};

core::Result<void> SqliteStore::initialize() {
  const std::lock_guard lock(write_mutex_);
  // journal_mode is the first statement that reads the file, so a damaged
  // file or one that is not a database fails here.
  auto mode = writer_->statement("PRAGMA journal_mode=WAL", path_);
  if (!mode) return mode.error();
  {
    const StatementUse use(*mode);
    const int rc = sqlite3_step(use.get());
    if (rc != SQLITE_ROW) return writer_->error(rc, path_);
    if (column_text(use.get(), 0) != "wal") {
      return Error::unavailable(path_, "the database cannot use write-ahead logging");
    }
  }
  if (auto ok = writer_->run("PRAGMA foreign_keys=ON", path_); !ok) return ok;
  if (auto ok = writer_->run("PRAGMA synchronous=FULL", path_); !ok) return ok;
  return migrate();
}

core::Result<void> SqliteStore::migrate() {
  // The version is read inside the write transaction, so two programs
  // opening one new file cannot both apply the same migration.
  Transaction transaction(*writer_);
  if (auto ok = transaction.begin(path_); !ok) return ok;
  auto read = writer_->statement("PRAGMA user_version", path_);
  if (!read) return read.error();
  int version = 0;
  {
    const StatementUse use(*read);
    const int rc = sqlite3_step(use.get());
    if (rc != SQLITE_ROW) return writer_->error(rc, path_);
    version = sqlite3_column_int(use.get(), 0);
  }
  if (version > migrations::kLatestSchemaVersion) {
    return Error::unavailable(path_, "database schema version " + std::to_string(version) +
                                         " is newer than this program (" +
                                         std::to_string(migrations::kLatestSchemaVersion) +
                                         "); upgrade hipcoach");
  }
  for (const auto& migration : migrations::kSqliteMigrations) {
    if (migration.version <= version) continue;
    const std::string where = path_ + ": migration " + std::to_string(migration.version);
    // A migration's text may hold several statements, so it goes through
    // sqlite3_exec; it is a constant and binds nothing.
    const std::string sql = std::string(migration.sql) +
                            "\nPRAGMA user_version = " + std::to_string(migration.version) + ";";
    const int rc = sqlite3_exec(writer_->db(), sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return writer_->error(rc, where);
  }
  return transaction.commit(path_);
}

core::Result<int> SqliteStore::schema_version() {
  auto reader = readers_.take(path_);
  if (!reader) return reader.error();
  auto read = (*reader)->statement("PRAGMA user_version", path_);
  if (!read) return read.error();
  const StatementUse use(*read);
  const int rc = sqlite3_step(use.get());
  if (rc != SQLITE_ROW) return (*reader)->error(rc, path_);
  return sqlite3_column_int(use.get(), 0);
}

template <typename... Values>
core::Result<std::int64_t> SqliteStore::insert(const char* sql, std::int64_t user_id,
                                               const std::string& where, const Values&... values) {
  const std::lock_guard lock(write_mutex_);
  auto prepared = writer_->statement(sql, where);
  if (!prepared) return prepared.error();
  const StatementUse use(*prepared);
  int rc = bind_all(use.get(), values...);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
    return Error::not_found(row("users", user_id), "no such user");
  if (rc != SQLITE_DONE) return writer_->error(rc, where);
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(writer_->db()));
}

template <typename... Values>
core::Result<std::int64_t> SqliteStore::change(const char* sql, const std::string& where,
                                               const Values&... values) {
  const std::lock_guard lock(write_mutex_);
  auto prepared = writer_->statement(sql, where);
  if (!prepared) return prepared.error();
  const StatementUse use(*prepared);
  int rc = bind_all(use.get(), values...);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc != SQLITE_DONE) return writer_->error(rc, where);
  return static_cast<std::int64_t>(sqlite3_changes64(writer_->db()));
}

core::Result<User> SqliteStore::read_user(sqlite3_stmt* statement) {
  User user;
  user.id = sqlite3_column_int64(statement, 0);
  user.email = column_text(statement, 1);
  const auto role = parse_role(column_text(statement, 2));
  if (!role) return Error::internal(row("users", user.id), "role holds an unknown value");
  user.role = *role;
  user.password_hash = column_text(statement, 3);
  user.created_at = from_seconds(sqlite3_column_int64(statement, 4));
  return user;
}

core::Result<User> SqliteStore::create_user(const User& user) {
  if (auto ok = check_user(user); !ok) return ok.error();
  const std::lock_guard lock(write_mutex_);
  const std::string where = "users";
  auto insert = writer_->statement(
      "INSERT INTO users (email, role, password_hash, created_at) VALUES (?, ?, ?, ?)", where);
  if (!insert) return insert.error();
  const StatementUse use(*insert);
  int rc = bind_all(use.get(), std::string_view(user.email), role_name(user.role),
                    std::string_view(user.password_hash), to_seconds(user.created_at));
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_CONSTRAINT_UNIQUE) {
    return Error::conflict(where, "an account with this email exists");
  }
  if (rc != SQLITE_DONE) return writer_->error(rc, where);
  User created = user;
  created.id = sqlite3_last_insert_rowid(writer_->db());
  return created;
}

core::Result<User> SqliteStore::find_user_by_email(std::string_view email) {
  const std::string where = "users";
  auto reader = readers_.take(where);
  if (!reader) return reader.error();
  auto select =
      (*reader)->statement("SELECT " HIPCOACH_USER_COLUMNS " FROM users WHERE email = ?", where);
  if (!select) return select.error();
  const StatementUse use(*select);
  int rc = bind_all(use.get(), email);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_DONE) return Error::not_found(where, "no account with this email");
  if (rc != SQLITE_ROW) return (*reader)->error(rc, where);
  return read_user(use.get());
}

core::Result<User> SqliteStore::find_user(std::int64_t user_id) {
  const std::string where = row("users", user_id);
  auto reader = readers_.take(where);
  if (!reader) return reader.error();
  auto select =
      (*reader)->statement("SELECT " HIPCOACH_USER_COLUMNS " FROM users WHERE id = ?", where);
  if (!select) return select.error();
  const StatementUse use(*select);
  int rc = bind_all(use.get(), user_id);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_DONE) return Error::not_found(where, "no such user");
  if (rc != SQLITE_ROW) return (*reader)->error(rc, where);
  return read_user(use.get());
}

core::Result<void> SqliteStore::update_password_hash(std::int64_t user_id,
                                                     std::string_view password_hash) {
  if (auto ok = check_password_hash(password_hash); !ok) return ok;
  const std::string where = row("users", user_id);
  auto changed =
      change("UPDATE users SET password_hash = ? WHERE id = ?", where, password_hash, user_id);
  if (!changed) return changed.error();
  if (*changed == 0) return Error::not_found(where, "no such user");
  return {};
}

core::Result<void> SqliteStore::delete_user(std::int64_t user_id) {
  const std::lock_guard lock(write_mutex_);
  const std::string where = row("users", user_id);
  Transaction transaction(*writer_);
  if (auto ok = transaction.begin(where); !ok) return ok;
  // The foreign keys cascade too; deleting each table explicitly keeps the
  // outcome the same should a connection ever run without them.
  for (const char* sql :
       {"DELETE FROM sessions WHERE user_id = ?", "DELETE FROM diary_entries WHERE user_id = ?",
        "DELETE FROM saved_triage WHERE user_id = ?",
        "DELETE FROM questionnaire_responses WHERE user_id = ?",
        "DELETE FROM guided_sessions WHERE user_id = ?", "DELETE FROM reminders WHERE user_id = ?",
        "DELETE FROM consents WHERE user_id = ?", "DELETE FROM appointments WHERE user_id = ?",
        "DELETE FROM outbox WHERE user_id = ?", "DELETE FROM recovery_codes WHERE user_id = ?",
        "DELETE FROM two_factor WHERE user_id = ?"}) {
    auto remove = writer_->statement(sql, where);
    if (!remove) return remove.error();
    const StatementUse use(*remove);
    int rc = bind_all(use.get(), user_id);
    if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
    if (rc != SQLITE_DONE) return writer_->error(rc, where);
  }
  auto remove = writer_->statement("DELETE FROM users WHERE id = ?", where);
  if (!remove) return remove.error();
  {
    const StatementUse use(*remove);
    int rc = bind_all(use.get(), user_id);
    if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
    if (rc != SQLITE_DONE) return writer_->error(rc, where);
  }
  if (sqlite3_changes(writer_->db()) == 0) return Error::not_found(where, "no such user");
  return transaction.commit(where);
}

core::Result<void> SqliteStore::create_session(const Session& session) {
  if (auto ok = check_session(session); !ok) return ok;
  const std::lock_guard lock(write_mutex_);
  const std::string where = "sessions";
  auto insert = writer_->statement(
      "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, stage)"
      " VALUES (?, ?, ?, ?, ?)",
      where);
  if (!insert) return insert.error();
  const StatementUse use(*insert);
  int rc =
      bind_all(use.get(), Blob{session.token_hash}, session.user_id, to_seconds(session.created_at),
               to_seconds(session.expires_at), session_stage_name(session.stage));
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
    return Error::conflict(where, "a session with this token hash exists");
  }
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::not_found(row("users", session.user_id), "no such user");
  }
  if (rc != SQLITE_DONE) return writer_->error(rc, where);
  return {};
}

core::Result<Session> SqliteStore::find_session(std::string_view token_hash, sys_seconds now) {
  const std::string where = "sessions";
  auto reader = readers_.take(where);
  if (!reader) return reader.error();
  auto select = (*reader)->statement(
      "SELECT token_hash, user_id, created_at, expires_at, stage FROM sessions"
      " WHERE token_hash = ? AND expires_at > ?",
      where);
  if (!select) return select.error();
  const StatementUse use(*select);
  int rc = bind_all(use.get(), Blob{token_hash}, to_seconds(now));
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_DONE) return Error::not_found(where, "no such session, or it has expired");
  if (rc != SQLITE_ROW) return (*reader)->error(rc, where);
  Session session;
  session.token_hash = column_text(use.get(), 0);
  session.user_id = sqlite3_column_int64(use.get(), 1);
  session.created_at = from_seconds(sqlite3_column_int64(use.get(), 2));
  session.expires_at = from_seconds(sqlite3_column_int64(use.get(), 3));
  const auto stage = parse_session_stage(column_text(use.get(), 4));
  if (!stage) return Error::internal(where, "stage holds an unknown value");
  session.stage = *stage;
  return session;
}

core::Result<void> SqliteStore::set_session_stage(std::string_view token_hash, SessionStage stage) {
  const std::string where = "sessions";
  auto changed = change("UPDATE sessions SET stage = ? WHERE token_hash = ?", where,
                        session_stage_name(stage), Blob{token_hash});
  if (!changed) return changed.error();
  if (*changed == 0) return Error::not_found(where, "no such session");
  return {};
}

core::Result<TwoFactor> SqliteStore::get_two_factor(std::int64_t user_id) {
  const std::string where = row("two_factor", user_id);
  auto rows = select_rows<TwoFactor>(
      "SELECT user_id, secret, enabled, last_used_step, created_at, enabled_at FROM two_factor"
      " WHERE user_id = ?",
      where,
      [](sqlite3_stmt* statement) -> core::Result<TwoFactor> {
        TwoFactor two_factor;
        two_factor.user_id = sqlite3_column_int64(statement, 0);
        two_factor.secret = column_text(statement, 1);
        two_factor.enabled = sqlite3_column_int(statement, 2) != 0;
        two_factor.last_used_step = column_optional_int64(statement, 3);
        two_factor.created_at = from_seconds(sqlite3_column_int64(statement, 4));
        if (const auto enabled_at = column_optional_int64(statement, 5)) {
          two_factor.enabled_at = from_seconds(*enabled_at);
        }
        return two_factor;
      },
      user_id);
  if (!rows) return rows.error();
  if (rows->empty()) return Error::not_found(where, "no two-step sign-in");
  return std::move(rows->front());
}

core::Result<void> SqliteStore::start_two_factor(const TwoFactor& pending) {
  if (auto ok = check_two_factor_secret(pending.secret); !ok) return ok;
  const std::string where = row("two_factor", pending.user_id);
  const std::lock_guard lock(write_mutex_);
  Transaction transaction(*writer_);
  if (auto ok = transaction.begin(where); !ok) return ok;
  auto user = execute(*writer_, "UPDATE users SET created_at = created_at WHERE id = ?", where,
                      pending.user_id);
  if (!user) return user.error();
  if (*user == 0) return Error::not_found(row("users", pending.user_id), "no such user");
  // Replaces a secret being set up; an enabled one stays, and is reported.
  auto kept = execute(*writer_,
                      "INSERT INTO two_factor (user_id, secret, enabled, created_at)"
                      " VALUES (?, ?, 0, ?) ON CONFLICT (user_id) DO UPDATE SET"
                      " secret = excluded.secret, created_at = excluded.created_at,"
                      " last_used_step = NULL WHERE two_factor.enabled = 0",
                      where, pending.user_id, Blob{pending.secret}, to_seconds(pending.created_at));
  if (!kept) return kept.error();
  if (*kept == 0) return Error::conflict(where, "two-step sign-in is on already");
  return transaction.commit(where);
}

core::Result<void> SqliteStore::put_recovery_codes(std::int64_t user_id,
                                                   const std::vector<std::string>& code_hashes,
                                                   sys_seconds at, const std::string& where) {
  if (auto ok = execute(*writer_, "DELETE FROM recovery_codes WHERE user_id = ?", where, user_id);
      !ok) {
    return ok.error();
  }
  for (const std::string& hash : code_hashes) {
    if (auto ok = execute(*writer_,
                          "INSERT INTO recovery_codes (user_id, code_hash, created_at)"
                          " VALUES (?, ?, ?)",
                          where, user_id, Blob{hash}, to_seconds(at));
        !ok) {
      return ok.error();
    }
  }
  return {};
}

core::Result<void> SqliteStore::enable_two_factor(std::int64_t user_id, std::int64_t used_step,
                                                  const std::vector<std::string>& code_hashes,
                                                  sys_seconds at) {
  if (auto ok = check_recovery_code_hashes(code_hashes); !ok) return ok;
  const std::string where = row("two_factor", user_id);
  const std::lock_guard lock(write_mutex_);
  Transaction transaction(*writer_);
  if (auto ok = transaction.begin(where); !ok) return ok;
  auto enabled = execute(*writer_,
                         "UPDATE two_factor SET enabled = 1, enabled_at = ?, last_used_step = ?"
                         " WHERE user_id = ? AND enabled = 0",
                         where, to_seconds(at), used_step, user_id);
  if (!enabled) return enabled.error();
  if (*enabled == 0) {
    auto exists = execute(*writer_, "UPDATE two_factor SET enabled = enabled WHERE user_id = ?",
                          where, user_id);
    if (!exists) return exists.error();
    if (*exists == 0) return Error::not_found(where, "no two-step sign-in is being set up");
    return Error::conflict(where, "two-step sign-in is on already");
  }
  if (auto ok = put_recovery_codes(user_id, code_hashes, at, where); !ok) return ok;
  return transaction.commit(where);
}

core::Result<void> SqliteStore::use_two_factor_step(std::int64_t user_id, std::int64_t step) {
  const std::string where = row("two_factor", user_id);
  const std::lock_guard lock(write_mutex_);
  Transaction transaction(*writer_);
  if (auto ok = transaction.begin(where); !ok) return ok;
  auto used = execute(*writer_,
                      "UPDATE two_factor SET last_used_step = ? WHERE user_id = ? AND enabled = 1"
                      " AND (last_used_step IS NULL OR last_used_step < ?)",
                      where, step, user_id, step);
  if (!used) return used.error();
  if (*used == 0) {
    auto enabled = execute(*writer_,
                           "UPDATE two_factor SET enabled = enabled WHERE user_id = ?"
                           " AND enabled = 1",
                           where, user_id);
    if (!enabled) return enabled.error();
    if (*enabled == 0) return Error::not_found(where, "two-step sign-in is not on");
    return Error::conflict(where, "this code was used already");
  }
  return transaction.commit(where);
}

core::Result<void> SqliteStore::use_recovery_code(std::int64_t user_id, std::string_view code_hash,
                                                  sys_seconds at) {
  const std::string where = "recovery_codes";
  // One code only, should a set ever hold two equal hashes.
  auto used = change(
      "UPDATE recovery_codes SET used_at = ? WHERE id = (SELECT id FROM recovery_codes"
      " WHERE user_id = ? AND code_hash = ? AND used_at IS NULL ORDER BY id LIMIT 1)",
      where, to_seconds(at), user_id, Blob{code_hash});
  if (!used) return used.error();
  if (*used == 0) return Error::not_found(where, "no unused recovery code matches");
  return {};
}

core::Result<void> SqliteStore::replace_recovery_codes(std::int64_t user_id,
                                                       const std::vector<std::string>& code_hashes,
                                                       sys_seconds at) {
  if (auto ok = check_recovery_code_hashes(code_hashes); !ok) return ok;
  const std::string where = row("two_factor", user_id);
  const std::lock_guard lock(write_mutex_);
  Transaction transaction(*writer_);
  if (auto ok = transaction.begin(where); !ok) return ok;
  auto enabled =
      execute(*writer_, "UPDATE two_factor SET enabled = enabled WHERE user_id = ? AND enabled = 1",
              where, user_id);
  if (!enabled) return enabled.error();
  if (*enabled == 0) return Error::not_found(where, "two-step sign-in is not on");
  if (auto ok = put_recovery_codes(user_id, code_hashes, at, where); !ok) return ok;
  return transaction.commit(where);
}

core::Result<std::vector<RecoveryCode>> SqliteStore::list_recovery_codes(std::int64_t user_id) {
  return select_rows<RecoveryCode>(
      "SELECT id, user_id, code_hash, created_at, used_at FROM recovery_codes WHERE user_id = ?"
      " ORDER BY id",
      "recovery_codes",
      [](sqlite3_stmt* statement) -> core::Result<RecoveryCode> {
        RecoveryCode code;
        code.id = sqlite3_column_int64(statement, 0);
        code.user_id = sqlite3_column_int64(statement, 1);
        code.code_hash = column_text(statement, 2);
        code.created_at = from_seconds(sqlite3_column_int64(statement, 3));
        if (const auto used_at = column_optional_int64(statement, 4)) {
          code.used_at = from_seconds(*used_at);
        }
        return code;
      },
      user_id);
}

core::Result<void> SqliteStore::delete_two_factor(std::int64_t user_id) {
  const std::string where = row("two_factor", user_id);
  const std::lock_guard lock(write_mutex_);
  Transaction transaction(*writer_);
  if (auto ok = transaction.begin(where); !ok) return ok;
  if (auto ok = execute(*writer_, "DELETE FROM recovery_codes WHERE user_id = ?", where, user_id);
      !ok) {
    return ok.error();
  }
  auto deleted = execute(*writer_, "DELETE FROM two_factor WHERE user_id = ?", where, user_id);
  if (!deleted) return deleted.error();
  if (*deleted == 0) return Error::not_found(where, "no two-step sign-in");
  return transaction.commit(where);
}

SignInFailures read_sign_in_failures(sqlite3_stmt* statement) {
  SignInFailures failures;
  failures.window_start = from_seconds(sqlite3_column_int64(statement, 0));
  failures.failures = sqlite3_column_int(statement, 1);
  if (const auto locked_until = column_optional_int64(statement, 2)) {
    failures.locked_until = from_seconds(*locked_until);
  }
  return failures;
}

core::Result<SignInFailures> SqliteStore::count_sign_in_failure(SignInKeyKind kind,
                                                                std::string_view key,
                                                                const SignInFailureRule& rule,
                                                                sys_seconds now) {
  const std::string where = "sign_in_failures";
  if (auto ok = check_sign_in_failure(key, rule); !ok) return ok.error();
  const std::lock_guard lock(write_mutex_);
  Transaction transaction(*writer_);
  if (auto ok = transaction.begin(where); !ok) return ok.error();
  // Rows whose window and lockout have ended count as none.
  if (auto pruned = execute(*writer_,
                            "DELETE FROM sign_in_failures WHERE key_kind = ?1"
                            " AND window_start <= ?2 - ?3 AND COALESCE(locked_until, ?2) <= ?2",
                            where, sign_in_key_kind_name(kind), to_seconds(now),
                            static_cast<std::int64_t>(rule.window.count()));
      !pruned) {
    return pruned.error();
  }
  // ?1 kind, ?2 key, ?3 now, ?4 lockout, ?5 max_failures: the rule of
  // next_sign_in_failures, for a row that has not ended.
  auto upsert = writer_->statement(
      "INSERT INTO sign_in_failures (key_kind, key, window_start, failures, locked_until)"
      " VALUES (?1, ?2, ?3, 1, CASE WHEN ?5 <= 1 THEN ?3 + ?4 END)"
      " ON CONFLICT (key_kind, key) DO UPDATE SET failures = sign_in_failures.failures + 1,"
      " locked_until = CASE WHEN sign_in_failures.failures + 1 >= ?5"
      " THEN max(COALESCE(sign_in_failures.locked_until, ?3 + ?4), ?3 + ?4)"
      " ELSE sign_in_failures.locked_until END"
      " RETURNING window_start, failures, locked_until",
      where);
  if (!upsert) return upsert.error();
  const StatementUse use(*upsert);
  int rc = bind_all(use.get(), sign_in_key_kind_name(kind), Blob{key}, to_seconds(now),
                    static_cast<std::int64_t>(rule.lockout.count()),
                    static_cast<std::int64_t>(rule.max_failures));
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc != SQLITE_ROW) return writer_->error(rc, where);
  const SignInFailures after = read_sign_in_failures(use.get());
  rc = sqlite3_step(use.get());
  if (rc != SQLITE_DONE) return writer_->error(rc, where);
  if (auto ok = transaction.commit(where); !ok) return ok.error();
  return after;
}

core::Result<SignInFailures> SqliteStore::find_sign_in_failures(SignInKeyKind kind,
                                                                std::string_view key) {
  const std::string where = "sign_in_failures";
  auto rows = select_rows<SignInFailures>(
      "SELECT window_start, failures, locked_until FROM sign_in_failures"
      " WHERE key_kind = ? AND key = ?",
      where, read_sign_in_failures, sign_in_key_kind_name(kind), Blob{key});
  if (!rows) return rows.error();
  if (rows->empty()) {
    return Error::not_found(where, "no failed sign-in is counted for this key");
  }
  return rows->front();
}

core::Result<void> SqliteStore::clear_sign_in_failures(SignInKeyKind kind, std::string_view key) {
  auto cleared = change("DELETE FROM sign_in_failures WHERE key_kind = ? AND key = ?",
                        "sign_in_failures", sign_in_key_kind_name(kind), Blob{key});
  if (!cleared) return cleared.error();
  return {};
}

core::Result<void> SqliteStore::delete_session(std::string_view token_hash) {
  const std::string where = "sessions";
  auto changed = change("DELETE FROM sessions WHERE token_hash = ?", where, Blob{token_hash});
  if (!changed) return changed.error();
  if (*changed == 0) return Error::not_found(where, "no such session");
  return {};
}

core::Result<std::int64_t> SqliteStore::delete_expired_sessions(sys_seconds now) {
  return change("DELETE FROM sessions WHERE expires_at <= ?", "sessions", to_seconds(now));
}

core::Result<std::int64_t> SqliteStore::delete_user_sessions(std::int64_t user_id,
                                                             std::string_view keep_token_hash) {
  // Two statements rather than "<> ?" with an empty blob: SQLite may bind an
  // empty blob as NULL, and "<> NULL" would keep every session.
  if (keep_token_hash.empty()) {
    return change("DELETE FROM sessions WHERE user_id = ?", "sessions", user_id);
  }
  return change("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", "sessions", user_id,
                Blob{keep_token_hash});
}

// The group commit. With synchronous=FULL every COMMIT waits for the disk,
// so one transaction per entry would cap the diary at the disk's sync rate.
// Instead each caller queues its entry and waits; the first caller to find
// no commit running leads: it takes everything queued so far and writes it
// in one transaction, then hands each caller its own result. Callers that
// arrive meanwhile queue for the next leader. Each call still returns only
// once its entry is durable.
core::Result<std::int64_t> SqliteStore::add_diary_entry(const DiaryEntry& entry) {
  if (auto ok = check_diary_entry(entry); !ok) return ok.error();
  PendingEntry mine{&entry, std::nullopt};
  std::unique_lock lock(queue_mutex_);
  queue_.push_back(&mine);
  committed_.wait(lock, [&] { return mine.result.has_value() || !leading_; });
  if (mine.result) return std::move(*mine.result);

  // No commit is running and ours is still queued (a leader that takes an
  // entry sets its result before it stops leading): lead the next one.
  leading_ = true;
  std::vector<PendingEntry*> batch;
  batch.swap(queue_);
  lock.unlock();
  std::vector<core::Result<std::int64_t>> results;
  try {
    results = commit_diary_batch(batch);
  } catch (const std::exception&) {
    // Only allocation can throw here; the waiting callers must still wake.
    results.clear();
    results.resize(batch.size(), Error::internal("diary_entries", "out of memory"));
  }
  lock.lock();
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->result.emplace(std::move(results[i]));
  leading_ = false;
  lock.unlock();
  committed_.notify_all();
  return std::move(*mine.result);
}

std::vector<core::Result<std::int64_t>> SqliteStore::commit_diary_batch(
    const std::vector<PendingEntry*>& batch) {
  const std::lock_guard lock(write_mutex_);
  const std::string where = "diary_entries";
  const auto fail_all = [&](const Error& error) {
    return std::vector<core::Result<std::int64_t>>(batch.size(), error);
  };
  Transaction transaction(*writer_);
  if (auto ok = transaction.begin(where); !ok) return fail_all(ok.error());
  auto insert = writer_->statement(
      "INSERT INTO diary_entries (user_id, pain, region, context, side, note, at, at_utc)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      where);
  if (!insert) return fail_all(insert.error());
  std::vector<core::Result<std::int64_t>> results;
  results.reserve(batch.size());
  for (const PendingEntry* pending : batch) {
    const DiaryEntry& entry = *pending->entry;
    // A savepoint per entry, so that an entry the database refuses (its user
    // deleted meanwhile, say) is undone alone and the others still commit.
    if (auto ok = writer_->run("SAVEPOINT diary_entry", where); !ok) return fail_all(ok.error());
    int rc = SQLITE_OK;
    {
      const StatementUse use(*insert);
      rc = bind_all(use.get(), entry.user_id, entry.pain, std::string_view(entry.region),
                    pain_context_name(entry.context), side_name(entry.side),
                    std::string_view(entry.note), std::string_view(entry.at),
                    to_seconds(entry.at_utc));
      if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
    }
    if (rc == SQLITE_DONE) {
      results.emplace_back(static_cast<std::int64_t>(sqlite3_last_insert_rowid(writer_->db())));
      if (auto ok = writer_->run("RELEASE diary_entry", where); !ok) return fail_all(ok.error());
      continue;
    }
    // Anything but a constraint (a full disk, an I/O error) may have rolled
    // the whole transaction back already: the batch fails as one.
    if ((rc & 0xff) != SQLITE_CONSTRAINT) return fail_all(writer_->error(rc, where));
    results.push_back(rc == SQLITE_CONSTRAINT_FOREIGNKEY
                          ? Error::not_found(row("users", entry.user_id), "no such user")
                          : writer_->error(rc, where));
    if (auto ok = writer_->run("ROLLBACK TO diary_entry", where); !ok) {
      return fail_all(ok.error());
    }
    if (auto ok = writer_->run("RELEASE diary_entry", where); !ok) return fail_all(ok.error());
  }
  if (auto ok = transaction.commit(where); !ok) return fail_all(ok.error());
  return results;
}

core::Result<DiaryEntry> SqliteStore::read_diary_entry(sqlite3_stmt* statement) {
  DiaryEntry entry;
  entry.id = sqlite3_column_int64(statement, 0);
  entry.user_id = sqlite3_column_int64(statement, 1);
  entry.pain = sqlite3_column_int(statement, 2);
  entry.region = column_text(statement, 3);
  const auto context = parse_pain_context(column_text(statement, 4));
  const auto side = parse_side(column_text(statement, 5));
  if (!context || !side) {
    return Error::internal(row("diary_entries", entry.id),
                           "context or side holds an unknown value");
  }
  entry.context = *context;
  entry.side = *side;
  entry.note = column_text(statement, 6);
  entry.at = column_text(statement, 7);
  entry.at_utc = from_seconds(sqlite3_column_int64(statement, 8));
  return entry;
}

template <typename T, typename ReadRow, typename... Values>
core::Result<std::vector<T>> SqliteStore::select_rows(const char* sql, const std::string& where,
                                                      ReadRow read_row, const Values&... values) {
  auto reader = readers_.take(where);
  if (!reader) return reader.error();
  auto select = (*reader)->statement(sql, where);
  if (!select) return select.error();
  const StatementUse use(*select);
  int rc = bind_all(use.get(), values...);
  std::vector<T> rows;
  while (rc == SQLITE_OK || rc == SQLITE_ROW) {
    rc = sqlite3_step(use.get());
    if (rc != SQLITE_ROW) break;
    core::Result<T> row = read_row(use.get());
    if (!row) return row.error();
    rows.push_back(std::move(*row));
  }
  if (rc != SQLITE_DONE) return (*reader)->error(rc, where);
  return rows;
}

core::Result<std::vector<DiaryEntry>> SqliteStore::list_diary(std::int64_t user_id, int limit,
                                                              std::optional<DiaryCursor> before) {
  if (auto ok = check_list_limit(limit); !ok) return ok.error();
  if (before) {
    return select_rows<DiaryEntry>("SELECT " HIPCOACH_DIARY_COLUMNS
                                   " FROM diary_entries"
                                   " WHERE user_id = ? AND (at_utc, id) < (?, ?)"
                                   " ORDER BY at_utc DESC, id DESC LIMIT ?",
                                   "diary_entries", read_diary_entry, user_id,
                                   to_seconds(before->at_utc), before->id, limit);
  }
  return select_rows<DiaryEntry>("SELECT " HIPCOACH_DIARY_COLUMNS
                                 " FROM diary_entries"
                                 " WHERE user_id = ? ORDER BY at_utc DESC, id DESC LIMIT ?",
                                 "diary_entries", read_diary_entry, user_id, limit);
}

core::Result<DiaryEntry> SqliteStore::get_diary_entry(std::int64_t user_id, std::int64_t entry_id) {
  const std::string where = row("diary_entries", entry_id);
  auto reader = readers_.take(where);
  if (!reader) return reader.error();
  auto select = (*reader)->statement(
      "SELECT " HIPCOACH_DIARY_COLUMNS " FROM diary_entries WHERE id = ? AND user_id = ?", where);
  if (!select) return select.error();
  const StatementUse use(*select);
  int rc = bind_all(use.get(), entry_id, user_id);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_DONE) return Error::not_found(where, "no such diary entry");
  if (rc != SQLITE_ROW) return (*reader)->error(rc, where);
  return read_diary_entry(use.get());
}

core::Result<void> SqliteStore::delete_diary_entry(std::int64_t user_id, std::int64_t entry_id) {
  const std::string where = row("diary_entries", entry_id);
  auto changed =
      change("DELETE FROM diary_entries WHERE id = ? AND user_id = ?", where, entry_id, user_id);
  if (!changed) return changed.error();
  if (*changed == 0) return Error::not_found(where, "no such diary entry");
  return {};
}

core::Result<std::int64_t> SqliteStore::save_triage(const SavedTriage& triage) {
  if (auto ok = check_saved_triage(triage); !ok) return ok.error();
  return insert(
      "INSERT INTO saved_triage (user_id, created_at, answers_json, result_json)"
      " VALUES (?, ?, ?, ?)",
      triage.user_id, "saved_triage", triage.user_id, to_seconds(triage.created_at),
      std::string_view(triage.answers_json), std::string_view(triage.result_json));
}

core::Result<std::vector<SavedTriage>> SqliteStore::list_triage(std::int64_t user_id) {
  return select_rows<SavedTriage>(
      "SELECT id, user_id, created_at, answers_json, result_json FROM saved_triage"
      " WHERE user_id = ? ORDER BY created_at DESC, id DESC",
      "saved_triage",
      [](sqlite3_stmt* statement) {
        SavedTriage triage;
        triage.id = sqlite3_column_int64(statement, 0);
        triage.user_id = sqlite3_column_int64(statement, 1);
        triage.created_at = from_seconds(sqlite3_column_int64(statement, 2));
        triage.answers_json = column_text(statement, 3);
        triage.result_json = column_text(statement, 4);
        return triage;
      },
      user_id);
}

core::Result<std::int64_t> SqliteStore::add_questionnaire_response(
    const QuestionnaireResponse& response) {
  if (auto ok = check_questionnaire_response(response); !ok) return ok.error();
  return insert(
      "INSERT INTO questionnaire_responses (user_id, questionnaire_id, at, at_utc, answers_json,"
      " score) VALUES (?, ?, ?, ?, ?, ?)",
      response.user_id, "questionnaire_responses", response.user_id,
      std::string_view(response.questionnaire_id), std::string_view(response.at),
      to_seconds(response.at_utc), std::string_view(response.answers_json), response.score);
}

core::Result<std::vector<QuestionnaireResponse>> SqliteStore::list_questionnaire_responses(
    std::int64_t user_id) {
  return select_rows<QuestionnaireResponse>(
      "SELECT id, user_id, questionnaire_id, at, at_utc, answers_json, score"
      " FROM questionnaire_responses WHERE user_id = ? ORDER BY at_utc, id",
      "questionnaire_responses",
      [](sqlite3_stmt* statement) {
        QuestionnaireResponse response;
        response.id = sqlite3_column_int64(statement, 0);
        response.user_id = sqlite3_column_int64(statement, 1);
        response.questionnaire_id = column_text(statement, 2);
        response.at = column_text(statement, 3);
        response.at_utc = from_seconds(sqlite3_column_int64(statement, 4));
        response.answers_json = column_text(statement, 5);
        response.score = sqlite3_column_double(statement, 6);
        return response;
      },
      user_id);
}

core::Result<std::int64_t> SqliteStore::add_guided_session(const GuidedSessionRecord& record) {
  if (auto ok = check_guided_session(record); !ok) return ok.error();
  return insert(
      "INSERT INTO guided_sessions (user_id, started_at, ended_at, pain_before, pain_after,"
      " record_json) VALUES (?, ?, ?, ?, ?, ?)",
      record.user_id, "guided_sessions", record.user_id, to_seconds(record.started_at),
      to_seconds(record.ended_at), record.pain_before, record.pain_after,
      std::string_view(record.record_json));
}

core::Result<std::vector<GuidedSessionRecord>> SqliteStore::list_guided_sessions(
    std::int64_t user_id) {
  return select_rows<GuidedSessionRecord>(
      "SELECT id, user_id, started_at, ended_at, pain_before, pain_after, record_json"
      " FROM guided_sessions WHERE user_id = ? ORDER BY started_at, id",
      "guided_sessions",
      [](sqlite3_stmt* statement) {
        GuidedSessionRecord record;
        record.id = sqlite3_column_int64(statement, 0);
        record.user_id = sqlite3_column_int64(statement, 1);
        record.started_at = from_seconds(sqlite3_column_int64(statement, 2));
        record.ended_at = from_seconds(sqlite3_column_int64(statement, 3));
        record.pain_before = column_optional_int(statement, 4);
        record.pain_after = column_optional_int(statement, 5);
        record.record_json = column_text(statement, 6);
        return record;
      },
      user_id);
}

#define HIPCOACH_REMINDER_COLUMNS "user_id, weekdays, minute_of_day, feed_token_hash, updated_at"

core::Result<Reminders> read_reminders(sqlite3_stmt* statement) {
  Reminders reminders;
  reminders.user_id = sqlite3_column_int64(statement, 0);
  const int weekdays = sqlite3_column_int(statement, 1);
  if (weekdays < 0 || weekdays > kMaxReminderWeekdays) {
    return Error::internal(row("reminders", reminders.user_id), "weekdays holds an unknown value");
  }
  reminders.weekdays = static_cast<std::uint8_t>(weekdays);
  reminders.minute_of_day = sqlite3_column_int(statement, 2);
  reminders.feed_token_hash = column_text(statement, 3);
  reminders.updated_at = from_seconds(sqlite3_column_int64(statement, 4));
  return reminders;
}

core::Result<Reminders> SqliteStore::get_reminders(std::int64_t user_id) {
  const std::string where = row("reminders", user_id);
  auto rows = select_rows<Reminders>("SELECT " HIPCOACH_REMINDER_COLUMNS
                                     " FROM reminders WHERE user_id = ?",
                                     where, read_reminders, user_id);
  if (!rows) return rows.error();
  if (rows->empty()) return Error::not_found(where, "no reminders");
  return std::move(rows->front());
}

core::Result<void> SqliteStore::put_reminders(const Reminders& reminders) {
  if (auto ok = check_reminders(reminders); !ok) return ok;
  auto done = insert(
      "INSERT INTO reminders (user_id, weekdays, minute_of_day, updated_at) VALUES (?, ?, ?, ?)"
      " ON CONFLICT (user_id) DO UPDATE SET weekdays = excluded.weekdays,"
      " minute_of_day = excluded.minute_of_day, updated_at = excluded.updated_at",
      reminders.user_id, row("reminders", reminders.user_id), reminders.user_id,
      static_cast<int>(reminders.weekdays), reminders.minute_of_day,
      to_seconds(reminders.updated_at));
  if (!done) return done.error();
  return {};
}

core::Result<void> SqliteStore::set_reminder_feed(std::int64_t user_id,
                                                  std::string_view token_hash) {
  if (auto ok = check_feed_token_hash(token_hash); !ok) return ok;
  const std::string where = row("reminders", user_id);
  // A separate statement for NULL: SQLite may bind an empty blob as NULL or
  // as a zero-length blob, and the CHECK refuses the latter.
  auto changed =
      token_hash.empty()
          ? change("UPDATE reminders SET feed_token_hash = NULL WHERE user_id = ?", where, user_id)
          : change("UPDATE reminders SET feed_token_hash = ? WHERE user_id = ?", where,
                   Blob{token_hash}, user_id);
  if (!changed) return changed.error();
  if (*changed == 0) return Error::not_found(where, "no reminders");
  return {};
}

core::Result<Reminders> SqliteStore::find_reminders_by_feed(std::string_view token_hash) {
  const std::string where = "reminders";
  if (token_hash.empty()) return Error::not_found(where, "no reminders have this feed");
  auto rows = select_rows<Reminders>("SELECT " HIPCOACH_REMINDER_COLUMNS
                                     " FROM reminders WHERE feed_token_hash = ?",
                                     where, read_reminders, Blob{token_hash});
  if (!rows) return rows.error();
  if (rows->empty()) return Error::not_found(where, "no reminders have this feed");
  return std::move(rows->front());
}

#undef HIPCOACH_REMINDER_COLUMNS

#define HIPCOACH_CONSENT_COLUMNS "id, user_id, parts, created_at, until_at, revoked_at"
#define HIPCOACH_AUDIT_COLUMNS \
  "id, at, actor_id, actor_email, actor_role, patient_id, action, what, why, request_id"
// Active at ?1 (bound twice: SQLite numbers each ? on its own).
#define HIPCOACH_CONSENT_ACTIVE \
  "consents.revoked_at IS NULL AND consents.created_at <= ? AND ? < consents.until_at"

core::Result<Consent> read_consent(sqlite3_stmt* statement) {
  Consent consent;
  consent.id = sqlite3_column_int64(statement, 0);
  consent.user_id = sqlite3_column_int64(statement, 1);
  const int parts = sqlite3_column_int(statement, 2);
  if (parts < 1 || parts > kAllRecordParts) {
    return Error::internal(row("consents", consent.id), "parts holds an unknown value");
  }
  consent.parts = static_cast<std::uint8_t>(parts);
  consent.created_at = from_seconds(sqlite3_column_int64(statement, 3));
  consent.until = from_seconds(sqlite3_column_int64(statement, 4));
  if (sqlite3_column_type(statement, 5) != SQLITE_NULL) {
    consent.revoked_at = from_seconds(sqlite3_column_int64(statement, 5));
  }
  return consent;
}

core::Result<AuditEntry> read_audit_entry(sqlite3_stmt* statement) {
  AuditEntry entry;
  entry.id = sqlite3_column_int64(statement, 0);
  entry.at = from_seconds(sqlite3_column_int64(statement, 1));
  entry.actor_id = sqlite3_column_int64(statement, 2);
  entry.actor_email = column_text(statement, 3);
  const auto role = parse_role(column_text(statement, 4));
  if (!role)
    return Error::internal(row("audit_log", entry.id), "actor_role holds an unknown value");
  entry.actor_role = *role;
  entry.patient_id = sqlite3_column_int64(statement, 5);
  entry.action = column_text(statement, 6);
  entry.what = column_text(statement, 7);
  entry.why = column_text(statement, 8);
  entry.request_id = column_text(statement, 9);
  return entry;
}

core::Result<std::int64_t> SqliteStore::add_consent(const Consent& consent) {
  if (auto ok = check_consent(consent); !ok) return ok.error();
  return insert("INSERT INTO consents (user_id, parts, created_at, until_at) VALUES (?, ?, ?, ?)",
                consent.user_id, "consents", consent.user_id, static_cast<int>(consent.parts),
                to_seconds(consent.created_at), to_seconds(consent.until));
}

core::Result<std::vector<Consent>> SqliteStore::list_consents(std::int64_t user_id) {
  return select_rows<Consent>("SELECT " HIPCOACH_CONSENT_COLUMNS
                              " FROM consents WHERE user_id = ?"
                              " ORDER BY created_at DESC, id DESC",
                              "consents", read_consent, user_id);
}

core::Result<void> SqliteStore::revoke_consent(std::int64_t user_id, std::int64_t consent_id,
                                               sys_seconds now) {
  const std::string where = row("consents", consent_id);
  auto changed = change(
      "UPDATE consents SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? AND user_id = ?",
      where, to_seconds(now), consent_id, user_id);
  if (!changed) return changed.error();
  if (*changed == 0) return Error::not_found(where, "no such consent");
  return {};
}

core::Result<std::uint8_t> SqliteStore::shared_parts(std::int64_t user_id, sys_seconds now) {
  auto rows =
      select_rows<Consent>("SELECT " HIPCOACH_CONSENT_COLUMNS
                           " FROM consents WHERE user_id = ? AND " HIPCOACH_CONSENT_ACTIVE,
                           "consents", read_consent, user_id, to_seconds(now), to_seconds(now));
  if (!rows) return rows.error();
  std::uint8_t parts = 0;
  for (const Consent& consent : *rows) parts = static_cast<std::uint8_t>(parts | consent.parts);
  return parts;
}

core::Result<std::vector<SharingPatient>> SqliteStore::list_sharing_patients(sys_seconds now) {
  auto rows = select_rows<SharingPatient>(
      "SELECT consents.user_id, users.email, consents.parts, consents.until_at"
      " FROM consents JOIN users ON users.id = consents.user_id"
      " WHERE " HIPCOACH_CONSENT_ACTIVE " ORDER BY consents.user_id",
      "consents",
      [](sqlite3_stmt* statement) {
        SharingPatient patient;
        patient.user_id = sqlite3_column_int64(statement, 0);
        patient.email = column_text(statement, 1);
        patient.parts = static_cast<std::uint8_t>(sqlite3_column_int(statement, 2) & 0x0f);
        patient.until = from_seconds(sqlite3_column_int64(statement, 3));
        return patient;
      },
      to_seconds(now), to_seconds(now));
  if (!rows) return rows.error();
  // One row per consent, ordered by user: merge each user's rows.
  std::vector<SharingPatient> sharing;
  for (SharingPatient& patient : *rows) {
    if (!sharing.empty() && sharing.back().user_id == patient.user_id) {
      sharing.back().parts = static_cast<std::uint8_t>(sharing.back().parts | patient.parts);
      sharing.back().until = std::max(sharing.back().until, patient.until);
    } else {
      sharing.push_back(std::move(patient));
    }
  }
  return sharing;
}

core::Result<std::int64_t> SqliteStore::append_audit(const AuditEntry& entry) {
  if (auto ok = check_audit_entry(entry); !ok) return ok.error();
  const std::string where = "audit_log";
  const std::lock_guard lock(write_mutex_);
  // The actor's email and role come from their account in the same
  // statement; no row is added unless both accounts exist.
  auto prepared = writer_->statement(
      "INSERT INTO audit_log (at, actor_id, actor_email, actor_role, patient_id, action, what,"
      " why, request_id)"
      " SELECT ?, actor.id, actor.email, actor.role, patient.id, ?, ?, ?, ?"
      " FROM users AS actor, users AS patient WHERE actor.id = ? AND patient.id = ?",
      where);
  if (!prepared) return prepared.error();
  const StatementUse use(*prepared);
  int rc = bind_all(use.get(), to_seconds(entry.at), std::string_view(entry.action),
                    std::string_view(entry.what), std::string_view(entry.why),
                    std::string_view(entry.request_id), entry.actor_id, entry.patient_id);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc != SQLITE_DONE) return writer_->error(rc, where);
  if (sqlite3_changes(writer_->db()) == 0) {
    return Error::not_found(where, "the actor or the patient does not exist");
  }
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(writer_->db()));
}

core::Result<std::vector<AuditEntry>> SqliteStore::list_audit_for_patient(std::int64_t patient_id) {
  return select_rows<AuditEntry>("SELECT " HIPCOACH_AUDIT_COLUMNS
                                 " FROM audit_log WHERE patient_id = ? ORDER BY id DESC",
                                 "audit_log", read_audit_entry, patient_id);
}

core::Result<std::vector<AuditEntry>> SqliteStore::list_audit(
    int limit, std::optional<std::int64_t> before_id) {
  if (auto ok = check_list_limit(limit); !ok) return ok.error();
  if (before_id) {
    return select_rows<AuditEntry>("SELECT " HIPCOACH_AUDIT_COLUMNS
                                   " FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?",
                                   "audit_log", read_audit_entry, *before_id, limit);
  }
  return select_rows<AuditEntry>("SELECT " HIPCOACH_AUDIT_COLUMNS
                                 " FROM audit_log ORDER BY id DESC LIMIT ?",
                                 "audit_log", read_audit_entry, limit);
}

#define HIPCOACH_APPOINTMENT_COLUMNS                                                          \
  "id, user_id, type_id, reason, preferred, earliest_at, urgency, triage_id, attach_summary," \
  " status, start_at, minutes, message, created_at, updated_at"
#define HIPCOACH_OUTBOX_COLUMNS "id, user_id, kind, subject, body, created_at, delivered_at"

std::optional<std::int64_t> optional_seconds(std::optional<sys_seconds> time) {
  if (!time) return std::nullopt;
  return to_seconds(*time);
}

core::Result<Appointment> read_appointment(sqlite3_stmt* statement) {
  Appointment appointment;
  appointment.id = sqlite3_column_int64(statement, 0);
  appointment.user_id = sqlite3_column_int64(statement, 1);
  appointment.type_id = column_text(statement, 2);
  appointment.reason = column_text(statement, 3);
  appointment.preferred = column_text(statement, 4);
  if (const auto earliest = column_optional_int64(statement, 5)) {
    appointment.earliest = from_seconds(*earliest);
  }
  const int urgency = sqlite3_column_int(statement, 6);
  if (urgency < 0 || urgency > static_cast<int>(AppointmentUrgency::kNone)) {
    return Error::internal(row("appointments", appointment.id), "urgency holds an unknown value");
  }
  appointment.urgency = static_cast<AppointmentUrgency>(urgency);
  appointment.triage_id = column_optional_int64(statement, 7);
  appointment.attach_summary = sqlite3_column_int(statement, 8) != 0;
  const auto status = parse_appointment_status(column_text(statement, 9));
  if (!status) {
    return Error::internal(row("appointments", appointment.id), "status holds an unknown value");
  }
  appointment.status = *status;
  if (const auto start = column_optional_int64(statement, 10)) {
    appointment.start = from_seconds(*start);
  }
  appointment.minutes = sqlite3_column_int(statement, 11);
  appointment.message = column_text(statement, 12);
  appointment.created_at = from_seconds(sqlite3_column_int64(statement, 13));
  appointment.updated_at = from_seconds(sqlite3_column_int64(statement, 14));
  return appointment;
}

OutboxMessage read_outbox_message(sqlite3_stmt* statement) {
  OutboxMessage message;
  message.id = sqlite3_column_int64(statement, 0);
  message.user_id = sqlite3_column_int64(statement, 1);
  message.kind = column_text(statement, 2);
  message.subject = column_text(statement, 3);
  message.body = column_text(statement, 4);
  message.created_at = from_seconds(sqlite3_column_int64(statement, 5));
  if (const auto delivered = column_optional_int64(statement, 6)) {
    message.delivered_at = from_seconds(*delivered);
  }
  return message;
}

core::Result<std::int64_t> SqliteStore::add_appointment(const Appointment& appointment) {
  Appointment kept = appointment;
  kept.status = AppointmentStatus::kRequested;
  kept.start.reset();
  kept.minutes = 0;
  kept.message.clear();
  kept.updated_at = kept.created_at;
  if (auto ok = check_appointment(kept); !ok) return ok.error();
  const std::string where = "appointments";
  const std::lock_guard lock(write_mutex_);
  Transaction transaction(*writer_);
  if (auto ok = transaction.begin(where); !ok) return ok.error();
  if (kept.triage_id) {
    const std::string triage_where = row("saved_triage", *kept.triage_id);
    auto select =
        writer_->statement("SELECT 1 FROM saved_triage WHERE id = ? AND user_id = ?", triage_where);
    if (!select) return select.error();
    const StatementUse use(*select);
    int rc = bind_all(use.get(), *kept.triage_id, kept.user_id);
    if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
    if (rc == SQLITE_DONE) return Error::not_found(triage_where, "no such saved triage");
    if (rc != SQLITE_ROW) return writer_->error(rc, triage_where);
  }
  auto insert = writer_->statement(
      "INSERT INTO appointments (user_id, type_id, reason, preferred, earliest_at, urgency,"
      " triage_id, attach_summary, status, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?)",
      where);
  if (!insert) return insert.error();
  {
    const StatementUse use(*insert);
    int rc = bind_all(use.get(), kept.user_id, std::string_view(kept.type_id),
                      std::string_view(kept.reason), std::string_view(kept.preferred),
                      optional_seconds(kept.earliest), static_cast<int>(kept.urgency),
                      kept.triage_id, kept.attach_summary ? 1 : 0, to_seconds(kept.created_at),
                      to_seconds(kept.created_at));
    if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Error::not_found(row("users", kept.user_id), "no such user");
    }
    if (rc != SQLITE_DONE) return writer_->error(rc, where);
  }
  const auto id = static_cast<std::int64_t>(sqlite3_last_insert_rowid(writer_->db()));
  if (auto ok = transaction.commit(where); !ok) return ok.error();
  return id;
}

core::Result<Appointment> SqliteStore::get_appointment(std::int64_t appointment_id) {
  const std::string where = row("appointments", appointment_id);
  auto rows = select_rows<Appointment>("SELECT " HIPCOACH_APPOINTMENT_COLUMNS
                                       " FROM appointments WHERE id = ?",
                                       where, read_appointment, appointment_id);
  if (!rows) return rows.error();
  if (rows->empty()) return Error::not_found(where, "no such appointment");
  return std::move(rows->front());
}

core::Result<std::vector<Appointment>> SqliteStore::list_appointments(std::int64_t user_id) {
  return select_rows<Appointment>("SELECT " HIPCOACH_APPOINTMENT_COLUMNS
                                  " FROM appointments WHERE user_id = ?"
                                  " ORDER BY created_at DESC, id DESC",
                                  "appointments", read_appointment, user_id);
}

core::Result<std::vector<Appointment>> SqliteStore::list_appointment_queue(
    std::optional<AppointmentStatus> status) {
  if (status) {
    return select_rows<Appointment>("SELECT " HIPCOACH_APPOINTMENT_COLUMNS
                                    " FROM appointments WHERE status = ?"
                                    " ORDER BY urgency, created_at, id",
                                    "appointments", read_appointment,
                                    appointment_status_name(*status));
  }
  return select_rows<Appointment>("SELECT " HIPCOACH_APPOINTMENT_COLUMNS
                                  " FROM appointments WHERE status IN ('requested', 'proposed')"
                                  " ORDER BY urgency, created_at, id",
                                  "appointments", read_appointment);
}

core::Result<Appointment> SqliteStore::change_appointment(const AppointmentChange& change) {
  const std::string where = row("appointments", change.appointment_id);
  const std::lock_guard lock(write_mutex_);
  Transaction transaction(*writer_);
  if (auto ok = transaction.begin(where); !ok) return ok.error();
  std::optional<Appointment> current;
  {
    auto select = writer_->statement(
        "SELECT " HIPCOACH_APPOINTMENT_COLUMNS " FROM appointments WHERE id = ?", where);
    if (!select) return select.error();
    const StatementUse use(*select);
    int rc = bind_all(use.get(), change.appointment_id);
    if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
    if (rc == SQLITE_ROW) {
      auto read = read_appointment(use.get());
      if (!read) return read.error();
      current = std::move(*read);
    } else if (rc != SQLITE_DONE) {
      return writer_->error(rc, where);
    }
  }
  if (!current || (change.owner_id && current->user_id != *change.owner_id)) {
    return Error::not_found(where, "no such appointment");
  }
  auto changed = apply_appointment_change(*current, change);
  if (!changed) return changed.error();
  if (changed->status == AppointmentStatus::kConfirmed) {
    const std::int64_t start = to_seconds(*changed->start);
    const std::int64_t end = start + std::int64_t{changed->minutes} * 60;
    auto overlap = writer_->statement(
        "SELECT 1 FROM appointments WHERE status = 'confirmed' AND id != ?"
        " AND start_at < ? AND ? < start_at + minutes * 60 LIMIT 1",
        where);
    if (!overlap) return overlap.error();
    const StatementUse use(*overlap);
    int rc = bind_all(use.get(), changed->id, end, start);
    if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
    if (rc == SQLITE_ROW) {
      return Error::conflict(where, "the time overlaps another confirmed appointment");
    }
    if (rc != SQLITE_DONE) return writer_->error(rc, where);
  }
  {
    auto update = writer_->statement(
        "UPDATE appointments SET status = ?, start_at = ?, minutes = ?, message = ?,"
        " updated_at = ? WHERE id = ?",
        where);
    if (!update) return update.error();
    const StatementUse use(*update);
    int rc =
        bind_all(use.get(), appointment_status_name(changed->status),
                 optional_seconds(changed->start), changed->minutes,
                 std::string_view(changed->message), to_seconds(changed->updated_at), changed->id);
    if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
    if (rc != SQLITE_DONE) return writer_->error(rc, where);
  }
  if (change.notify) {
    auto insert = writer_->statement(
        "INSERT INTO outbox (user_id, kind, subject, body, created_at) VALUES (?, ?, ?, ?, ?)",
        "outbox");
    if (!insert) return insert.error();
    const StatementUse use(*insert);
    int rc = bind_all(use.get(), changed->user_id, std::string_view(change.notify->kind),
                      std::string_view(change.notify->subject),
                      std::string_view(change.notify->body), to_seconds(change.notify->created_at));
    if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
    if (rc != SQLITE_DONE) return writer_->error(rc, "outbox");
  }
  if (auto ok = transaction.commit(where); !ok) return ok.error();
  return std::move(*changed);
}

#define HIPCOACH_APPOINTMENT_NOTE_COLUMNS \
  "id, appointment_id, author_id, author_email, author_role, body, created_at"

core::Result<AppointmentNote> read_appointment_note(sqlite3_stmt* statement) {
  AppointmentNote note;
  note.id = sqlite3_column_int64(statement, 0);
  note.appointment_id = sqlite3_column_int64(statement, 1);
  note.author_id = sqlite3_column_int64(statement, 2);
  note.author_email = column_text(statement, 3);
  const auto role = parse_role(column_text(statement, 4));
  if (!role) {
    return Error::internal(row("appointment_notes", note.id), "author_role holds an unknown value");
  }
  note.author_role = *role;
  note.text = column_text(statement, 5);
  note.created_at = from_seconds(sqlite3_column_int64(statement, 6));
  return note;
}

core::Result<AppointmentNote> SqliteStore::add_appointment_note(const AppointmentNote& note) {
  if (auto ok = check_appointment_note(note); !ok) return ok.error();
  const std::string where = row("appointments", note.appointment_id);
  const std::lock_guard lock(write_mutex_);
  // The author's email and role come from their account in the same
  // statement; no row is added unless the appointment and the author exist.
  auto prepared = writer_->statement(
      "INSERT INTO appointment_notes (appointment_id, author_id, author_email, author_role, body,"
      " created_at)"
      " SELECT appointments.id, author.id, author.email, author.role, ?, ?"
      " FROM appointments, users AS author WHERE appointments.id = ? AND author.id = ?"
      " RETURNING " HIPCOACH_APPOINTMENT_NOTE_COLUMNS,
      where);
  if (!prepared) return prepared.error();
  const StatementUse use(*prepared);
  int rc = bind_all(use.get(), std::string_view(note.text), to_seconds(note.created_at),
                    note.appointment_id, note.author_id);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_ROW) {
    auto added = read_appointment_note(use.get());
    rc = sqlite3_step(use.get());
    if (rc != SQLITE_DONE) return writer_->error(rc, where);
    return added;
  }
  if (rc != SQLITE_DONE) return writer_->error(rc, where);
  // Nothing added: say which of the two is missing.
  auto appointment = writer_->statement("SELECT 1 FROM appointments WHERE id = ?", where);
  if (!appointment) return appointment.error();
  const StatementUse check(*appointment);
  rc = bind_all(check.get(), note.appointment_id);
  if (rc == SQLITE_OK) rc = sqlite3_step(check.get());
  if (rc == SQLITE_DONE) return Error::not_found(where, "no such appointment");
  if (rc != SQLITE_ROW) return writer_->error(rc, where);
  return Error::not_found(row("users", note.author_id), "no such user");
}

core::Result<std::vector<AppointmentNote>> SqliteStore::list_appointment_notes(
    std::int64_t appointment_id) {
  return select_rows<AppointmentNote>("SELECT " HIPCOACH_APPOINTMENT_NOTE_COLUMNS
                                      " FROM appointment_notes WHERE appointment_id = ?"
                                      " ORDER BY id",
                                      "appointment_notes", read_appointment_note, appointment_id);
}

#undef HIPCOACH_APPOINTMENT_NOTE_COLUMNS

core::Result<std::vector<OutboxMessage>> SqliteStore::deliver_notifications(std::int64_t user_id,
                                                                            sys_seconds now) {
  const std::string where = "outbox";
  const std::lock_guard lock(write_mutex_);
  auto update = writer_->statement(
      "UPDATE outbox SET delivered_at = ? WHERE user_id = ? AND delivered_at IS NULL"
      " RETURNING " HIPCOACH_OUTBOX_COLUMNS,
      where);
  if (!update) return update.error();
  const StatementUse use(*update);
  int rc = bind_all(use.get(), to_seconds(now), user_id);
  std::vector<OutboxMessage> delivered;
  while (rc == SQLITE_OK || rc == SQLITE_ROW) {
    rc = sqlite3_step(use.get());
    if (rc != SQLITE_ROW) break;
    delivered.push_back(read_outbox_message(use.get()));
  }
  if (rc != SQLITE_DONE) return writer_->error(rc, where);
  // RETURNING gives no order.
  std::sort(delivered.begin(), delivered.end(),
            [](const OutboxMessage& a, const OutboxMessage& b) { return a.id < b.id; });
  return delivered;
}

core::Result<std::int64_t> SqliteStore::count_undelivered_notifications(std::int64_t user_id) {
  auto rows = select_rows<std::int64_t>(
      "SELECT count(*) FROM outbox WHERE user_id = ? AND delivered_at IS NULL", "outbox",
      [](sqlite3_stmt* statement) { return sqlite3_column_int64(statement, 0); }, user_id);
  if (!rows) return rows.error();
  return rows->empty() ? 0 : rows->front();
}

#undef HIPCOACH_OUTBOX_COLUMNS
#undef HIPCOACH_APPOINTMENT_COLUMNS

#undef HIPCOACH_CONSENT_ACTIVE
#undef HIPCOACH_AUDIT_COLUMNS
#undef HIPCOACH_CONSENT_COLUMNS
#undef HIPCOACH_DIARY_COLUMNS
#undef HIPCOACH_USER_COLUMNS

}  // namespace

core::Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                       const StoreOptions& options) {
  auto writer = open_connection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, options);
  if (!writer) return writer.error();
  auto store = std::make_unique<SqliteStore>(std::move(*writer), options);
  if (auto ok = store->initialize(); !ok) return ok.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace hipcoach::storage
