#include "sqlite_store.h"

#include <sqlite3.h>

#include <climits>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "migrations/migrations.h"

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
int bind_all(sqlite3_stmt* statement, const Values&... values) {
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

// A cached statement in use: resets it and clears its bindings when done, so
// that the next user finds it fresh and no bound value outlives the call.
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

class SqliteStore final : public Store {
 public:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteStore() override {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close(db_);
  }

  // Sets the connection up and brings the schema up to date.
  core::Result<void> initialize(const StoreOptions& options);

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
  core::Result<std::int64_t> delete_expired_sessions(sys_seconds now) override;
  core::Result<std::int64_t> add_diary_entry(const DiaryEntry& entry) override;
  core::Result<std::vector<DiaryEntry>> list_diary(std::int64_t user_id, int limit,
                                                   std::optional<DiaryCursor> before) override;
  core::Result<DiaryEntry> get_diary_entry(std::int64_t user_id, std::int64_t entry_id) override;
  core::Result<void> delete_diary_entry(std::int64_t user_id, std::int64_t entry_id) override;
  core::Result<std::int64_t> save_triage(const SavedTriage& triage) override;
  core::Result<std::vector<SavedTriage>> list_triage(std::int64_t user_id) override;

 private:
  // An open write transaction (BEGIN IMMEDIATE, so that a busy database
  // fails at the start rather than at COMMIT); rolled back unless committed.
  class Transaction {
   public:
    explicit Transaction(SqliteStore& store) : store_(store) {}
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
      if (open_) (void)store_.run("ROLLBACK", "");
    }
    core::Result<void> begin(const std::string& where) {
      auto ok = store_.run("BEGIN IMMEDIATE", where);
      open_ = ok.has_value();
      return ok;
    }
    core::Result<void> commit(const std::string& where) {
      auto ok = store_.run("COMMIT", where);
      if (ok) open_ = false;
      return ok;
    }

   private:
    SqliteStore& store_;
    bool open_ = false;
  };

  // The cached statement for `sql`, prepared on first use. REQUIRES: mutex_
  // held; `sql` a string literal (the cache is keyed by its address).
  core::Result<sqlite3_stmt*> statement(const char* sql, const std::string& where);
  // Prepares and steps `sql` to completion, ignoring any rows.
  core::Result<void> run(const char* sql, const std::string& where);
  // The error for the result code `rc` of an operation on `where`.
  Error error(int rc, const std::string& where) const;
  core::Result<User> read_user(sqlite3_stmt* statement);
  core::Result<DiaryEntry> read_diary_entry(sqlite3_stmt* statement);
  // REQUIRES: mutex_ held.
  core::Result<void> migrate();

  sqlite3* db_;
  const std::string path_;
  std::mutex mutex_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

Error SqliteStore::error(int rc, const std::string& where) const {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::unavailable(where, "the database is busy; try again");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Error::unavailable(path_, "the file is damaged or is not a HipCoach database");
    case SQLITE_FULL:
      return Error::unavailable(where, "the disk is full");
    case SQLITE_IOERR:
      return Error::unavailable(path_, "the database file cannot be read or written");
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

core::Result<sqlite3_stmt*> SqliteStore::statement(const char* sql, const std::string& where) {
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

core::Result<void> SqliteStore::run(const char* sql, const std::string& where) {
  auto prepared = statement(sql, where);
  if (!prepared) return prepared.error();
  const StatementUse use(*prepared);
  int rc = SQLITE_ROW;
  while (rc == SQLITE_ROW) rc = sqlite3_step(use.get());
  if (rc != SQLITE_DONE) return error(rc, where);
  return {};
}

core::Result<void> SqliteStore::initialize(const StoreOptions& options) {
  const std::lock_guard lock(mutex_);
  const auto timeout = options.busy_timeout.count();
  sqlite3_busy_timeout(db_, timeout > INT_MAX ? INT_MAX : static_cast<int>(timeout));
  sqlite3_extended_result_codes(db_, 1);
  // journal_mode is the first statement that reads the file, so a damaged
  // file or one that is not a database fails here.
  auto mode = statement("PRAGMA journal_mode=WAL", path_);
  if (!mode) return mode.error();
  {
    const StatementUse use(*mode);
    const int rc = sqlite3_step(use.get());
    if (rc != SQLITE_ROW) return error(rc, path_);
    if (column_text(use.get(), 0) != "wal") {
      return Error::unavailable(path_, "the database cannot use write-ahead logging");
    }
  }
  if (auto ok = run("PRAGMA foreign_keys=ON", path_); !ok) return ok;
  if (auto ok = run("PRAGMA synchronous=FULL", path_); !ok) return ok;
  return migrate();
}

core::Result<void> SqliteStore::migrate() {
  // The version is read inside the write transaction, so two programs
  // opening one new file cannot both apply the same migration.
  Transaction transaction(*this);
  if (auto ok = transaction.begin(path_); !ok) return ok;
  auto read = statement("PRAGMA user_version", path_);
  if (!read) return read.error();
  int version = 0;
  {
    const StatementUse use(*read);
    const int rc = sqlite3_step(use.get());
    if (rc != SQLITE_ROW) return error(rc, path_);
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
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return error(rc, where);
  }
  return transaction.commit(path_);
}

core::Result<int> SqliteStore::schema_version() {
  const std::lock_guard lock(mutex_);
  auto read = statement("PRAGMA user_version", path_);
  if (!read) return read.error();
  const StatementUse use(*read);
  const int rc = sqlite3_step(use.get());
  if (rc != SQLITE_ROW) return error(rc, path_);
  return sqlite3_column_int(use.get(), 0);
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
  const std::lock_guard lock(mutex_);
  const std::string where = "users";
  auto insert = statement(
      "INSERT INTO users (email, role, password_hash, created_at) VALUES (?, ?, ?, ?)", where);
  if (!insert) return insert.error();
  const StatementUse use(*insert);
  int rc = bind_all(use.get(), std::string_view(user.email), role_name(user.role),
                    std::string_view(user.password_hash), to_seconds(user.created_at));
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_CONSTRAINT_UNIQUE) {
    return Error::conflict(where, "an account with this email exists");
  }
  if (rc != SQLITE_DONE) return error(rc, where);
  User created = user;
  created.id = sqlite3_last_insert_rowid(db_);
  return created;
}

core::Result<User> SqliteStore::find_user_by_email(std::string_view email) {
  const std::lock_guard lock(mutex_);
  const std::string where = "users";
  auto select = statement(
      "SELECT id, email, role, password_hash, created_at FROM users WHERE email = ?", where);
  if (!select) return select.error();
  const StatementUse use(*select);
  int rc = bind_all(use.get(), email);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_DONE) return Error::not_found(where, "no account with this email");
  if (rc != SQLITE_ROW) return error(rc, where);
  return read_user(use.get());
}

core::Result<User> SqliteStore::find_user(std::int64_t user_id) {
  const std::lock_guard lock(mutex_);
  const std::string where = row("users", user_id);
  auto select =
      statement("SELECT id, email, role, password_hash, created_at FROM users WHERE id = ?", where);
  if (!select) return select.error();
  const StatementUse use(*select);
  int rc = bind_all(use.get(), user_id);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_DONE) return Error::not_found(where, "no such user");
  if (rc != SQLITE_ROW) return error(rc, where);
  return read_user(use.get());
}

