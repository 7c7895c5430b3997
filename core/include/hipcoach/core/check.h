// HIPCOACH_CHECK(condition): aborts with file and line when a programmer's
// invariant is broken, in every build. No user input may ever reach one.
#pragma once

namespace hipcoach::core::detail {
[[noreturn]] void check_failed(const char* condition, const char* file, int line);

// Called before the abort, e.g. to print the failed condition; the core itself
// never prints. Set it once at start, before any thread runs.
using CheckFailureHandler = void (*)(const char* condition, const char* file, int line);
void set_check_failure_handler(CheckFailureHandler handler);
}  // namespace hipcoach::core::detail

#define HIPCOACH_CHECK(condition)                                                \
  do {                                                                           \
    if (!(condition)) {                                                          \
      ::hipcoach::core::detail::check_failed(#condition, __FILE__, __LINE__);    \
    }                                                                            \
  } while (false)
