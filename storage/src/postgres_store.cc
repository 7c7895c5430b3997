#include "postgres_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "connection_pool.h"
#include "migrations/postgres_migrations.h"

namespace hipcoach::storage {
namespace {

using core::Error;
using std::chrono::sys_seconds;

constexpr std::string_view kUnreachable = "the database is unreachable";
// Serializes migrations between programs opening one schema (the store's
// tables live in the connection's current schema): a lock per schema, so that
// stores in other schemas of the database (the tests' own, another clinic's)
// neither wait for each other's migrations nor time out on them.
constexpr const char* kMigrationLock =
    "SELECT pg_advisory_xact_lock("
    "hashtextextended('hipcoach migrations ' || COALESCE(current_schema(), ''), 0))";

std::string row(std::string_view table, std::int64_t id) {
  return std::string(table) + "/" + std::to_string(id);
}

std::int64_t to_seconds(sys_seconds time) { return time.time_since_epoch().count(); }
sys_seconds from_seconds(std::int64_t seconds) {
  return sys_seconds{std::chrono::seconds{seconds}};
}

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// A value sent as bytea rather than text: token hashes may be raw bytes.
struct Bytea {
  std::string_view bytes;
};

// The parameters of one statement. Numbers go as decimal text (a double in
// its shortest form that reads back exactly); texts and byteas go in binary
// format with their length, so that any byte (even NUL) reaches the server
// as given and is checked there. An empty optional goes as NULL.
class Params {
 public:
  Params& add(std::int64_t value) {
    values_.push_back(std::to_string(value));
    formats_.push_back(0);
    nulls_.push_back(false);
    return *this;
  }
  Params& add(int value) { return add(static_cast<std::int64_t>(value)); }
  Params& add(double value) {
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    values_.emplace_back(text, end);
    formats_.push_back(0);
    nulls_.push_back(false);
    return *this;
  }
  Params& add(std::optional<int> value) {
    if (value) return add(*value);
    values_.emplace_back();
    formats_.push_back(0);
    nulls_.push_back(true);
    return *this;
  }
  Params& add(std::optional<std::int64_t> value) {
    if (value) return add(*value);
    values_.emplace_back();
    formats_.push_back(0);
    nulls_.push_back(true);
    return *this;
  }
  Params& add(std::string_view text) {
    values_.emplace_back(text);
    formats_.push_back(1);
    nulls_.push_back(false);
    return *this;
  }
  Params& add(Bytea bytea) { return add(bytea.bytes); }

  int size() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> pointers() const {
    std::vector<const char*> pointers;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      pointers.push_back(nulls_[i] ? nullptr : values_[i].c_str());
    }
    return pointers;
  }
  std::vector<int> lengths() const {
    std::vector<int> lengths;
    for (const auto& value : values_) lengths.push_back(static_cast<int>(value.size()));
    return lengths;
  }
  const int* formats() const { return formats_.data(); }

 private:
  std::vector<std::string> values_;
  std::vector<int> formats_;
  std::vector<bool> nulls_;
};

template <typename... Values>
Params params(const Values&... values) {
  Params all;
  (all.add(values), ...);
  return all;
}

std::int64_t get_int(const PGresult* result, int row_index, int column) {
  const char* text = PQgetvalue(result, row_index, column);
  const std::string_view view(text,
                              static_cast<std::size_t>(PQgetlength(result, row_index, column)));
  std::int64_t value = 0;
  std::from_chars(view.data(), view.data() + view.size(), value);
  return value;
}

double get_double(const PGresult* result, int row_index, int column) {
  const char* text = PQgetvalue(result, row_index, column);
  double value = 0;
  std::from_chars(text, text + PQgetlength(result, row_index, column), value);
  return value;
}

std::optional<int> get_optional_int(const PGresult* result, int row_index, int column) {
  if (PQgetisnull(result, row_index, column) != 0) return std::nullopt;
  return static_cast<int>(get_int(result, row_index, column));
}

std::string get_text(const PGresult* result, int row_index, int column) {
  return {PQgetvalue(result, row_index, column),
          static_cast<std::size_t>(PQgetlength(result, row_index, column))};
}

// A bytea column in text format (hex, "\\x0102..."), decoded to its bytes.
std::string get_bytea(const PGresult* result, int row_index, int column) {
  if (PQgetisnull(result, row_index, column) != 0) return {};
  std::size_t length = 0;
  unsigned char* bytes = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result, row_index, column)), &length);
  if (bytes == nullptr) return {};
  std::string decoded(reinterpret_cast<const char*>(bytes), length);
  PQfreemem(bytes);
  return decoded;
}

// Server notices could quote data: drop them instead of printing them.
void ignore_notice(void*, const PGresult*) {}

// The error for a failed `result` (may be null) on `connection`. Messages
// name a constraint or a state, never a value and never the URL.
Error error_of(const PGresult* result, PGconn* connection, const std::string& where) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr) {
    if (connection == nullptr || PQstatus(connection) != CONNECTION_OK) {
      return Error::unavailable(where, std::string(kUnreachable));
    }
    return Error::internal(where, "the database failed");
  }
  const std::string_view code(state);
  if (code == "23505") return Error::conflict(where, "a row with this key exists");
  if (code == "23503") return Error::not_found(where, "refers to a row that does not exist");
  if (code == "23514" || code == "23502" || code.substr(0, 2) == "22") {
    const char* constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
    if (constraint != nullptr) {
      return Error::invalid_input(where, "breaks the constraint " + std::string(constraint));
    }
    return Error::invalid_input(
        where, "a value is out of range or badly encoded (SQLSTATE " + std::string(code) + ")");
  }
  if (code == "40001" || code == "40P01" || code == "55P03" || code == "57014") {
    return Error::unavailable(where, "the database is busy; try again");
  }
  // disk_full: "could not extend file" and the like (ENOSPC on a table or
  // temporary file; a failed WAL write makes the server restart instead, 57P).
  if (code == "53100") return Error::storage_full(where, "the disk is full");
  if (code.substr(0, 2) == "08" || code.substr(0, 2) == "53" || code.substr(0, 3) == "57P") {
    return Error::unavailable(where, std::string(kUnreachable));
  }
  return Error::internal(where, "the database failed (SQLSTATE " + std::string(code) + ")");
}

bool is(const PGresult* result, const char* state) {
  const char* code = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  return code != nullptr && std::string_view(code) == state;
}

// One pooled connection and the statements prepared on it, keyed by the
// address of their SQL text (always a string literal).
struct Connection {
  explicit Connection(PGconn* connection) : pg(connection) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { PQfinish(pg); }

  PGconn* pg;
  std::unordered_map<const char*, std::string> prepared;

  // Runs `sql`, a constant that binds nothing (transaction control and
  // migrations): PQexec, as a multi-statement text cannot be prepared.
  core::Result<void> run(const char* sql, const std::string& where) {
    ResultPtr result(PQexec(pg, sql));
    const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return error_of(result.get(), pg, where);
    }
    return {};
  }

  // Prepares `sql` on first use and executes it with `values`. Returns the
  // result whatever its status; null only when libpq could not send it.
  ResultPtr execute(const char* sql, const Params& values) {
    auto it = prepared.find(sql);
    if (it == prepared.end()) {
      std::string name = "hc" + std::to_string(prepared.size() + 1);
      ResultPtr done(PQprepare(pg, name.c_str(), sql, values.size(), nullptr));
      if (!done || PQresultStatus(done.get()) != PGRES_COMMAND_OK) return done;
      it = prepared.emplace(sql, std::move(name)).first;
    }
    const auto pointers = values.pointers();
    const auto lengths = values.lengths();
    return ResultPtr(PQexecPrepared(pg, it->second.c_str(), values.size(), pointers.data(),
                                    lengths.data(), values.formats(), 0));
  }
};

// Up to `size` connections, opened on demand and shared by all threads.
using Pool = ConnectionPool<Connection>;