core::Result<void> SqliteStore::update_password_hash(std::int64_t user_id,
                                                     std::string_view password_hash) {
  if (auto ok = check_password_hash(password_hash); !ok) return ok;
  const std::lock_guard lock(mutex_);
  const std::string where = row("users", user_id);
  auto update = statement("UPDATE users SET password_hash = ? WHERE id = ?", where);
  if (!update) return update.error();
  const StatementUse use(*update);
  int rc = bind_all(use.get(), password_hash, user_id);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc != SQLITE_DONE) return error(rc, where);
  if (sqlite3_changes(db_) == 0) return Error::not_found(where, "no such user");
  return {};
}

core::Result<void> SqliteStore::delete_user(std::int64_t user_id) {
  const std::lock_guard lock(mutex_);
  const std::string where = row("users", user_id);
  Transaction transaction(*this);
  if (auto ok = transaction.begin(where); !ok) return ok;
  // The foreign keys cascade too; deleting each table explicitly keeps the
  // outcome the same should a connection ever run without them.
  for (const char* sql :
       {"DELETE FROM sessions WHERE user_id = ?", "DELETE FROM diary_entries WHERE user_id = ?",
        "DELETE FROM saved_triage WHERE user_id = ?"}) {
    auto remove = statement(sql, where);
    if (!remove) return remove.error();
    const StatementUse use(*remove);
    int rc = bind_all(use.get(), user_id);
    if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
    if (rc != SQLITE_DONE) return error(rc, where);
  }
  auto remove = statement("DELETE FROM users WHERE id = ?", where);
  if (!remove) return remove.error();
  {
    const StatementUse use(*remove);
    int rc = bind_all(use.get(), user_id);
    if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
    if (rc != SQLITE_DONE) return error(rc, where);
  }
  if (sqlite3_changes(db_) == 0) return Error::not_found(where, "no such user");
  return transaction.commit(where);
}

