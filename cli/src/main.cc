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
  try {
    const std::vector<std::string> args(argv, argv + argc);
    return hipcoach::cli::run(args, std::cin, std::cout, std::cerr);
  } catch (const std::exception& error) {
    std::cerr << "hipcoach: internal error: " << error.what() << '\n';
  } catch (...) {
    std::cerr << "hipcoach: internal error\n";
  }
  return hipcoach::cli::kExitInvalidData;
}