core::Result<std::unique_ptr<Connection>> connect(const std::string& url,
                                                  std::chrono::milliseconds lock_timeout,
                                                  const std::string& where) {
  // connect_timeout first: the URL's own value, when it has one, wins.
  const char* const keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* const values[] = {"10", url.c_str(), nullptr};
  auto connection = std::make_unique<Connection>(PQconnectdbParams(keywords, values, 1));
  if (connection->pg == nullptr || PQstatus(connection->pg) != CONNECTION_OK) {
    return Error::unavailable(where, std::string(kUnreachable));
  }
  PQsetNoticeReceiver(connection->pg, ignore_notice, nullptr);
  ResultPtr set(
      connection->execute("SELECT set_config('lock_timeout', $1, false), "
                          "set_config('synchronous_commit', 'on', false)",
                          params(std::string_view(std::to_string(lock_timeout.count())))));
  if (!set || PQresultStatus(set.get()) != PGRES_TUPLES_OK) {
    return error_of(set.get(), connection->pg, where);
  }
  return connection;
}

// A connection left broken or inside a transaction is closed, not reused.
bool reusable(Connection& connection) {
  return PQstatus(connection.pg) == CONNECTION_OK &&
         PQtransactionStatus(connection.pg) == PQTRANS_IDLE;
}

// An open transaction on a leased connection; rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (open_) (void)connection_.run("ROLLBACK", "");
  }
  core::Result<void> begin(const std::string& where) {
    auto ok = connection_.run("BEGIN", where);
    open_ = ok.has_value();
    return ok;
  }
  core::Result<void> commit(const std::string& where) {
    auto ok = connection_.run("COMMIT", where);
    open_ = false;  // A failed COMMIT ends the transaction too.
    return ok;
  }

 private:
  Connection& connection_;
  bool open_ = false;
};

#define HIPCOACH_USER_COLUMNS "id, email, role, password_hash, created_at"
#define HIPCOACH_DIARY_COLUMNS "id, user_id, pain, region, context, side, note, at, at_utc"

class PostgresStore final : public Store {
 public:
  PostgresStore(const std::string& url, const StoreOptions& options)
      : pool_(
            kPostgresPoolSize,
            [url, lock_timeout = options.busy_timeout](const std::string& where) {
              return connect(url, lock_timeout, where);
            },
            reusable) {}

  // Connects once and brings the schema up to date.
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
  // Replaces the user's recovery codes inside the transaction open on `db`.
  core::Result<void> put_recovery_codes(Connection& db, std::int64_t user_id,
                                        const std::vector<std::string>& code_hashes, sys_seconds at,
                                        const std::string& where);
  // The number of rows `result` (of an UPDATE or DELETE) changed.
  static std::int64_t changed_rows(PGresult* result);
  // Runs the INSERT ... RETURNING id `sql` for a row of `user_id`: the new
  // id, or kNotFound (where users/ID) when the user does not exist.
  core::Result<std::int64_t> insert(const char* sql, const Params& values, std::int64_t user_id,
                                    const std::string& where);
  // Runs `sql` on a pooled connection; the result has rows or none.
  core::Result<ResultPtr> query(Connection& connection, const char* sql, const Params& values,
                                const std::string& where);
  core::Result<ResultPtr> query(const char* sql, const Params& values, const std::string& where);
  // The number of rows `sql` changed.
  core::Result<std::int64_t> change(const char* sql, const Params& values,
                                    const std::string& where);
  core::Result<int> read_version(Connection& connection, const std::string& where);
  static core::Result<User> read_user(const PGresult* result);
  static core::Result<DiaryEntry> read_diary_entry(const PGresult* result, int row_index);

  Pool pool_;
};

core::Result<ResultPtr> PostgresStore::query(Connection& connection, const char* sql,
                                             const Params& values, const std::string& where) {
  ResultPtr result = connection.execute(sql, values);
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return error_of(result.get(), connection.pg, where);
  }
  return result;
}

core::Result<ResultPtr> PostgresStore::query(const char* sql, const Params& values,
                                             const std::string& where) {
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  return query(**connection, sql, values, where);
}

core::Result<std::int64_t> PostgresStore::change(const char* sql, const Params& values,
                                                 const std::string& where) {
  auto result = query(sql, values, where);
  if (!result) return result.error();
  std::int64_t changed = 0;
  const char* tuples = PQcmdTuples(result->get());
  std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), changed);
  return changed;
}

core::Result<int> PostgresStore::read_version(Connection& connection, const std::string& where) {
  auto result =
      query(connection, "SELECT coalesce(max(version), 0) FROM schema_version", Params(), where);
  if (!result) return result.error();
  return static_cast<int>(get_int(result->get(), 0, 0));
}

core::Result<void> PostgresStore::initialize() {
  const std::string where = "url";
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  Connection& db = **connection;
  // The version is read under the lock, so two programs opening one new
  // database cannot both apply the same migration.
  Transaction transaction(db);
  if (auto ok = transaction.begin(where); !ok) return ok;
  if (auto ok = db.run(kMigrationLock, where); !ok) return ok;
  if (auto ok =
          db.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", where);
      !ok) {
    return ok;
  }
  auto version = read_version(db, where);
  if (!version) return version.error();
  if (*version > migrations::kLatestSchemaVersion) {
    return Error::unavailable(where, "database schema version " + std::to_string(*version) +
                                         " is newer than this program (" +
                                         std::to_string(migrations::kLatestSchemaVersion) +
                                         "); upgrade hipcoach");
  }
  for (const auto& migration : migrations::kPostgresMigrations) {
    if (migration.version <= *version) continue;
    const std::string step = "migration " + std::to_string(migration.version);
    const std::string sql(migration.sql);
    if (auto ok = db.run(sql.c_str(), step); !ok) return ok;
    if (auto ok = query(db, "DELETE FROM schema_version", Params(), step); !ok) return ok.error();
    if (auto ok = query(db, "INSERT INTO schema_version (version) VALUES ($1)",
                        params(migration.version), step);
        !ok) {
      return ok.error();
    }
  }
  return transaction.commit(where);
}

core::Result<int> PostgresStore::schema_version() {
  const std::string where = "schema_version";
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  return read_version(**connection, where);
}

core::Result<User> PostgresStore::read_user(const PGresult* result) {
  User user;
  user.id = get_int(result, 0, 0);
  user.email = get_text(result, 0, 1);
  const auto role = parse_role(get_text(result, 0, 2));
  if (!role) return Error::internal(row("users", user.id), "role holds an unknown value");
  user.role = *role;
  user.password_hash = get_text(result, 0, 3);
  user.created_at = from_seconds(get_int(result, 0, 4));
  return user;
}

core::Result<User> PostgresStore::create_user(const User& user) {
  if (auto ok = check_user(user); !ok) return ok.error();
  const std::string where = "users";
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  ResultPtr result =
      (*connection)
          ->execute(
              "INSERT INTO users (email, role, password_hash, created_at) VALUES ($1, $2, $3, $4)"
              " RETURNING id",
              params(std::string_view(user.email), role_name(user.role),
                     std::string_view(user.password_hash), to_seconds(user.created_at)));
  if (is(result.get(), "23505")) return Error::conflict(where, "an account with this email exists");
  if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    return error_of(result.get(), (*connection)->pg, where);
  }
  User created = user;
  created.id = get_int(result.get(), 0, 0);
  return created;
}

core::Result<User> PostgresStore::find_user_by_email(std::string_view email) {
  const std::string where = "users";
  auto result = query("SELECT " HIPCOACH_USER_COLUMNS " FROM users WHERE " HIPCOACH_PG_FOLD_EMAIL(
                          "email") " = " HIPCOACH_PG_FOLD_EMAIL("$1::text"),
                      params(email), where);
  if (!result) return result.error();
  if (PQntuples(result->get()) == 0) return Error::not_found(where, "no account with this email");
  return read_user(result->get());
}

core::Result<User> PostgresStore::find_user(std::int64_t user_id) {
  const std::string where = row("users", user_id);
  auto result =
      query("SELECT " HIPCOACH_USER_COLUMNS " FROM users WHERE id = $1", params(user_id), where);
  if (!result) return result.error();
  if (PQntuples(result->get()) == 0) return Error::not_found(where, "no such user");
  return read_user(result->get());
}

core::Result<void> PostgresStore::update_password_hash(std::int64_t user_id,
                                                       std::string_view password_hash) {
  if (auto ok = check_password_hash(password_hash); !ok) return ok;
  const std::string where = row("users", user_id);
  auto changed = change("UPDATE users SET password_hash = $1 WHERE id = $2",
                        params(password_hash, user_id), where);
  if (!changed) return changed.error();
  if (*changed == 0) return Error::not_found(where, "no such user");
  return {};
}

