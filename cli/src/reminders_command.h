// `hipcoach reminders set|show|ics`: the days and time of the self-care
// session at the terminal, what is due today, and the reminders as an
// iCalendar file to import into a calendar (the same text as the API's feed).
#pragma once

#include <string>

#include "command.h"

namespace hipcoach::cli {

struct RemindersSetOptions {
  std::string days;  // --days, comma-separated: "mon,wed,fri"; "" for none.
  std::string time;  // --time, 24-hour "HH:MM".
  DatabaseOptions database;
};

// Saves the schedule and prints it. kExitUsage for a bad --days or --time
// (the message names the option; checked before the database is opened) or
// an unknown --user; kExitInvalidData for a database error.
int run_reminders_set(const Command& command, const RemindersSetOptions& options);

struct RemindersShowOptions {
  DatabaseOptions database;
};

// Prints the schedule and "Due today at HH:MM" or "Next: DAY at HH:MM", by
// the local date (the environment's clock and time zone).
int run_reminders_show(const Command& command, const RemindersShowOptions& options);

// Prints the reminders as iCalendar text to `out`, for `> hipcoach.ics`.
// kExitInvalidData when no day is set.
int run_reminders_ics(const Command& command, const RemindersShowOptions& options);

}  // namespace hipcoach::cli
