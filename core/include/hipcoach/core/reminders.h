// Reminders: the weekdays and the time of day a person chose for their
// self-care session, and the iCalendar feed (RFC 5545) that a phone's
// calendar subscribes to, so that the phone itself gives the alarm.
//
// Pure functions; thread-safe. Nothing here reads the clock: the date and
// time come in as arguments.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/result.h"

namespace hipcoach::core {

inline constexpr int kMinutesPerDay = 24 * 60;
// Every weekday bit set: Monday to Sunday.
inline constexpr std::uint8_t kEveryWeekday = 0x7f;

struct ReminderSchedule {
  // Bit 0 = Monday ... bit 6 = Sunday; bit 7 is never set. Default: no day,
  // which means no reminder.
  std::uint8_t weekdays = 0;
  // The local time of day, in minutes after midnight: 0..kMinutesPerDay-1.
  // Default: 0 (00:00).
  int minute_of_day = 0;

  friend bool operator==(const ReminderSchedule&, const ReminderSchedule&) = default;
};

// The three-letter lowercase name of an ISO weekday (1 = Monday ... 7 =
// Sunday): "mon" ... "sun". REQUIRES: 1 <= iso_weekday <= 7.
std::string_view weekday_name(int iso_weekday);
// The English name for people: "Monday" ... "Sunday". REQUIRES: as above.
std::string_view weekday_display_name(int iso_weekday);
// The ISO weekday of a name from weekday_name ("mon" -> 1); std::nullopt for
// any other text (names are lowercase).
std::optional<int> parse_weekday(std::string_view name);

// The weekday bits of `names`, each a name from weekday_name, in any order.
// kInvalidInput, where `where` + "/" + the index (e.g. "/days/2"), for an
// unknown name or one given twice; the message quotes a short name and
// describes a long one.
Result<std::uint8_t> parse_weekdays(std::span<const std::string> names, std::string_view where);
// The names of the days in `weekdays`, Monday first.
std::vector<std::string_view> weekday_names(std::uint8_t weekdays);

// Parses a 24-hour time "HH:MM" (exactly two digits each, 00:00..23:59) into
// minutes after midnight. kInvalidInput at `where` otherwise, e.g. for
// "7:5", "25:00" or "18:30:00".
Result<int> parse_time_of_day(std::string_view text, std::string_view where);
// "HH:MM" for minutes after midnight. REQUIRES: 0 <= minute_of_day < kMinutesPerDay.
std::string format_time_of_day(int minute_of_day);

// Reads {"days": ["mon", ...], "time": "HH:MM"}: both required, no other
// member. kInvalidInput with the JSON Pointer of the first problem ("/",
// "/days", "/days/1", "/time", or "/name" for an unknown member). An empty
// list of days is valid: no reminder.
Result<ReminderSchedule> reminder_schedule_from_json(const nlohmann::json& body);

// Whether the schedule has a reminder on `iso_weekday` (1 = Monday ... 7 =
// Sunday; false for any other number).
bool is_due_on(const ReminderSchedule& schedule, int iso_weekday);
// The first day on or after `from` (a local date) with a reminder;
// std::nullopt when the schedule has no day.
std::optional<std::chrono::sys_days> next_due_day(const ReminderSchedule& schedule,
                                                  std::chrono::sys_days from);

// The fixed texts of the calendar. The defaults are what HipCoach sends; no
// text may hold anything about the person's health.
struct ReminderCalendarText {
  // PRODID. Default: "-//HipCoach//Reminders 1.0//EN".
  std::string_view product_id = "-//HipCoach//Reminders 1.0//EN";
  // X-WR-CALNAME, the name the calendar app shows. Default: "HipCoach reminders".
  std::string_view calendar_name = "HipCoach reminders";
  // The event's SUMMARY and the alarm's DESCRIPTION.
  std::string_view summary = "HipCoach: tender-spot session";
  // The event's DESCRIPTION.
  std::string_view description =
      "Time for your tender-spot session. Rate your pain from 0 to 10 before and after it. "
      "Stop at once if you feel tingling, numbness or a shooting pain, and see a clinician if "
      "that happens, if the pain gets worse, or if it is not improving.";
};

// The iCalendar text (RFC 5545) of `schedule`: a VCALENDAR (VERSION:2.0,
// PRODID, CALSCALE:GREGORIAN, METHOD:PUBLISH, X-WR-CALNAME, and a refresh
// interval of 12 hours) with one weekly VEVENT: UID `uid`, DTSTAMP `now` in
// UTC, DTSTART a floating local date-time (no "Z", no TZID, so that the
// phone's own time zone applies, as a daily-routine reminder wants) at the
// schedule's time on the first day of the schedule on or after the UTC date
// of `now`, DURATION:PT15M, RRULE:FREQ=WEEKLY;BYDAY=..., and a VALARM that
// shows the summary at the start. A schedule without days gives a valid
// calendar without VEVENT.
//
// The start date comes from `now` in UTC: the server does not know the
// subscriber's zone. East or west of UTC the first occurrence may then be a
// day early or late relative to the local date; the weekly rule fixes every
// later one, and a first occurrence already past is simply not alarmed.
//
// Lines end in CRLF and are folded at 75 octets, never inside a UTF-8
// sequence; TEXT values escape backslash, ";", "," and newlines. The result
// holds only the texts above and the schedule.
// REQUIRES: schedule.minute_of_day in 0..kMinutesPerDay-1.
std::string reminder_calendar(const ReminderSchedule& schedule, std::string_view uid,
                              std::chrono::sys_seconds now, const ReminderCalendarText& text = {});

// The content line `line` (without its CRLF) folded as RFC 5545 section 3.1
// says: at most 75 octets per line, continuation lines starting with one
// space, never splitting a UTF-8 sequence. Each line, the last too, ends in
// CRLF.
std::string fold_content_line(std::string_view line);
// `text` as an iCalendar TEXT value: "\" -> "\\", ";" -> "\;", "," -> "\,",
// a newline (LF, CRLF or CR) -> "\n".
std::string escape_calendar_text(std::string_view text);

}  // namespace hipcoach::core