core::Result<void> PostgresStore::delete_user(std::int64_t user_id) {
  const std::string where = row("users", user_id);
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  Connection& db = **connection;
  Transaction transaction(db);
  if (auto ok = transaction.begin(where); !ok) return ok;
  // The foreign keys cascade too; deleting each table explicitly keeps the
  // outcome the same should the schema ever lose them.
  for (const char* sql :
       {"DELETE FROM sessions WHERE user_id = $1", "DELETE FROM diary_entries WHERE user_id = $1",
        "DELETE FROM saved_triage WHERE user_id = $1",
        "DELETE FROM questionnaire_responses WHERE user_id = $1",
        "DELETE FROM guided_sessions WHERE user_id = $1",
        "DELETE FROM reminders WHERE user_id = $1", "DELETE FROM consents WHERE user_id = $1",
        "DELETE FROM appointments WHERE user_id = $1", "DELETE FROM outbox WHERE user_id = $1",
        "DELETE FROM recovery_codes WHERE user_id = $1",
        "DELETE FROM two_factor WHERE user_id = $1"}) {
    if (auto ok = query(db, sql, params(user_id), where); !ok) return ok.error();
  }
  auto removed = query(db, "DELETE FROM users WHERE id = $1", params(user_id), where);
  if (!removed) return removed.error();
  if (std::string_view(PQcmdTuples(removed->get())) == "0") {
    return Error::not_found(where, "no such user");
  }
  return transaction.commit(where);
}

core::Result<void> PostgresStore::create_session(const Session& session) {
  if (auto ok = check_session(session); !ok) return ok;
  const std::string where = "sessions";
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  ResultPtr result =
      (*connection)
          ->execute(
              "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, stage)"
              " VALUES ($1, $2, $3, $4, $5)",
              params(Bytea{session.token_hash}, session.user_id, to_seconds(session.created_at),
                     to_seconds(session.expires_at), session_stage_name(session.stage)));
  if (is(result.get(), "23505")) {
    return Error::conflict(where, "a session with this token hash exists");
  }
  if (is(result.get(), "23503"))
    return Error::not_found(row("users", session.user_id), "no such user");
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return error_of(result.get(), (*connection)->pg, where);
  }
  return {};
}

core::Result<Session> PostgresStore::find_session(std::string_view token_hash, sys_seconds now) {
  const std::string where = "sessions";
  auto result = query(
      "SELECT user_id, created_at, expires_at, stage FROM sessions"
      " WHERE token_hash = $1 AND expires_at > $2",
      params(Bytea{token_hash}, to_seconds(now)), where);
  if (!result) return result.error();
  if (PQntuples(result->get()) == 0) {
    return Error::not_found(where, "no such session, or it has expired");
  }
  Session session;
  session.token_hash = std::string(token_hash);  // Equal to the stored one.
  session.user_id = get_int(result->get(), 0, 0);
  session.created_at = from_seconds(get_int(result->get(), 0, 1));
  session.expires_at = from_seconds(get_int(result->get(), 0, 2));
  const auto stage = parse_session_stage(get_text(result->get(), 0, 3));
  if (!stage) return Error::internal(where, "stage holds an unknown value");
  session.stage = *stage;
  return session;
}

core::Result<void> PostgresStore::set_session_stage(std::string_view token_hash,
                                                    SessionStage stage) {
  const std::string where = "sessions";
  auto changed = change("UPDATE sessions SET stage = $1 WHERE token_hash = $2",
                        params(session_stage_name(stage), Bytea{token_hash}), where);
  if (!changed) return changed.error();
  if (*changed == 0) return Error::not_found(where, "no such session");
  return {};
}

std::int64_t PostgresStore::changed_rows(PGresult* result) {
  std::int64_t changed = 0;
  const char* tuples = PQcmdTuples(result);
  std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), changed);
  return changed;
}

core::Result<TwoFactor> PostgresStore::get_two_factor(std::int64_t user_id) {
  const std::string where = row("two_factor", user_id);
  auto result = query(
      "SELECT user_id, secret, enabled, last_used_step, created_at, enabled_at FROM two_factor"
      " WHERE user_id = $1",
      params(user_id), where);
  if (!result) return result.error();
  const PGresult* rows = result->get();
  if (PQntuples(rows) == 0) return Error::not_found(where, "no two-step sign-in");
  TwoFactor two_factor;
  two_factor.user_id = get_int(rows, 0, 0);
  two_factor.secret = get_bytea(rows, 0, 1);
  two_factor.enabled = get_text(rows, 0, 2) == "t";
  if (PQgetisnull(rows, 0, 3) == 0) two_factor.last_used_step = get_int(rows, 0, 3);
  two_factor.created_at = from_seconds(get_int(rows, 0, 4));
  if (PQgetisnull(rows, 0, 5) == 0) two_factor.enabled_at = from_seconds(get_int(rows, 0, 5));
  return two_factor;
}

core::Result<void> PostgresStore::start_two_factor(const TwoFactor& pending) {
  if (auto ok = check_two_factor_secret(pending.secret); !ok) return ok;
  const std::string where = row("two_factor", pending.user_id);
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  // Replaces a secret being set up; an enabled one stays, and is reported.
  ResultPtr result =
      (*connection)
          ->execute(
              "INSERT INTO two_factor (user_id, secret, enabled, created_at)"
              " VALUES ($1, $2, FALSE, $3) ON CONFLICT (user_id) DO UPDATE SET"
              " secret = excluded.secret, created_at = excluded.created_at,"
              " last_used_step = NULL WHERE NOT two_factor.enabled",
              params(pending.user_id, Bytea{pending.secret}, to_seconds(pending.created_at)));
  if (is(result.get(), "23503")) {
    return Error::not_found(row("users", pending.user_id), "no such user");
  }
  if (!result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return error_of(result.get(), (*connection)->pg, where);
  }
  if (changed_rows(result.get()) == 0) {
    return Error::conflict(where, "two-step sign-in is on already");
  }
  return {};
}

core::Result<void> PostgresStore::put_recovery_codes(Connection& db, std::int64_t user_id,
                                                     const std::vector<std::string>& code_hashes,
                                                     sys_seconds at, const std::string& where) {
  if (auto ok = query(db, "DELETE FROM recovery_codes WHERE user_id = $1", params(user_id), where);
      !ok) {
    return ok.error();
  }
  for (const std::string& hash : code_hashes) {
    if (auto ok = query(db,
                        "INSERT INTO recovery_codes (user_id, code_hash, created_at)"
                        " VALUES ($1, $2, $3)",
                        params(user_id, Bytea{hash}, to_seconds(at)), where);
        !ok) {
      return ok.error();
    }
  }
  return {};
}

core::Result<void> PostgresStore::enable_two_factor(std::int64_t user_id, std::int64_t used_step,
                                                    const std::vector<std::string>& code_hashes,
                                                    sys_seconds at) {
  if (auto ok = check_recovery_code_hashes(code_hashes); !ok) return ok;
  const std::string where = row("two_factor", user_id);
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  Connection& db = **connection;
  Transaction transaction(db);
  if (auto ok = transaction.begin(where); !ok) return ok;
  auto enabled = query(db,
                       "UPDATE two_factor SET enabled = TRUE, enabled_at = $1, last_used_step = $2"
                       " WHERE user_id = $3 AND NOT enabled",
                       params(to_seconds(at), used_step, user_id), where);
  if (!enabled) return enabled.error();
  if (changed_rows(enabled->get()) == 0) {
    auto exists = query(db, "SELECT 1 FROM two_factor WHERE user_id = $1", params(user_id), where);
    if (!exists) return exists.error();
    if (PQntuples(exists->get()) == 0) {
      return Error::not_found(where, "no two-step sign-in is being set up");
    }
    return Error::conflict(where, "two-step sign-in is on already");
  }
  if (auto ok = put_recovery_codes(db, user_id, code_hashes, at, where); !ok) return ok;
  return transaction.commit(where);
}

