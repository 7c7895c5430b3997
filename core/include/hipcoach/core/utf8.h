// UTF-8 validation for text that comes from outside (files, requests).
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace hipcoach::core {

// Where the first invalid byte sits: its 0-based offset, and its 1-based line
// and column (the column counts bytes).
struct Utf8Error {
  std::size_t offset = 0;
  int line = 1;
  int column = 1;
};

// Returns nullopt when `text` is well-formed UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF), else where it first goes wrong.
std::optional<Utf8Error> find_invalid_utf8(std::string_view text);

}  // namespace hipcoach::core
