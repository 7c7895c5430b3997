// Statements and ranges: clinical content with the sources it rests on.
// Plain data; thread-compatible.
#pragma once

#include <string>
#include <vector>

namespace hipcoach::core {

// A sentence of clinical content and the ids (in sources.toml) it rests on.
struct Statement {
  std::string text;
  std::vector<std::string> cite;
};

// An inclusive range of whole numbers with its sources, e.g. a hold time.
struct Range {
  int min = 0;
  int max = 0;
  std::vector<std::string> cite;
};

}  // namespace hipcoach::core