core::Result<void> PostgresStore::use_two_factor_step(std::int64_t user_id, std::int64_t step) {
  const std::string where = row("two_factor", user_id);
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  Connection& db = **connection;
  // One statement: the row lock makes a second request with the same step
  // see the first one's update and change nothing.
  auto used = query(db,
                    "UPDATE two_factor SET last_used_step = $1 WHERE user_id = $2 AND enabled"
                    " AND (last_used_step IS NULL OR last_used_step < $1)",
                    params(step, user_id), where);
  if (!used) return used.error();
  if (changed_rows(used->get()) > 0) return {};
  auto enabled =
      query(db, "SELECT 1 FROM two_factor WHERE user_id = $1 AND enabled", params(user_id), where);
  if (!enabled) return enabled.error();
  if (PQntuples(enabled->get()) == 0) return Error::not_found(where, "two-step sign-in is not on");
  return Error::conflict(where, "this code was used already");
}

core::Result<void> PostgresStore::use_recovery_code(std::int64_t user_id,
                                                    std::string_view code_hash, sys_seconds at) {
  const std::string where = "recovery_codes";
  auto used = change(
      "UPDATE recovery_codes SET used_at = $1 WHERE id = (SELECT id FROM recovery_codes"
      " WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL ORDER BY id LIMIT 1"
      " FOR UPDATE SKIP LOCKED) AND used_at IS NULL",
      params(to_seconds(at), user_id, Bytea{code_hash}), where);
  if (!used) return used.error();
  if (*used == 0) return Error::not_found(where, "no unused recovery code matches");
  return {};
}

core::Result<void> PostgresStore::replace_recovery_codes(
    std::int64_t user_id, const std::vector<std::string>& code_hashes, sys_seconds at) {
  if (auto ok = check_recovery_code_hashes(code_hashes); !ok) return ok;
  const std::string where = row("two_factor", user_id);
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  Connection& db = **connection;
  Transaction transaction(db);
  if (auto ok = transaction.begin(where); !ok) return ok;
  auto enabled = query(db, "SELECT 1 FROM two_factor WHERE user_id = $1 AND enabled FOR UPDATE",
                       params(user_id), where);
  if (!enabled) return enabled.error();
  if (PQntuples(enabled->get()) == 0) return Error::not_found(where, "two-step sign-in is not on");
  if (auto ok = put_recovery_codes(db, user_id, code_hashes, at, where); !ok) return ok;
  return transaction.commit(where);
}

core::Result<std::vector<RecoveryCode>> PostgresStore::list_recovery_codes(std::int64_t user_id) {
  const std::string where = "recovery_codes";
  auto result = query(
      "SELECT id, user_id, code_hash, created_at, used_at FROM recovery_codes WHERE user_id = $1"
      " ORDER BY id",
      params(user_id), where);
  if (!result) return result.error();
  std::vector<RecoveryCode> codes;
  const PGresult* rows = result->get();
  for (int i = 0; i < PQntuples(rows); ++i) {
    RecoveryCode code;
    code.id = get_int(rows, i, 0);
    code.user_id = get_int(rows, i, 1);
    code.code_hash = get_bytea(rows, i, 2);
    code.created_at = from_seconds(get_int(rows, i, 3));
    if (PQgetisnull(rows, i, 4) == 0) code.used_at = from_seconds(get_int(rows, i, 4));
    codes.push_back(std::move(code));
  }
  return codes;
}

core::Result<void> PostgresStore::delete_two_factor(std::int64_t user_id) {
  const std::string where = row("two_factor", user_id);
  // The recovery codes cascade from two_factor.
  auto deleted = change("DELETE FROM two_factor WHERE user_id = $1", params(user_id), where);
  if (!deleted) return deleted.error();
  if (*deleted == 0) return Error::not_found(where, "no two-step sign-in");
  return {};
}

SignInFailures read_sign_in_failures(const PGresult* result) {
  SignInFailures failures;
  failures.window_start = from_seconds(get_int(result, 0, 0));
  failures.failures = static_cast<int>(get_int(result, 0, 1));
  if (PQgetisnull(result, 0, 2) == 0) failures.locked_until = from_seconds(get_int(result, 0, 2));
  return failures;
}

core::Result<SignInFailures> PostgresStore::count_sign_in_failure(SignInKeyKind kind,
                                                                  std::string_view key,
                                                                  const SignInFailureRule& rule,
                                                                  sys_seconds now) {
  const std::string where = "sign_in_failures";
  if (auto ok = check_sign_in_failure(key, rule); !ok) return ok.error();
  const auto window = static_cast<std::int64_t>(rule.window.count());
  // Rows whose window and lockout have ended count as none. A statement of
  // its own, so that no transaction holds one row's lock while it waits for
  // another's.
  if (auto pruned = change("DELETE FROM sign_in_failures WHERE key_kind = $1"
                           " AND window_start <= $2::bigint - $3::bigint"
                           " AND COALESCE(locked_until, $2::bigint) <= $2::bigint",
                           params(sign_in_key_kind_name(kind), to_seconds(now), window), where);
      !pruned) {
    return pruned.error();
  }
  // One statement, so that failures counted at once by several processes
  // all count (the row lock of ON CONFLICT serializes them). A row that has
  // ended since the prune starts again, as next_sign_in_failures says.
#define HIPCOACH_ENDED                                                 \
  "(COALESCE(sign_in_failures.locked_until, $3::bigint) <= $3::bigint" \
  " AND sign_in_failures.window_start <= $3::bigint - $4::bigint)"
  auto counted = query(
      "INSERT INTO sign_in_failures (key_kind, key, window_start, failures, locked_until)"
      " VALUES ($1, $2, $3::bigint, 1,"
      " CASE WHEN $6::integer <= 1 THEN $3::bigint + $5::bigint END)"
      " ON CONFLICT (key_kind, key) DO UPDATE SET"
      " window_start = CASE WHEN " HIPCOACH_ENDED
      " THEN EXCLUDED.window_start ELSE sign_in_failures.window_start END,"
      " failures = CASE WHEN " HIPCOACH_ENDED
      " THEN 1 ELSE sign_in_failures.failures + 1 END,"
      " locked_until = CASE WHEN " HIPCOACH_ENDED
      " THEN EXCLUDED.locked_until"
      " WHEN sign_in_failures.failures + 1 >= $6::integer"
      " THEN GREATEST(COALESCE(sign_in_failures.locked_until, 0), $3::bigint + $5::bigint)"
      " ELSE sign_in_failures.locked_until END"
      " RETURNING window_start, failures, locked_until",
      params(sign_in_key_kind_name(kind), Bytea{key}, to_seconds(now), window,
             static_cast<std::int64_t>(rule.lockout.count()), rule.max_failures),
      where);
#undef HIPCOACH_ENDED
  if (!counted) return counted.error();
  if (PQntuples(counted->get()) != 1) return Error::internal(where, "the count returned no row");
  return read_sign_in_failures(counted->get());
}

core::Result<SignInFailures> PostgresStore::find_sign_in_failures(SignInKeyKind kind,
                                                                  std::string_view key) {
  const std::string where = "sign_in_failures";
  auto result = query(
      "SELECT window_start, failures, locked_until FROM sign_in_failures"
      " WHERE key_kind = $1 AND key = $2",
      params(sign_in_key_kind_name(kind), Bytea{key}), where);
  if (!result) return result.error();
  if (PQntuples(result->get()) == 0) {
    return Error::not_found(where, "no failed sign-in is counted for this key");
  }
  return read_sign_in_failures(result->get());
}

core::Result<void> PostgresStore::clear_sign_in_failures(SignInKeyKind kind, std::string_view key) {
  auto cleared = change("DELETE FROM sign_in_failures WHERE key_kind = $1 AND key = $2",
                        params(sign_in_key_kind_name(kind), Bytea{key}), "sign_in_failures");
  if (!cleared) return cleared.error();
  return {};
}

core::Result<void> PostgresStore::delete_session(std::string_view token_hash) {
  const std::string where = "sessions";
  auto changed =
      change("DELETE FROM sessions WHERE token_hash = $1", params(Bytea{token_hash}), where);
  if (!changed) return changed.error();
  if (*changed == 0) return Error::not_found(where, "no such session");
  return {};
}

core::Result<std::int64_t> PostgresStore::delete_expired_sessions(sys_seconds now) {
  return change("DELETE FROM sessions WHERE expires_at <= $1", params(to_seconds(now)), "sessions");
}

