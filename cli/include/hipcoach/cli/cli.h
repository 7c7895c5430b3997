// The hipcoach command line: parses arguments and runs one command.
// Thread-compatible: run one at a time.
#pragma once

#include <chrono>
#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <span>
#include <string>

namespace hipcoach::cli {

// Exit codes of every command.
enum ExitCode : int {
  kExitOk = 0,
  kExitInvalidData = 1,  // The data, a record or the database is at fault, or the command failed.
  kExitUsage = 2,        // Bad arguments; the message names the option.
};

// What a command reads besides its arguments and streams: environment
// variables, the clock, the time zone and whether input is a terminal.
// Tests pass their own.
struct Environment {
  // The value of the environment variable `name`, or nullopt when unset.
  // Default (system()): std::getenv.
  std::function<std::optional<std::string>(const std::string& name)> variable;
  // The current time. Default: the system clock.
  std::function<std::chrono::sys_seconds()> now;
  // The local offset from UTC at an instant, used for diary times given
  // without --at. Default: the system's time zone.
  std::function<std::chrono::minutes(std::chrono::sys_seconds)> utc_offset;
  // True when the input stream is the terminal (standard input of an
  // interactive shell): passwords are then read with echo off and asked
  // twice. Default: false.
  bool input_is_terminal = false;

  // The process's real environment; `input_is_terminal` as given (main()
  // passes isatty(STDIN_FILENO)).
  static Environment system(bool input_is_terminal = false);
};

// Runs the command in `args` (args[0] is the program name), reading answers
// from `in`, writing results to `out` and errors to `err`. Returns an ExitCode.
// The first form uses Environment::system() with input_is_terminal false.
int run(std::span<const std::string> args, std::istream& in, std::ostream& out, std::ostream& err);
int run(std::span<const std::string> args, std::istream& in, std::ostream& out, std::ostream& err,
        const Environment& environment);

}  // namespace hipcoach::cli
