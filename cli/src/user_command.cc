#include "user_command.h"

#include <termios.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "hipcoach/service/accounts.h"

namespace hipcoach::cli {

namespace {

// Turns the terminal's echo off for its lifetime, so that a typed password
// is not shown; restores the previous settings when it goes. Does nothing
// when standard input is not a terminal.
class EchoOff {
 public:
  EchoOff() {
    if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= static_cast<tcflag_t>(ECHONL);
    active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  ~EchoOff() {
    if (active_) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }

 private:
  termios saved_{};
  bool active_ = false;
};

// One line of input without its line end; nullopt at the end of input.
std::optional<std::string> read_line(std::istream& in) {
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::string> read_secret(const Command& command, const std::string& prompt) {
  command.out << prompt << std::flush;
  const EchoOff echo_off;
  return read_line(command.in);
}

// The password: typed twice at a terminal, else the first line of input.
// On failure prints why and returns nullopt.
std::optional<std::string> read_password(const Command& command, const std::string& email) {
  if (!command.environment.input_is_terminal) {
    std::optional<std::string> password = read_line(command.in);
    if (!password || password->empty()) {
      command.fail(kExitInvalidData, "password",
                   "expected the password as the first line of standard input, got nothing");
      return std::nullopt;
    }
    return password;
  }
  std::optional<std::string> first =
      read_secret(command, "New password for " + email + " (at least " +
                               std::to_string(service::kMinPasswordCharacters) + " characters): ");
  if (!first) {
    command.fail(kExitInvalidData, "password", "no password was typed");
    return std::nullopt;
  }
  std::optional<std::string> second = read_secret(command, "The same password again: ");
  if (!second || *second != *first) {
    command.fail(kExitInvalidData, "password", "the two passwords differ; nothing was saved");
    return std::nullopt;
  }
  return first;
}

}  // namespace

int run_user_add(const Command& command, const UserAddOptions& options) {
  // A malformed email is refused before the password is asked for.
  if (auto ok = service::check_email(options.email, "EMAIL"); !ok) {
    return command.fail(kExitUsage, "EMAIL", ok.error().message());
  }
  int exit_code = kExitOk;
  const std::unique_ptr<storage::Store> store = open_database(command, options.database, exit_code);
  if (!store) return exit_code;
  if (auto existing = store->find_user_by_email(options.email); existing) {
    return command.fail(kExitInvalidData, "EMAIL",
                        "an account with this email exists in this database");
  }
  const std::optional<std::string> password = read_password(command, options.email);
  if (!password) return kExitInvalidData;

  service::Accounts accounts(*store);
  auto user =
      accounts.create_account(options.email, *password, options.role, command.environment.now());
  if (!user) {
    const core::Error& error = user.error();
    if (error.where() == "/password")
      return command.fail(kExitInvalidData, "password", error.message());
    if (error.where() == "/email") {
      const bool taken = error.code() == core::ErrorCode::kConflict;
      return command.fail(
          taken ? kExitInvalidData : kExitUsage, "EMAIL",
          taken ? "an account with this email exists in this database" : error.message());
    }
    return store_failure(command, error);
  }
  command.out << "Created " << storage::role_name(user->role) << " account " << user->id << " for "
              << user->email << ".\n";
  return kExitOk;
}

int run_user_reset_two_factor(const Command& command, const UserResetTwoFactorOptions& options) {
  if (auto ok = service::check_email(options.email, "EMAIL"); !ok) {
    return command.fail(kExitUsage, "EMAIL", ok.error().message());
  }
  int exit_code = kExitOk;
  const std::unique_ptr<storage::Store> store = open_database(command, options.database, exit_code);
  if (!store) return exit_code;
  auto user = store->find_user_by_email(options.email);
  if (!user) {
    if (user.error().code() == core::ErrorCode::kNotFound) {
      return command.fail(kExitInvalidData, "EMAIL", "no account has this email in this database");
    }
    return store_failure(command, user.error());
  }
  service::Accounts accounts(*store);
  if (auto ok = accounts.reset_two_factor(user->id); !ok) {
    if (ok.error().code() == core::ErrorCode::kNotFound) {
      return command.fail(kExitInvalidData, "EMAIL", "this account has no two-step sign-in");
    }
    return store_failure(command, ok.error());
  }
  command.out << "Two-step sign-in is off for " << user->email
              << " and every session of the account has ended.";
  if (user->role != storage::Role::kPatient) {
    command.out << " Staff must set it up again at their next sign-in.";
  }
  command.out << "\n";
  return kExitOk;
}

}  // namespace hipcoach::cli
