// `hipcoach diary add` and `hipcoach diary list`: the pain diary at the
// terminal, through the same codec as the HTTP API (service/records.h).
#pragma once

#include <optional>
#include <string>

#include "command.h"

namespace hipcoach::cli {

struct DiaryAddOptions {
  std::string pain;                    // PAIN as typed; must be a whole number 0..10.
  std::optional<std::string> context;  // --context; unset: "rest", and the output says so.
  std::optional<std::string> side;     // --side; unset: "both", and the output says so.
  std::optional<std::string> region;   // --region; unset: the codec's default, outer_hip.
  std::optional<std::string> note;     // --note; unset: none.
  std::optional<std::string> at;       // --at RFC 3339; unset: now in the local time zone.
  DatabaseOptions database;
};

// Returns kExitOk once the entry is saved; kExitUsage for a bad value (the
// message names the option) or an unknown --user; kExitInvalidData for a
// database error.
int run_diary_add(const Command& command, const DiaryAddOptions& options);

struct DiaryListOptions {
  int limit = 30;     // --limit, 1..1000.
  bool json = false;  // --json: {"entries": [...], "next": cursor or null}, as the API.
  DatabaseOptions database;
};

// Prints the newest `limit` entries, newest first.
int run_diary_list(const Command& command, const DiaryListOptions& options);

// Text from the database made safe for a terminal: control characters
// (escape sequences, line breaks) become spaces, and it is cut to at most
// `max_bytes` on a UTF-8 boundary, with "..." when cut.
std::string terminal_safe(std::string_view text, std::size_t max_bytes);

}  // namespace hipcoach::cli
