// The hipcoach command line: parses arguments and runs one command.
// Thread-compatible: run one at a time.
#pragma once

#include <istream>
#include <ostream>
#include <span>
#include <string>

namespace hipcoach::cli {

// Exit codes of every command.
enum ExitCode : int {
  kExitOk = 0,
  kExitInvalidData = 1,  // The data (or a record) is invalid or the command failed.
  kExitUsage = 2,        // Bad arguments; the message names the option.
};

// Runs the command in `args` (args[0] is the program name), reading answers
// from `in`, writing results to `out` and errors to `err`. Returns an ExitCode.
int run(std::span<const std::string> args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace hipcoach::cli
