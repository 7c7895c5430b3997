#include "reminders_command.h"

#include <optional>
#include <vector>

#include "hipcoach/core/reminders.h"

namespace hipcoach::cli {
namespace {

using core::ErrorCode;

// "Monday", "Monday and Friday", "Monday, Wednesday and Friday".
std::string day_list(std::uint8_t weekdays) {
  std::vector<std::string_view> names;
  for (int day = 1; day <= 7; ++day) {
    if ((weekdays & (1U << (day - 1))) != 0) names.push_back(core::weekday_display_name(day));
  }
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " and " : ", ";
    text += names[i];
  }
  return text;
}

// The user's reminders, nullopt when there are none; on a database error
// prints it, sets `exit_code` and returns nullopt too.
std::optional<storage::Reminders> load_reminders(const Command& command, storage::Store& store,
                                                 std::int64_t user_id, int& exit_code) {
  auto reminders = store.get_reminders(user_id);
  if (reminders) return std::move(*reminders);
  if (reminders.error().code() != ErrorCode::kNotFound) {
    exit_code = store_failure(command, reminders.error());
  }
  return std::nullopt;
}

constexpr std::string_view kHowToSet =
    "choose days and a time with: hipcoach reminders set --days mon,wed,fri --time 18:30";

}  // namespace

int run_reminders_set(const Command& command, const RemindersSetOptions& options) {
  std::vector<std::string> names;
  const std::string days = trim(options.days);
  for (std::size_t start = 0; !days.empty();) {
    const auto comma = days.find(',', start);
    names.push_back(trim(std::string_view(days).substr(start, comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  auto weekdays = core::parse_weekdays(names, "--days");
  if (!weekdays) return command.fail(kExitUsage, "--days", weekdays.error().message());
  auto minute = core::parse_time_of_day(trim(options.time), "--time");
  if (!minute) return command.fail(kExitUsage, "--time", minute.error().message());

  int exit_code = kExitOk;
  std::optional<Account> account = open_account(command, options.database, exit_code);
  if (!account) return exit_code;
  storage::Store& store = *account->store;
  const storage::User& user = account->user;
  storage::Reminders reminders;
  reminders.user_id = user.id;
  reminders.weekdays = *weekdays;
  reminders.minute_of_day = *minute;
  reminders.updated_at = command.environment.now();
  if (auto ok = store.put_reminders(reminders); !ok) return store_failure(command, ok.error());
  if (*weekdays == 0) {
    command.out << "Reminders turned off: no day is chosen.\n";
  } else {
    command.out << "Reminders set: " << day_list(*weekdays) << " at "
                << core::format_time_of_day(*minute) << ".\n";
  }
  return kExitOk;
}

int run_reminders_show(const Command& command, const RemindersShowOptions& options) {
  int exit_code = kExitOk;
  std::optional<Account> account = open_account(command, options.database, exit_code);
  if (!account) return exit_code;
  storage::Store& store = *account->store;
  const storage::User& user = account->user;
  const auto reminders = load_reminders(command, store, user.id, exit_code);
  if (exit_code != kExitOk) return exit_code;
  if (!reminders || reminders->weekdays == 0) {
    command.out << "No reminders are set; " << kHowToSet << "\n";
    return kExitOk;
  }
  const std::string time = core::format_time_of_day(reminders->minute_of_day);
  command.out << "Reminders: " << day_list(reminders->weekdays) << " at " << time << ".\n";

  // Today by the local clock: the reminder time is local time too.
  const auto now = command.environment.now();
  const auto local = now + command.environment.utc_offset(now);
  const auto today = std::chrono::floor<std::chrono::days>(local);
  const core::ReminderSchedule schedule{reminders->weekdays, reminders->minute_of_day};
  const auto next = core::next_due_day(schedule, today);
  if (*next == today) {
    command.out << "Due today at " << time << ".\n";
  } else {
    const int weekday = static_cast<int>(std::chrono::weekday{*next}.iso_encoding());
    command.out << "Next: " << core::weekday_display_name(weekday) << " at " << time << ".\n";
  }
  command.out << (reminders->feed_token_hash.empty()
                      ? "Calendar link: off. Make one on the account page, or import the output "
                        "of: hipcoach reminders ics\n"
                      : "Calendar link: on. Make a new one or turn it off on the account page.\n");
  return kExitOk;
}

int run_reminders_ics(const Command& command, const RemindersShowOptions& options) {
  int exit_code = kExitOk;
  std::optional<Account> account = open_account(command, options.database, exit_code);
  if (!account) return exit_code;
  storage::Store& store = *account->store;
  const storage::User& user = account->user;
  const auto reminders = load_reminders(command, store, user.id, exit_code);
  if (exit_code != kExitOk) return exit_code;
  if (!reminders || reminders->weekdays == 0) {
    return command.fail(kExitInvalidData, "", "no reminders are set; " + std::string(kHowToSet));
  }
  const core::ReminderSchedule schedule{reminders->weekdays, reminders->minute_of_day};
  // A UID of its own, so that importing the file again replaces the event.
  command.out << core::reminder_calendar(
      schedule, "user-" + std::to_string(user.id) + "-reminders@hipcoach.local",
      command.environment.now());
  return kExitOk;
}

}  // namespace hipcoach::cli