core::Result<std::int64_t> PostgresStore::add_diary_entry(const DiaryEntry& entry) {
  if (auto ok = check_diary_entry(entry); !ok) return ok.error();
  const std::string where = "diary_entries";
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  ResultPtr result =
      (*connection)
          ->execute(
              "INSERT INTO diary_entries (user_id, pain, region, context, side, note, at, at_utc)"
              " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
              params(entry.user_id, entry.pain, std::string_view(entry.region),
                     pain_context_name(entry.context), side_name(entry.side),
                     std::string_view(entry.note), std::string_view(entry.at),
                     to_seconds(entry.at_utc)));
  if (is(result.get(), "23503"))
    return Error::not_found(row("users", entry.user_id), "no such user");
  if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    return error_of(result.get(), (*connection)->pg, where);
  }
  return get_int(result.get(), 0, 0);
}

core::Result<DiaryEntry> PostgresStore::read_diary_entry(const PGresult* result, int row_index) {
  DiaryEntry entry;
  entry.id = get_int(result, row_index, 0);
  entry.user_id = get_int(result, row_index, 1);
  entry.pain = static_cast<int>(get_int(result, row_index, 2));
  entry.region = get_text(result, row_index, 3);
  const auto context = parse_pain_context(get_text(result, row_index, 4));
  const auto side = parse_side(get_text(result, row_index, 5));
  if (!context || !side) {
    return Error::internal(row("diary_entries", entry.id),
                           "context or side holds an unknown value");
  }
  entry.context = *context;
  entry.side = *side;
  entry.note = get_text(result, row_index, 6);
  entry.at = get_text(result, row_index, 7);
  entry.at_utc = from_seconds(get_int(result, row_index, 8));
  return entry;
}

core::Result<std::vector<DiaryEntry>> PostgresStore::list_diary(std::int64_t user_id, int limit,
                                                                std::optional<DiaryCursor> before) {
  if (auto ok = check_list_limit(limit); !ok) return ok.error();
  const std::string where = "diary_entries";
  auto result = before
                    ? query("SELECT " HIPCOACH_DIARY_COLUMNS
                            " FROM diary_entries"
                            " WHERE user_id = $1 AND (at_utc, id) < ($2, $3)"
                            " ORDER BY at_utc DESC, id DESC LIMIT $4",
                            params(user_id, to_seconds(before->at_utc), before->id, limit), where)
                    : query("SELECT " HIPCOACH_DIARY_COLUMNS
                            " FROM diary_entries"
                            " WHERE user_id = $1 ORDER BY at_utc DESC, id DESC LIMIT $2",
                            params(user_id, limit), where);
  if (!result) return result.error();
  std::vector<DiaryEntry> entries;
  const int rows = PQntuples(result->get());
  entries.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    auto entry = read_diary_entry(result->get(), i);
    if (!entry) return entry.error();
    entries.push_back(std::move(*entry));
  }
  return entries;
}

core::Result<DiaryEntry> PostgresStore::get_diary_entry(std::int64_t user_id,
                                                        std::int64_t entry_id) {
  const std::string where = row("diary_entries", entry_id);
  auto result =
      query("SELECT " HIPCOACH_DIARY_COLUMNS " FROM diary_entries WHERE id = $1 AND user_id = $2",
            params(entry_id, user_id), where);
  if (!result) return result.error();
  if (PQntuples(result->get()) == 0) return Error::not_found(where, "no such diary entry");
  return read_diary_entry(result->get(), 0);
}

core::Result<void> PostgresStore::delete_diary_entry(std::int64_t user_id, std::int64_t entry_id) {
  const std::string where = row("diary_entries", entry_id);
  auto changed = change("DELETE FROM diary_entries WHERE id = $1 AND user_id = $2",
                        params(entry_id, user_id), where);
  if (!changed) return changed.error();
  if (*changed == 0) return Error::not_found(where, "no such diary entry");
  return {};
}

core::Result<std::int64_t> PostgresStore::save_triage(const SavedTriage& triage) {
  if (auto ok = check_saved_triage(triage); !ok) return ok.error();
  const std::string where = "saved_triage";
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  ResultPtr result =
      (*connection)
          ->execute(
              "INSERT INTO saved_triage (user_id, created_at, answers_json, result_json)"
              " VALUES ($1, $2, $3, $4) RETURNING id",
              params(triage.user_id, to_seconds(triage.created_at),
                     std::string_view(triage.answers_json), std::string_view(triage.result_json)));
  if (is(result.get(), "23503"))
    return Error::not_found(row("users", triage.user_id), "no such user");
  if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    return error_of(result.get(), (*connection)->pg, where);
  }
  return get_int(result.get(), 0, 0);
}

core::Result<std::vector<SavedTriage>> PostgresStore::list_triage(std::int64_t user_id) {
  const std::string where = "saved_triage";
  auto result = query(
      "SELECT id, user_id, created_at, answers_json, result_json FROM saved_triage"
      " WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
      params(user_id), where);
  if (!result) return result.error();
  std::vector<SavedTriage> saved;
  const int rows = PQntuples(result->get());
  for (int i = 0; i < rows; ++i) {
    SavedTriage triage;
    triage.id = get_int(result->get(), i, 0);
    triage.user_id = get_int(result->get(), i, 1);
    triage.created_at = from_seconds(get_int(result->get(), i, 2));
    triage.answers_json = get_text(result->get(), i, 3);
    triage.result_json = get_text(result->get(), i, 4);
    saved.push_back(std::move(triage));
  }
  return saved;
}

core::Result<std::int64_t> PostgresStore::delete_user_sessions(std::int64_t user_id,
                                                               std::string_view keep_token_hash) {
  if (keep_token_hash.empty()) {
    return change("DELETE FROM sessions WHERE user_id = $1", params(user_id), "sessions");
  }
  return change("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
                params(user_id, Bytea{keep_token_hash}), "sessions");
}

core::Result<std::int64_t> PostgresStore::insert(const char* sql, const Params& values,
                                                 std::int64_t user_id, const std::string& where) {
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  ResultPtr result = (*connection)->execute(sql, values);
  if (is(result.get(), "23503")) return Error::not_found(row("users", user_id), "no such user");
  if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    return error_of(result.get(), (*connection)->pg, where);
  }
  return get_int(result.get(), 0, 0);
}

core::Result<std::int64_t> PostgresStore::add_questionnaire_response(
    const QuestionnaireResponse& response) {
  if (auto ok = check_questionnaire_response(response); !ok) return ok.error();
  return insert(
      "INSERT INTO questionnaire_responses (user_id, questionnaire_id, at, at_utc, answers_json,"
      " score) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      params(response.user_id, std::string_view(response.questionnaire_id),
             std::string_view(response.at), to_seconds(response.at_utc),
             std::string_view(response.answers_json), response.score),
      response.user_id, "questionnaire_responses");
}

core::Result<std::vector<QuestionnaireResponse>> PostgresStore::list_questionnaire_responses(
    std::int64_t user_id) {
  auto result = query(
      "SELECT id, user_id, questionnaire_id, at, at_utc, answers_json, score"
      " FROM questionnaire_responses WHERE user_id = $1 ORDER BY at_utc, id",
      params(user_id), "questionnaire_responses");
  if (!result) return result.error();
  std::vector<QuestionnaireResponse> responses;
  const int rows = PQntuples(result->get());
  responses.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    QuestionnaireResponse response;
    response.id = get_int(result->get(), i, 0);
    response.user_id = get_int(result->get(), i, 1);
    response.questionnaire_id = get_text(result->get(), i, 2);
    response.at = get_text(result->get(), i, 3);
    response.at_utc = from_seconds(get_int(result->get(), i, 4));
    response.answers_json = get_text(result->get(), i, 5);
    response.score = get_double(result->get(), i, 6);
    responses.push_back(std::move(response));
  }
  return responses;
}

core::Result<std::int64_t> PostgresStore::add_guided_session(const GuidedSessionRecord& record) {
  if (auto ok = check_guided_session(record); !ok) return ok.error();
  return insert(
      "INSERT INTO guided_sessions (user_id, started_at, ended_at, pain_before, pain_after,"
      " record_json) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      params(record.user_id, to_seconds(record.started_at), to_seconds(record.ended_at),
             record.pain_before, record.pain_after, std::string_view(record.record_json)),
      record.user_id, "guided_sessions");
}

