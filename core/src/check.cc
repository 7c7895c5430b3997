#include "hipcoach/core/check.h"

#include <cstdlib>

namespace hipcoach::core::detail {

namespace {
CheckFailureHandler g_handler = nullptr;
}  // namespace

void set_check_failure_handler(CheckFailureHandler handler) { g_handler = handler; }

void check_failed(const char* condition, const char* file, int line) {
  // The core never prints; the program that links it may install a handler that does.
  if (g_handler != nullptr) g_handler(condition, file, line);
  std::abort();
}

}  // namespace hipcoach::core::detail
