// Plain text for the terminal: wrapped paragraphs and numbered source
// footnotes. Thread-compatible.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/protocol.h"

namespace hipcoach::cli {

// Writes `text` wrapped at 78 columns: the first line starts with `first`,
// the others with as many spaces.
void write_wrapped(std::string_view text, std::string_view first, std::ostream& out);

// A number for people: whole numbers without decimals ("7"), others to one
// decimal ("6.5"), never "-0".
std::string decimal_text(double value);

// Numbers sources in the order they are first cited.
class Footnotes {
 public:
  // Returns " [1] [2]" for the ids in `cite`, numbering new ones.
  std::string markers(const std::vector<std::string>& cite);
  // Writes "Sources" and each numbered source.
  void write(const core::Protocol& protocol, std::ostream& out) const;

 private:
  std::vector<std::string> order_;
};

}  // namespace hipcoach::cli
