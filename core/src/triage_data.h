// Internal to the core: reading data/triage/ files into Protocol::triage, and
// the checks that need every file read first.
#pragma once

#include <string_view>

#include "hipcoach/core/protocol.h"
#include "toml_reader.h"

namespace hipcoach::core::detail {

// What the triage files said about themselves, for the checks after reading.
struct TriageContext {
  bool has_questions = false;
  bool has_rules = false;
  bool has_default = false;
  std::string questions_file;
  std::string rules_file;
};

void read_triage_questions(TableReader& root, Protocol& protocol, TriageContext& context);
void read_triage_rules(TableReader& root, Protocol& protocol, TriageContext& context);

// Checks that the questions cover every answer field once and offer exactly
// its values. Group references are resolved with the other references.
void check_triage(Checker& checker, const Protocol& protocol, const TriageContext& context,
                  std::string_view dir_name);

}  // namespace hipcoach::core::detail
