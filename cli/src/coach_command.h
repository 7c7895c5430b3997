// `hipcoach coach`: the guided session at the terminal. Builds the plan
// (core/session.h) from --groups and --side (or a saved triage), asks pain
// and the red-flag re-check, walks the steps with the hold timer, the cues
// and the stop rules, asks pain after and saves the session to the diary
// through the API's codec. Full screen (coach_curses.h) when standard input
// and output are a terminal, else line by line (coach_screen.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "coach_screen.h"
#include "command.h"
#include "hipcoach/core/protocol.h"

namespace hipcoach::cli {

struct CoachOptions {
  std::string groups;    // --groups: muscle group ids, comma-separated, in the order to treat.
  std::string side;      // --side: left, right or both.
  std::string cautions;  // --cautions: ids of the person's cautions, comma-separated; default none.
  std::optional<int> pain_limit;       // --pain-limit 0..10; unset: no pain-above-limit rule.
  std::optional<std::int64_t> triage;  // --triage ID: the plan of a saved triage instead of
                                       // --groups, --side and --cautions.
  bool plain = false;                  // --plain: line by line even at a terminal.
  DatabaseOptions database;
};

// Makes the UI once the options and the account are checked (a full-screen
// UI must not start before an error message is printed).
using CoachUiFactory = std::function<std::unique_ptr<CoachUi>()>;

// Runs a session on the UI that `make_ui` makes. Returns kExitOk once the
// session is saved (finished, stopped early, or stopped by the re-check),
// or when it ended before it started (nothing to save); kExitUsage for a bad
// option (the message names it) or an unknown --user; kExitInvalidData for a
// database error or a triage that offers no self-treatment.
int run_coach(const Command& command, const core::Protocol& protocol, const CoachOptions& options,
              const CoachUiFactory& make_ui);

// The same on the process's terminal: full screen when `command` reads and
// writes the standard streams, both are a terminal and --plain is not given
// (falling back to line by line when the terminal cannot be used), else line
// by line from standard input. Ctrl-C ends the session early and saves it.
int run_coach(const Command& command, const core::Protocol& protocol, const CoachOptions& options);

}  // namespace hipcoach::cli