core::Result<std::vector<GuidedSessionRecord>> PostgresStore::list_guided_sessions(
    std::int64_t user_id) {
  auto result = query(
      "SELECT id, user_id, started_at, ended_at, pain_before, pain_after, record_json"
      " FROM guided_sessions WHERE user_id = $1 ORDER BY started_at, id",
      params(user_id), "guided_sessions");
  if (!result) return result.error();
  std::vector<GuidedSessionRecord> records;
  const int rows = PQntuples(result->get());
  records.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    GuidedSessionRecord record;
    record.id = get_int(result->get(), i, 0);
    record.user_id = get_int(result->get(), i, 1);
    record.started_at = from_seconds(get_int(result->get(), i, 2));
    record.ended_at = from_seconds(get_int(result->get(), i, 3));
    record.pain_before = get_optional_int(result->get(), i, 4);
    record.pain_after = get_optional_int(result->get(), i, 5);
    record.record_json = get_text(result->get(), i, 6);
    records.push_back(std::move(record));
  }
  return records;
}

#define HIPCOACH_REMINDER_COLUMNS "user_id, weekdays, minute_of_day, feed_token_hash, updated_at"

core::Result<Reminders> read_reminders(const PGresult* result) {
  Reminders reminders;
  reminders.user_id = get_int(result, 0, 0);
  const std::int64_t weekdays = get_int(result, 0, 1);
  if (weekdays < 0 || weekdays > kMaxReminderWeekdays) {
    return Error::internal(row("reminders", reminders.user_id), "weekdays holds an unknown value");
  }
  reminders.weekdays = static_cast<std::uint8_t>(weekdays);
  reminders.minute_of_day = static_cast<int>(get_int(result, 0, 2));
  reminders.feed_token_hash = get_bytea(result, 0, 3);
  reminders.updated_at = from_seconds(get_int(result, 0, 4));
  return reminders;
}

core::Result<Reminders> PostgresStore::get_reminders(std::int64_t user_id) {
  const std::string where = row("reminders", user_id);
  auto result = query("SELECT " HIPCOACH_REMINDER_COLUMNS " FROM reminders WHERE user_id = $1",
                      params(user_id), where);
  if (!result) return result.error();
  if (PQntuples(result->get()) == 0) return Error::not_found(where, "no reminders");
  return read_reminders(result->get());
}

core::Result<void> PostgresStore::put_reminders(const Reminders& reminders) {
  if (auto ok = check_reminders(reminders); !ok) return ok;
  auto done = insert(
      "INSERT INTO reminders (user_id, weekdays, minute_of_day, updated_at)"
      " VALUES ($1, $2, $3, $4)"
      " ON CONFLICT (user_id) DO UPDATE SET weekdays = excluded.weekdays,"
      " minute_of_day = excluded.minute_of_day, updated_at = excluded.updated_at"
      " RETURNING user_id",
      params(reminders.user_id, static_cast<int>(reminders.weekdays), reminders.minute_of_day,
             to_seconds(reminders.updated_at)),
      reminders.user_id, row("reminders", reminders.user_id));
  if (!done) return done.error();
  return {};
}

core::Result<void> PostgresStore::set_reminder_feed(std::int64_t user_id,
                                                    std::string_view token_hash) {
  if (auto ok = check_feed_token_hash(token_hash); !ok) return ok;
  const std::string where = row("reminders", user_id);
  auto changed = token_hash.empty()
                     ? change("UPDATE reminders SET feed_token_hash = NULL WHERE user_id = $1",
                              params(user_id), where)
                     : change("UPDATE reminders SET feed_token_hash = $1 WHERE user_id = $2",
                              params(Bytea{token_hash}, user_id), where);
  if (!changed) return changed.error();
  if (*changed == 0) return Error::not_found(where, "no reminders");
  return {};
}

core::Result<Reminders> PostgresStore::find_reminders_by_feed(std::string_view token_hash) {
  const std::string where = "reminders";
  if (token_hash.empty()) return Error::not_found(where, "no reminders have this feed");
  auto result =
      query("SELECT " HIPCOACH_REMINDER_COLUMNS " FROM reminders WHERE feed_token_hash = $1",
            params(Bytea{token_hash}), where);
  if (!result) return result.error();
  if (PQntuples(result->get()) == 0) return Error::not_found(where, "no reminders have this feed");
  return read_reminders(result->get());
}

#undef HIPCOACH_REMINDER_COLUMNS

#define HIPCOACH_CONSENT_COLUMNS "id, user_id, parts, created_at, until_at, revoked_at"
#define HIPCOACH_AUDIT_COLUMNS \
  "id, at, actor_id, actor_email, actor_role, patient_id, action, what, why, request_id"
// Active at $N, the parameter named.
#define HIPCOACH_CONSENT_ACTIVE(now) \
  "consents.revoked_at IS NULL AND consents.created_at <= " now " AND " now " < consents.until_at"

core::Result<std::vector<Consent>> read_consents(const PGresult* result) {
  std::vector<Consent> consents;
  const int rows = PQntuples(result);
  consents.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    Consent consent;
    consent.id = get_int(result, i, 0);
    consent.user_id = get_int(result, i, 1);
    const std::int64_t parts = get_int(result, i, 2);
    if (parts < 1 || parts > kAllRecordParts) {
      return Error::internal(row("consents", consent.id), "parts holds an unknown value");
    }
    consent.parts = static_cast<std::uint8_t>(parts);
    consent.created_at = from_seconds(get_int(result, i, 3));
    consent.until = from_seconds(get_int(result, i, 4));
    if (PQgetisnull(result, i, 5) == 0) consent.revoked_at = from_seconds(get_int(result, i, 5));
    consents.push_back(consent);
  }
  return consents;
}

core::Result<std::vector<AuditEntry>> read_audit_entries(const PGresult* result) {
  std::vector<AuditEntry> entries;
  const int rows = PQntuples(result);
  entries.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    AuditEntry entry;
    entry.id = get_int(result, i, 0);
    entry.at = from_seconds(get_int(result, i, 1));
    entry.actor_id = get_int(result, i, 2);
    entry.actor_email = get_text(result, i, 3);
    const auto role = parse_role(get_text(result, i, 4));
    if (!role) {
      return Error::internal(row("audit_log", entry.id), "actor_role holds an unknown value");
    }
    entry.actor_role = *role;
    entry.patient_id = get_int(result, i, 5);
    entry.action = get_text(result, i, 6);
    entry.what = get_text(result, i, 7);
    entry.why = get_text(result, i, 8);
    entry.request_id = get_text(result, i, 9);
    entries.push_back(std::move(entry));
  }
  return entries;
}

core::Result<std::int64_t> PostgresStore::add_consent(const Consent& consent) {
  if (auto ok = check_consent(consent); !ok) return ok.error();
  return insert(
      "INSERT INTO consents (user_id, parts, created_at, until_at) VALUES ($1, $2, $3, $4)"
      " RETURNING id",
      params(consent.user_id, static_cast<int>(consent.parts), to_seconds(consent.created_at),
             to_seconds(consent.until)),
      consent.user_id, "consents");
}

core::Result<std::vector<Consent>> PostgresStore::list_consents(std::int64_t user_id) {
  auto result = query("SELECT " HIPCOACH_CONSENT_COLUMNS
                      " FROM consents WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
                      params(user_id), "consents");
  if (!result) return result.error();
  return read_consents(result->get());
}

core::Result<void> PostgresStore::revoke_consent(std::int64_t user_id, std::int64_t consent_id,
                                                 sys_seconds now) {
  const std::string where = row("consents", consent_id);
  auto changed = change(
      "UPDATE consents SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 AND user_id = $3",
      params(to_seconds(now), consent_id, user_id), where);
  if (!changed) return changed.error();
  if (*changed == 0) return Error::not_found(where, "no such consent");
  return {};
}

core::Result<std::uint8_t> PostgresStore::shared_parts(std::int64_t user_id, sys_seconds now) {
  auto result = query(
      "SELECT coalesce(bit_or(parts), 0) FROM consents"
      " WHERE user_id = $1 AND " HIPCOACH_CONSENT_ACTIVE("$2"),
      params(user_id, to_seconds(now)), "consents");
  if (!result) return result.error();
  return static_cast<std::uint8_t>(get_int(result->get(), 0, 0) & kAllRecordParts);
}