core::Result<void> SqliteStore::create_session(const Session& session) {
  if (auto ok = check_session(session); !ok) return ok;
  const std::lock_guard lock(mutex_);
  const std::string where = "sessions";
  auto insert = statement(
      "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
      where);
  if (!insert) return insert.error();
  const StatementUse use(*insert);
  int rc = bind_all(use.get(), Blob{session.token_hash}, session.user_id,
                    to_seconds(session.created_at), to_seconds(session.expires_at));
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
    return Error::conflict(where, "a session with this token hash exists");
  }
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::not_found(row("users", session.user_id), "no such user");
  }
  if (rc != SQLITE_DONE) return error(rc, where);
  return {};
}

core::Result<Session> SqliteStore::find_session(std::string_view token_hash, sys_seconds now) {
  const std::lock_guard lock(mutex_);
  const std::string where = "sessions";
  auto select = statement(
      "SELECT token_hash, user_id, created_at, expires_at FROM sessions"
      " WHERE token_hash = ? AND expires_at > ?",
      where);
  if (!select) return select.error();
  const StatementUse use(*select);
  int rc = bind_all(use.get(), Blob{token_hash}, to_seconds(now));
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_DONE) return Error::not_found(where, "no such session, or it has expired");
  if (rc != SQLITE_ROW) return error(rc, where);
  Session session;
  session.token_hash = column_text(use.get(), 0);
  session.user_id = sqlite3_column_int64(use.get(), 1);
  session.created_at = from_seconds(sqlite3_column_int64(use.get(), 2));
  session.expires_at = from_seconds(sqlite3_column_int64(use.get(), 3));
  return session;
}

core::Result<void> SqliteStore::delete_session(std::string_view token_hash) {
  const std::lock_guard lock(mutex_);
  const std::string where = "sessions";
  auto remove = statement("DELETE FROM sessions WHERE token_hash = ?", where);
  if (!remove) return remove.error();
  const StatementUse use(*remove);
  int rc = bind_all(use.get(), Blob{token_hash});
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc != SQLITE_DONE) return error(rc, where);
  if (sqlite3_changes(db_) == 0) return Error::not_found(where, "no such session");
  return {};
}

core::Result<std::int64_t> SqliteStore::delete_expired_sessions(sys_seconds now) {
  const std::lock_guard lock(mutex_);
  const std::string where = "sessions";
  auto remove = statement("DELETE FROM sessions WHERE expires_at <= ?", where);
  if (!remove) return remove.error();
  const StatementUse use(*remove);
  int rc = bind_all(use.get(), to_seconds(now));
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc != SQLITE_DONE) return error(rc, where);
  return static_cast<std::int64_t>(sqlite3_changes64(db_));
}

core::Result<std::int64_t> SqliteStore::add_diary_entry(const DiaryEntry& entry) {
  if (auto ok = check_diary_entry(entry); !ok) return ok.error();
  const std::lock_guard lock(mutex_);
  const std::string where = "diary_entries";
  auto insert = statement(
      "INSERT INTO diary_entries (user_id, pain, region, context, side, note, at, at_utc)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      where);
  if (!insert) return insert.error();
  const StatementUse use(*insert);
  int rc =
      bind_all(use.get(), entry.user_id, entry.pain, std::string_view(entry.region),
               pain_context_name(entry.context), side_name(entry.side),
               std::string_view(entry.note), std::string_view(entry.at), to_seconds(entry.at_utc));
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::not_found(row("users", entry.user_id), "no such user");
  }
  if (rc != SQLITE_DONE) return error(rc, where);
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
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

#define HIPCOACH_DIARY_COLUMNS "id, user_id, pain, region, context, side, note, at, at_utc"

core::Result<std::vector<DiaryEntry>> SqliteStore::list_diary(std::int64_t user_id, int limit,
                                                              std::optional<DiaryCursor> before) {
  if (auto ok = check_list_limit(limit); !ok) return ok.error();
  const std::lock_guard lock(mutex_);
  const std::string where = "diary_entries";
  auto select = before ? statement("SELECT " HIPCOACH_DIARY_COLUMNS
                                   " FROM diary_entries"
                                   " WHERE user_id = ? AND (at_utc, id) < (?, ?)"
                                   " ORDER BY at_utc DESC, id DESC LIMIT ?",
                                   where)
                       : statement("SELECT " HIPCOACH_DIARY_COLUMNS
                                   " FROM diary_entries"
                                   " WHERE user_id = ? ORDER BY at_utc DESC, id DESC LIMIT ?",
                                   where);
  if (!select) return select.error();
  const StatementUse use(*select);
  int rc = before ? bind_all(use.get(), user_id, to_seconds(before->at_utc), before->id, limit)
                  : bind_all(use.get(), user_id, limit);
  std::vector<DiaryEntry> entries;
  while (rc == SQLITE_OK || rc == SQLITE_ROW) {
    rc = sqlite3_step(use.get());
    if (rc != SQLITE_ROW) break;
    auto entry = read_diary_entry(use.get());
    if (!entry) return entry.error();
    entries.push_back(std::move(*entry));
  }
  if (rc != SQLITE_DONE) return error(rc, where);
  return entries;
}

core::Result<DiaryEntry> SqliteStore::get_diary_entry(std::int64_t user_id, std::int64_t entry_id) {
  const std::lock_guard lock(mutex_);
  const std::string where = row("diary_entries", entry_id);
  auto select = statement(
      "SELECT " HIPCOACH_DIARY_COLUMNS " FROM diary_entries WHERE id = ? AND user_id = ?", where);
  if (!select) return select.error();
  const StatementUse use(*select);
  int rc = bind_all(use.get(), entry_id, user_id);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_DONE) return Error::not_found(where, "no such diary entry");
  if (rc != SQLITE_ROW) return error(rc, where);
  return read_diary_entry(use.get());
}

