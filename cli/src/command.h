// What the commands that touch the database share: the streams and
// environment of one run, error messages that name the option, the database
// named by --db and the account named by --user. Thread-compatible.
#pragma once

#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "hipcoach/cli/cli.h"
#include "hipcoach/core/error.h"
#include "hipcoach/core/result.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::cli {

// One run of one command.
struct Command {
  std::string name;  // For messages: "hipcoach diary add".
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  const Environment& environment;

  // Writes "NAME: WHERE: MESSAGE" (without "WHERE: " when `where` is empty)
  // and a line end to `err`, and returns `exit_code`.
  int fail(int exit_code, std::string_view where, std::string_view message) const;
};

// Options every command that touches the database takes.
struct DatabaseOptions {
  std::string db;    // --db URL; empty: HIPCOACH_DB, else the default file.
  std::string user;  // --user EMAIL; empty: HIPCOACH_USER, else the only patient.
};

// The database URL: `option` when given, else $HIPCOACH_DB, else
// "sqlite:" + $XDG_DATA_HOME/hipcoach/hipcoach.sqlite (or
// ~/.local/share/hipcoach/hipcoach.sqlite), whose directory is then created
// with mode 0700 when missing. kInvalidInput (where "--db") when none can be
// worked out (no XDG_DATA_HOME and no HOME); kUnavailable when the directory
// cannot be created.
core::Result<std::string> database_url(const std::string& option, const Environment& environment);

// The message of an error about --db, with its where unless that only
// repeats "--db" (or open_store's "url").
std::string without_option(const core::Error& error);

// The database URL of `options` (database_url of --db). On failure prints
// why, naming --db, sets `exit_code` (kExitUsage when none can be worked out,
// kExitInvalidData when its directory cannot be made) and returns nullopt.
std::optional<std::string> resolve_database_url(const Command& command,
                                                const DatabaseOptions& options, int& exit_code);

// Opens the database of `options`. On failure prints why, naming --db, and
// sets `exit_code` (kExitUsage for a malformed URL, kExitInvalidData when
// the database cannot be used) and returns nullptr.
std::unique_ptr<storage::Store> open_database(const Command& command,
                                              const DatabaseOptions& options, int& exit_code);

// The account the command acts for: --user (or $HIPCOACH_USER) by email.
// When neither is given: the only patient account, if the store can tell;
// otherwise asks for --user. On failure prints why, naming --user, sets
// `exit_code` and returns nullopt.
std::optional<storage::User> find_account(const Command& command, storage::Store& store,
                                          const DatabaseOptions& options, int& exit_code);

// The database and the account a command acts for.
struct Account {
  std::unique_ptr<storage::Store> store;
  storage::User user;
};

// open_database, then find_account: on failure prints why, sets `exit_code`
// and returns nullopt.
std::optional<Account> open_account(const Command& command, const DatabaseOptions& options,
                                    int& exit_code);

// The exit code for a store error: kExitInvalidData (the database is at
// fault, never the arguments).
int store_failure(const Command& command, const core::Error& error);

// Reads a whole file, or `in` when `path` is "-". nullopt when the file
// cannot be read.
std::optional<std::string> read_input(const std::string& path, std::istream& in);

// Removes spaces, tabs and CR/LF at both ends.
std::string trim(std::string_view text);

}  // namespace hipcoach::cli