core::Result<std::vector<SharingPatient>> PostgresStore::list_sharing_patients(sys_seconds now) {
  auto result = query(
      "SELECT consents.user_id, min(users.email), bit_or(consents.parts), max(consents.until_at)"
      " FROM consents JOIN users ON users.id = consents.user_id"
      " WHERE " HIPCOACH_CONSENT_ACTIVE(
          "$1") " GROUP BY consents.user_id ORDER BY consents.user_id",
      params(to_seconds(now)), "consents");
  if (!result) return result.error();
  std::vector<SharingPatient> sharing;
  const int rows = PQntuples(result->get());
  for (int i = 0; i < rows; ++i) {
    SharingPatient patient;
    patient.user_id = get_int(result->get(), i, 0);
    patient.email = get_text(result->get(), i, 1);
    patient.parts = static_cast<std::uint8_t>(get_int(result->get(), i, 2) & kAllRecordParts);
    patient.until = from_seconds(get_int(result->get(), i, 3));
    sharing.push_back(std::move(patient));
  }
  return sharing;
}

core::Result<std::int64_t> PostgresStore::append_audit(const AuditEntry& entry) {
  if (auto ok = check_audit_entry(entry); !ok) return ok.error();
  const std::string where = "audit_log";
  // The actor's email and role come from their account in the same
  // statement; no row is added unless both accounts exist.
  auto result = query(
      "INSERT INTO audit_log (at, actor_id, actor_email, actor_role, patient_id, action, what,"
      " why, request_id)"
      " SELECT $1, actor.id, actor.email, actor.role, patient.id, $2, $3, $4, $5"
      " FROM users AS actor, users AS patient WHERE actor.id = $6 AND patient.id = $7"
      " RETURNING id",
      params(to_seconds(entry.at), std::string_view(entry.action), std::string_view(entry.what),
             std::string_view(entry.why), std::string_view(entry.request_id), entry.actor_id,
             entry.patient_id),
      where);
  if (!result) return result.error();
  if (PQntuples(result->get()) == 0) {
    return Error::not_found(where, "the actor or the patient does not exist");
  }
  return get_int(result->get(), 0, 0);
}

core::Result<std::vector<AuditEntry>> PostgresStore::list_audit_for_patient(
    std::int64_t patient_id) {
  auto result = query("SELECT " HIPCOACH_AUDIT_COLUMNS
                      " FROM audit_log WHERE patient_id = $1 ORDER BY id DESC",
                      params(patient_id), "audit_log");
  if (!result) return result.error();
  return read_audit_entries(result->get());
}

core::Result<std::vector<AuditEntry>> PostgresStore::list_audit(
    int limit, std::optional<std::int64_t> before_id) {
  if (auto ok = check_list_limit(limit); !ok) return ok.error();
  auto result = before_id ? query("SELECT " HIPCOACH_AUDIT_COLUMNS
                                  " FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2",
                                  params(*before_id, limit), "audit_log")
                          : query("SELECT " HIPCOACH_AUDIT_COLUMNS
                                  " FROM audit_log ORDER BY id DESC LIMIT $1",
                                  params(limit), "audit_log");
  if (!result) return result.error();
  return read_audit_entries(result->get());
}

#define HIPCOACH_APPOINTMENT_COLUMNS                                                          \
  "id, user_id, type_id, reason, preferred, earliest_at, urgency, triage_id, attach_summary," \
  " status, start_at, minutes, message, created_at, updated_at"
#define HIPCOACH_OUTBOX_COLUMNS "id, user_id, kind, subject, body, created_at, delivered_at"
// Serializes confirmations, so that two cannot both pass the overlap check.
constexpr const char* kConfirmLock = "SELECT pg_advisory_xact_lock(7270617368697)";

std::optional<std::int64_t> optional_seconds(std::optional<sys_seconds> time) {
  if (!time) return std::nullopt;
  return to_seconds(*time);
}

core::Result<std::vector<Appointment>> read_appointments(const PGresult* result) {
  std::vector<Appointment> appointments;
  const int rows = PQntuples(result);
  appointments.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    Appointment appointment;
    appointment.id = get_int(result, i, 0);
    appointment.user_id = get_int(result, i, 1);
    appointment.type_id = get_text(result, i, 2);
    appointment.reason = get_text(result, i, 3);
    appointment.preferred = get_text(result, i, 4);
    if (PQgetisnull(result, i, 5) == 0) appointment.earliest = from_seconds(get_int(result, i, 5));
    const std::int64_t urgency = get_int(result, i, 6);
    if (urgency < 0 || urgency > static_cast<int>(AppointmentUrgency::kNone)) {
      return Error::internal(row("appointments", appointment.id), "urgency holds an unknown value");
    }
    appointment.urgency = static_cast<AppointmentUrgency>(urgency);
    if (PQgetisnull(result, i, 7) == 0) appointment.triage_id = get_int(result, i, 7);
    appointment.attach_summary = get_text(result, i, 8) == "t";
    const auto status = parse_appointment_status(get_text(result, i, 9));
    if (!status) {
      return Error::internal(row("appointments", appointment.id), "status holds an unknown value");
    }
    appointment.status = *status;
    if (PQgetisnull(result, i, 10) == 0) appointment.start = from_seconds(get_int(result, i, 10));
    appointment.minutes = static_cast<int>(get_int(result, i, 11));
    appointment.message = get_text(result, i, 12);
    appointment.created_at = from_seconds(get_int(result, i, 13));
    appointment.updated_at = from_seconds(get_int(result, i, 14));
    appointments.push_back(std::move(appointment));
  }
  return appointments;
}

core::Result<std::int64_t> PostgresStore::add_appointment(const Appointment& appointment) {
  Appointment kept = appointment;
  kept.status = AppointmentStatus::kRequested;
  kept.start.reset();
  kept.minutes = 0;
  kept.message.clear();
  kept.updated_at = kept.created_at;
  if (auto ok = check_appointment(kept); !ok) return ok.error();
  const std::string where = "appointments";
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  // The triage must be the user's own: the row is added only when it is
  // (or none is attached), in the same statement.
  ResultPtr result =
      (*connection)
          ->execute(
              "INSERT INTO appointments (user_id, type_id, reason, preferred, earliest_at, urgency,"
              " triage_id, attach_summary, status, created_at, updated_at)"
              " SELECT $1, $2, $3, $4, $5, $6, $7::bigint, $8 = 1, 'requested', $9, $9"
              " WHERE $7::bigint IS NULL OR EXISTS"
              " (SELECT 1 FROM saved_triage WHERE id = $7::bigint AND user_id = $1)"
              " RETURNING id",
              params(kept.user_id, std::string_view(kept.type_id), std::string_view(kept.reason),
                     std::string_view(kept.preferred), optional_seconds(kept.earliest),
                     static_cast<int>(kept.urgency), kept.triage_id, kept.attach_summary ? 1 : 0,
                     to_seconds(kept.created_at)));
  if (is(result.get(), "23503")) {
    return Error::not_found(row("users", kept.user_id), "no such user");
  }
  if (!result || PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    return error_of(result.get(), (*connection)->pg, where);
  }
  if (PQntuples(result.get()) == 0) {
    return Error::not_found(row("saved_triage", kept.triage_id.value_or(0)),
                            "no such saved triage");
  }
  return get_int(result.get(), 0, 0);
}

core::Result<Appointment> PostgresStore::get_appointment(std::int64_t appointment_id) {
  const std::string where = row("appointments", appointment_id);
  auto result = query("SELECT " HIPCOACH_APPOINTMENT_COLUMNS " FROM appointments WHERE id = $1",
                      params(appointment_id), where);
  if (!result) return result.error();
  auto rows = read_appointments(result->get());
  if (!rows) return rows.error();
  if (rows->empty()) return Error::not_found(where, "no such appointment");
  return std::move(rows->front());
}

core::Result<std::vector<Appointment>> PostgresStore::list_appointments(std::int64_t user_id) {
  auto result = query("SELECT " HIPCOACH_APPOINTMENT_COLUMNS
                      " FROM appointments WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
                      params(user_id), "appointments");
  if (!result) return result.error();
  return read_appointments(result->get());
}

core::Result<std::vector<Appointment>> PostgresStore::list_appointment_queue(
    std::optional<AppointmentStatus> status) {
  auto result = status ? query("SELECT " HIPCOACH_APPOINTMENT_COLUMNS
                               " FROM appointments WHERE status = $1"
                               " ORDER BY urgency, created_at, id",
                               params(appointment_status_name(*status)), "appointments")
                       : query("SELECT " HIPCOACH_APPOINTMENT_COLUMNS
                               " FROM appointments WHERE status IN ('requested', 'proposed')"
                               " ORDER BY urgency, created_at, id",
                               Params(), "appointments");
  if (!result) return result.error();
  return read_appointments(result->get());
}