#undef HIPCOACH_DIARY_COLUMNS

core::Result<void> SqliteStore::delete_diary_entry(std::int64_t user_id, std::int64_t entry_id) {
  const std::lock_guard lock(mutex_);
  const std::string where = row("diary_entries", entry_id);
  auto remove = statement("DELETE FROM diary_entries WHERE id = ? AND user_id = ?", where);
  if (!remove) return remove.error();
  const StatementUse use(*remove);
  int rc = bind_all(use.get(), entry_id, user_id);
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc != SQLITE_DONE) return error(rc, where);
  if (sqlite3_changes(db_) == 0) return Error::not_found(where, "no such diary entry");
  return {};
}

core::Result<std::int64_t> SqliteStore::save_triage(const SavedTriage& triage) {
  if (auto ok = check_saved_triage(triage); !ok) return ok.error();
  const std::lock_guard lock(mutex_);
  const std::string where = "saved_triage";
  auto insert = statement(
      "INSERT INTO saved_triage (user_id, created_at, answers_json, result_json)"
      " VALUES (?, ?, ?, ?)",
      where);
  if (!insert) return insert.error();
  const StatementUse use(*insert);
  int rc = bind_all(use.get(), triage.user_id, to_seconds(triage.created_at),
                    std::string_view(triage.answers_json), std::string_view(triage.result_json));
  if (rc == SQLITE_OK) rc = sqlite3_step(use.get());
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return Error::not_found(row("users", triage.user_id), "no such user");
  }
  if (rc != SQLITE_DONE) return error(rc, where);
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
}

core::Result<std::vector<SavedTriage>> SqliteStore::list_triage(std::int64_t user_id) {
  const std::lock_guard lock(mutex_);
  const std::string where = "saved_triage";
  auto select = statement(
      "SELECT id, user_id, created_at, answers_json, result_json FROM saved_triage"
      " WHERE user_id = ? ORDER BY created_at DESC, id DESC",
      where);
  if (!select) return select.error();
  const StatementUse use(*select);
  int rc = bind_all(use.get(), user_id);
  std::vector<SavedTriage> saved;
  while (rc == SQLITE_OK || rc == SQLITE_ROW) {
    rc = sqlite3_step(use.get());
    if (rc != SQLITE_ROW) break;
    SavedTriage triage;
    triage.id = sqlite3_column_int64(use.get(), 0);
    triage.user_id = sqlite3_column_int64(use.get(), 1);
    triage.created_at = from_seconds(sqlite3_column_int64(use.get(), 2));
    triage.answers_json = column_text(use.get(), 3);
    triage.result_json = column_text(use.get(), 4);
    saved.push_back(std::move(triage));
  }
  if (rc != SQLITE_DONE) return error(rc, where);
  return saved;
}

}  // namespace

core::Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                       const StoreOptions& options) {
  sqlite3* db = nullptr;
  // NOMUTEX: the store's own mutex serializes every use of the connection.
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(db);
    if ((rc & 0xff) == SQLITE_NOMEM) return Error::unavailable(path, "out of memory");
    return Error::unavailable(path, "the database file cannot be opened (" +
                                        std::string(sqlite3_errstr(rc)) +
                                        "); does its directory exist?");
  }
  auto store = std::make_unique<SqliteStore>(db, path);
  if (auto ok = store->initialize(options); !ok) return ok.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace hipcoach::storage
