// The full-screen coach on the terminal (ncurses): the step, its
// instructions, the hold as a progress bar with the minimum and maximum
// marked, the latest cue in bold with a bell, the stop rules and the keys
// (space pause/resume, n next, b back, s stop, q quit, 1-9 a stop rule).
// The only file that includes ncurses; the terminal is restored (endwin) on
// close(), on destruction and so on every way out. Not thread-safe: one per
// process.
#pragma once

#include <memory>

#include "coach_screen.h"

namespace hipcoach::cli {

// Starts full-screen mode on standard input and output. nullptr when the
// terminal cannot be used (e.g. TERM unknown); nothing is then changed.
std::unique_ptr<CoachUi> make_curses_ui();

}  // namespace hipcoach::cli
