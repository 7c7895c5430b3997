#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "hipcoach/cli/cli.h"
#include "hipcoach/core/check.h"

int main(int argc, char** argv) {
  hipcoach::core::detail::set_check_failure_handler(
      [](const char* condition, const char* file, int line) {
        std::fprintf(stderr, "hipcoach: internal error: check failed: %s at %s:%d\n", condition,
                     file, line);
      });
  // Databases, their journals and exports hold health data: whatever this
  // program creates is readable by its owner only.
  ::umask(0077);
  try {
    const std::vector<std::string> args(argv, argv + argc);
    return hipcoach::cli::run(args, std::cin, std::cout, std::cerr,
                              hipcoach::cli::Environment::system(::isatty(STDIN_FILENO) == 1));
  } catch (const std::exception& error) {
    std::cerr << "hipcoach: internal error: " << error.what() << '\n';
  } catch (...) {
    std::cerr << "hipcoach: internal error\n";
  }
  return hipcoach::cli::kExitInvalidData;
}