core::Result<Appointment> PostgresStore::change_appointment(const AppointmentChange& change) {
  const std::string where = row("appointments", change.appointment_id);
  auto connection = pool_.take(where);
  if (!connection) return connection.error();
  Connection& db = **connection;
  Transaction transaction(db);
  if (auto ok = transaction.begin(where); !ok) return ok.error();
  if (change.status == AppointmentStatus::kConfirmed) {
    if (auto ok = db.run(kConfirmLock, where); !ok) return ok.error();
  }
  auto selected = query(
      db, "SELECT " HIPCOACH_APPOINTMENT_COLUMNS " FROM appointments WHERE id = $1 FOR UPDATE",
      params(change.appointment_id), where);
  if (!selected) return selected.error();
  auto rows = read_appointments(selected->get());
  if (!rows) return rows.error();
  if (rows->empty() || (change.owner_id && rows->front().user_id != *change.owner_id)) {
    return Error::not_found(where, "no such appointment");
  }
  auto changed = apply_appointment_change(rows->front(), change);
  if (!changed) return changed.error();
  if (changed->status == AppointmentStatus::kConfirmed) {
    const std::int64_t start = to_seconds(*changed->start);
    const std::int64_t end = start + std::int64_t{changed->minutes} * 60;
    auto overlap = query(db,
                         "SELECT 1 FROM appointments WHERE status = 'confirmed' AND id <> $1"
                         " AND start_at < $2 AND $3 < start_at + minutes * 60 LIMIT 1",
                         params(changed->id, end, start), where);
    if (!overlap) return overlap.error();
    if (PQntuples(overlap->get()) > 0) {
      return Error::conflict(where, "the time overlaps another confirmed appointment");
    }
  }
  auto updated =
      query(db,
            "UPDATE appointments SET status = $1, start_at = $2, minutes = $3,"
            " message = $4, updated_at = $5 WHERE id = $6",
            params(appointment_status_name(changed->status), optional_seconds(changed->start),
                   changed->minutes, std::string_view(changed->message),
                   to_seconds(changed->updated_at), changed->id),
            where);
  if (!updated) return updated.error();
  if (change.notify) {
    auto inserted = query(
        db,
        "INSERT INTO outbox (user_id, kind, subject, body, created_at) VALUES ($1, $2, $3, $4, $5)",
        params(changed->user_id, std::string_view(change.notify->kind),
               std::string_view(change.notify->subject), std::string_view(change.notify->body),
               to_seconds(change.notify->created_at)),
        "outbox");
    if (!inserted) return inserted.error();
  }
  if (auto ok = transaction.commit(where); !ok) return ok.error();
  return std::move(*changed);
}

#define HIPCOACH_APPOINTMENT_NOTE_COLUMNS \
  "id, appointment_id, author_id, author_email, author_role, body, created_at"

core::Result<std::vector<AppointmentNote>> read_appointment_notes(const PGresult* result) {
  std::vector<AppointmentNote> notes;
  const int rows = PQntuples(result);
  notes.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    AppointmentNote note;
    note.id = get_int(result, i, 0);
    note.appointment_id = get_int(result, i, 1);
    note.author_id = get_int(result, i, 2);
    note.author_email = get_text(result, i, 3);
    const auto role = parse_role(get_text(result, i, 4));
    if (!role) {
      return Error::internal(row("appointment_notes", note.id),
                             "author_role holds an unknown value");
    }
    note.author_role = *role;
    note.text = get_text(result, i, 5);
    note.created_at = from_seconds(get_int(result, i, 6));
    notes.push_back(std::move(note));
  }
  return notes;
}

core::Result<AppointmentNote> PostgresStore::add_appointment_note(const AppointmentNote& note) {
  if (auto ok = check_appointment_note(note); !ok) return ok.error();
  const std::string where = row("appointments", note.appointment_id);
  // The author's email and role come from their account in the same
  // statement; no row is added unless the appointment and the author exist.
  auto result = query(
      "INSERT INTO appointment_notes (appointment_id, author_id, author_email, author_role, body,"
      " created_at)"
      " SELECT appointments.id, author.id, author.email, author.role, $1, $2"
      " FROM appointments, users AS author WHERE appointments.id = $3 AND author.id = $4"
      " RETURNING " HIPCOACH_APPOINTMENT_NOTE_COLUMNS,
      params(std::string_view(note.text), to_seconds(note.created_at), note.appointment_id,
             note.author_id),
      where);
  if (!result) return result.error();
  auto added = read_appointment_notes(result->get());
  if (!added) return added.error();
  if (!added->empty()) return std::move(added->front());
  // Nothing added: say which of the two is missing.
  auto appointment =
      query("SELECT 1 FROM appointments WHERE id = $1", params(note.appointment_id), where);
  if (!appointment) return appointment.error();
  if (PQntuples(appointment->get()) == 0) return Error::not_found(where, "no such appointment");
  return Error::not_found(row("users", note.author_id), "no such user");
}

core::Result<std::vector<AppointmentNote>> PostgresStore::list_appointment_notes(
    std::int64_t appointment_id) {
  auto result = query("SELECT " HIPCOACH_APPOINTMENT_NOTE_COLUMNS
                      " FROM appointment_notes WHERE appointment_id = $1 ORDER BY id",
                      params(appointment_id), "appointment_notes");
  if (!result) return result.error();
  return read_appointment_notes(result->get());
}

#undef HIPCOACH_APPOINTMENT_NOTE_COLUMNS

core::Result<std::vector<OutboxMessage>> PostgresStore::deliver_notifications(std::int64_t user_id,
                                                                              sys_seconds now) {
  auto result = query(
      "UPDATE outbox SET delivered_at = $1 WHERE user_id = $2 AND delivered_at IS NULL"
      " RETURNING " HIPCOACH_OUTBOX_COLUMNS,
      params(to_seconds(now), user_id), "outbox");
  if (!result) return result.error();
  std::vector<OutboxMessage> delivered;
  const PGresult* rows = result->get();
  for (int i = 0; i < PQntuples(rows); ++i) {
    OutboxMessage message;
    message.id = get_int(rows, i, 0);
    message.user_id = get_int(rows, i, 1);
    message.kind = get_text(rows, i, 2);
    message.subject = get_text(rows, i, 3);
    message.body = get_text(rows, i, 4);
    message.created_at = from_seconds(get_int(rows, i, 5));
    if (PQgetisnull(rows, i, 6) == 0) message.delivered_at = from_seconds(get_int(rows, i, 6));
    delivered.push_back(std::move(message));
  }
  // RETURNING gives no order.
  std::sort(delivered.begin(), delivered.end(),
            [](const OutboxMessage& a, const OutboxMessage& b) { return a.id < b.id; });
  return delivered;
}

core::Result<std::int64_t> PostgresStore::count_undelivered_notifications(std::int64_t user_id) {
  auto result = query("SELECT count(*) FROM outbox WHERE user_id = $1 AND delivered_at IS NULL",
                      params(user_id), "outbox");
  if (!result) return result.error();
  return get_int(result->get(), 0, 0);
}

#undef HIPCOACH_OUTBOX_COLUMNS
#undef HIPCOACH_APPOINTMENT_COLUMNS

#undef HIPCOACH_CONSENT_ACTIVE
#undef HIPCOACH_AUDIT_COLUMNS
#undef HIPCOACH_CONSENT_COLUMNS
#undef HIPCOACH_USER_COLUMNS
#undef HIPCOACH_DIARY_COLUMNS

}  // namespace

core::Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url,
                                                         const StoreOptions& options) {
  // Parse first, so that a malformed URL is bad input rather than an
  // unreachable server. libpq's message may quote the URL: it is dropped.
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &parse_error);
  PQfreemem(parse_error);
  if (parsed == nullptr) {
    return Error::invalid_input("url", "the PostgreSQL URL cannot be parsed");
  }
  PQconninfoFree(parsed);
  auto store = std::make_unique<PostgresStore>(url, options);
  if (auto ok = store->initialize(); !ok) return ok.error();
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace hipcoach::storage
