// `hipcoach progress`: the progress report of GET /api/v1/progress, for a
// person at the terminal (verdicts with their thresholds and sources, a
// chart of weekly means, pain around guided sessions) or as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "command.h"
#include "hipcoach/core/protocol.h"

namespace hipcoach::cli {

struct ProgressOptions {
  int weeks = 4;      // --weeks: "recent" is judged over the last N weeks, 1..52.
  bool json = false;  // --json: the report as the API gives it.
  DatabaseOptions database;
};

int run_progress(const Command& command, const core::Protocol& protocol,
                 const ProgressOptions& options);

// How charts are drawn: Unicode block characters, or plain ASCII.
enum class Charset { kUnicode, kAscii };

// kUnicode when LC_ALL, else LC_CTYPE, else LANG names UTF-8.
Charset terminal_charset(const Environment& environment);

// Writes the report (service::progress_report's JSON) for a person.
void write_progress(const core::Protocol& protocol, const nlohmann::json& report,
                    std::string_view email, Charset charset, std::ostream& out);

}  // namespace hipcoach::cli
