// `hipcoach triage`: asks the questions at the terminal (or reads the answers
// as JSON) and prints the result for a person or as JSON.
#pragma once

#include <istream>
#include <ostream>
#include <string>

#include "hipcoach/core/protocol.h"

namespace hipcoach::cli {

struct TriageOptions {
  std::string answers_path;  // Empty: ask at the terminal; "-": read JSON from `in`.
  bool json = false;         // Print the result as JSON.
};

// Returns kExitOk whatever the disposition; kExitInvalidData for invalid
// answers (the error, naming the field, on `err`) or input that ends early.
// REQUIRES: protocol.triage has questions.
int run_triage(const core::Protocol& protocol, const TriageOptions& options, std::istream& in,
               std::ostream& out, std::ostream& err);

}  // namespace hipcoach::cli
