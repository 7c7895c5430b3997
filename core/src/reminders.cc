#include "hipcoach/core/reminders.h"

#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>

#include "hipcoach/core/check.h"

namespace hipcoach::core {
namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 7> kNames = {"mon", "tue", "wed", "thu",
                                                    "fri", "sat", "sun"};
constexpr std::array<std::string_view, 7> kDisplayNames = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 7> kByDay = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
constexpr std::string_view kDayList = "mon, tue, wed, thu, fri, sat, sun";
constexpr std::string_view kTimeForm = "a 24-hour time HH:MM, like 07:05 or 18:30";
constexpr std::size_t kMaxFoldedOctets = 75;

// Quotes what the person typed when it is short and printable ASCII, else
// says how long it is: a message never carries a long or odd value.
std::string describe(std::string_view text) {
  bool printable = text.size() <= 12;
  for (const char c : text) printable = printable && c >= ' ' && c <= '~' && c != '"';
  if (printable) return "\"" + std::string(text) + "\"";
  return "a " + std::to_string(text.size()) + "-byte string";
}

int iso_weekday_of(sys_days day) { return static_cast<int>(weekday{day}.iso_encoding()); }

// 20261125 and 20261125T183000 as iCalendar writes dates and times.
std::string calendar_date(sys_days day) {
  const year_month_day date{day};
  return fmt::format("{:04}{:02}{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

}  // namespace

std::string_view weekday_name(int iso_weekday) {
  HIPCOACH_CHECK(iso_weekday >= 1 && iso_weekday <= 7);
  return kNames[static_cast<std::size_t>(iso_weekday - 1)];
}

std::string_view weekday_display_name(int iso_weekday) {
  HIPCOACH_CHECK(iso_weekday >= 1 && iso_weekday <= 7);
  return kDisplayNames[static_cast<std::size_t>(iso_weekday - 1)];
}

std::optional<int> parse_weekday(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<int>(i) + 1;
  }
  return std::nullopt;
}

Result<std::uint8_t> parse_weekdays(std::span<const std::string> names, std::string_view where) {
  std::uint8_t weekdays = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string item_where = fmt::format("{}/{}", where, i);
    const auto day = parse_weekday(names[i]);
    if (!day) {
      return Error::invalid_input(item_where, fmt::format("unknown day {}; expected one of {}",
                                                          describe(names[i]), kDayList));
    }
    const auto bit = static_cast<std::uint8_t>(1U << (*day - 1));
    if ((weekdays & bit) != 0) {
      return Error::invalid_input(item_where,
                                  fmt::format("{} is listed twice", weekday_name(*day)));
    }
    weekdays = static_cast<std::uint8_t>(weekdays | bit);
  }
  return weekdays;
}

std::vector<std::string_view> weekday_names(std::uint8_t weekdays) {
  std::vector<std::string_view> names;
  for (int day = 1; day <= 7; ++day) {
    if ((weekdays & (1U << (day - 1))) != 0) names.push_back(weekday_name(day));
  }
  return names;
}

Result<int> parse_time_of_day(std::string_view text, std::string_view where) {
  const auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 5 || !digit(0) || !digit(1) || text[2] != ':' || !digit(3) || !digit(4)) {
    return Error::invalid_input(std::string(where),
                                fmt::format("must be {}, got {}", kTimeForm, describe(text)));
  }
  const int hour = (text[0] - '0') * 10 + (text[1] - '0');
  const int minute = (text[3] - '0') * 10 + (text[4] - '0');
  if (hour > 23) {
    return Error::invalid_input(std::string(where),
                                fmt::format("the hour must be 00..23, got {:02}", hour));
  }
  if (minute > 59) {
    return Error::invalid_input(std::string(where),
                                fmt::format("the minutes must be 00..59, got {:02}", minute));
  }
  return hour * 60 + minute;
}

std::string format_time_of_day(int minute_of_day) {
  HIPCOACH_CHECK(minute_of_day >= 0 && minute_of_day < kMinutesPerDay);
  return fmt::format("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60);
}

Result<ReminderSchedule> reminder_schedule_from_json(const nlohmann::json& body) {
  if (!body.is_object()) {
    return Error::invalid_input("/", R"(must be a JSON object {"days": [...], "time": "HH:MM"})");
  }
  for (const auto& item : body.items()) {
    if (item.key() != "days" && item.key() != "time") {
      // A JSON Pointer escapes "~" and "/" in a member name.
      std::string pointer = "/";
      for (const char c : item.key()) {
        if (c == '~') {
          pointer += "~0";
        } else if (c == '/') {
          pointer += "~1";
        } else {
          pointer += c;
        }
      }
      return Error::invalid_input(pointer, "unknown member; expected only days and time");
    }
  }
  ReminderSchedule schedule;
  const auto days = body.find("days");
  if (days == body.end() || !days->is_array()) {
    return Error::invalid_input(
        "/days", "is required: an array of day names (" + std::string(kDayList) + ")");
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < days->size(); ++i) {
    const auto& item = (*days)[i];
    if (!item.is_string()) {
      return Error::invalid_input(fmt::format("/days/{}", i),
                                  fmt::format("must be a day name ({})", kDayList));
    }
    names.push_back(item.get<std::string>());
  }
  auto weekdays = parse_weekdays(names, "/days");
  if (!weekdays) return weekdays.error();
  schedule.weekdays = *weekdays;

  const auto time = body.find("time");
  if (time == body.end() || !time->is_string()) {
    return Error::invalid_input("/time", fmt::format("is required: {}", kTimeForm));
  }
  auto minute = parse_time_of_day(time->get_ref<const std::string&>(), "/time");
  if (!minute) return minute.error();
  schedule.minute_of_day = *minute;
  return schedule;
}

bool is_due_on(const ReminderSchedule& schedule, int iso_weekday) {
  if (iso_weekday < 1 || iso_weekday > 7) return false;
  return (schedule.weekdays & (1U << (iso_weekday - 1))) != 0;
}

std::optional<sys_days> next_due_day(const ReminderSchedule& schedule, sys_days from) {
  for (int ahead = 0; ahead < 7; ++ahead) {
    const sys_days day = from + days{ahead};
    if (is_due_on(schedule, iso_weekday_of(day))) return day;
  }
  return std::nullopt;
}

std::string escape_calendar_text(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
        escaped += "\\\\";
        break;
      case ';':
        escaped += "\\;";
        break;
      case ',':
        escaped += "\\,";
        break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        escaped += "\\n";
        break;
      case '\n':
        escaped += "\\n";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string fold_content_line(std::string_view line) {
  std::string folded;
  folded.reserve(line.size() + line.size() / 64 * 3 + 2);
  // The first line holds 75 octets; each continuation line holds the space
  // and 74 more.
  std::size_t room = kMaxFoldedOctets;
  while (line.size() > room) {
    std::size_t cut = room;
    // Back up to the start of a UTF-8 sequence (a byte that is not 10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    if (cut == 0) cut = room;  // Not UTF-8 at all: cut where the octets run out.
    folded.append(line.substr(0, cut));
    folded += "\r\n ";
    line.remove_prefix(cut);
    room = kMaxFoldedOctets - 1;
  }
  folded.append(line);
  folded += "\r\n";
  return folded;
}

std::string reminder_calendar(const ReminderSchedule& schedule, std::string_view uid,
                              sys_seconds now, const ReminderCalendarText& text) {
  HIPCOACH_CHECK(schedule.minute_of_day >= 0 && schedule.minute_of_day < kMinutesPerDay);
  std::string out;
  const auto line = [&out](std::string_view name, std::string_view value) {
    out += fold_content_line(std::string(name) + ":" + std::string(value));
  };
  line("BEGIN", "VCALENDAR");
  line("VERSION", "2.0");
  line("PRODID", escape_calendar_text(text.product_id));
  line("CALSCALE", "GREGORIAN");
  line("METHOD", "PUBLISH");
  line("X-WR-CALNAME", escape_calendar_text(text.calendar_name));
  // How often a subscriber should fetch the feed again (RFC 7986, and the
  // older name that Outlook and others read).
  line("REFRESH-INTERVAL;VALUE=DURATION", "PT12H");
  line("X-PUBLISHED-TTL", "PT12H");
  const sys_days today = floor<days>(now);
  if (const auto first = next_due_day(schedule, today)) {
    const hh_mm_ss stamp{now - today};
    std::string by_day;
    for (int day = 1; day <= 7; ++day) {
      if (!is_due_on(schedule, day)) continue;
      if (!by_day.empty()) by_day += ",";
      by_day += kByDay[static_cast<std::size_t>(day - 1)];
    }
    line("BEGIN", "VEVENT");
    line("UID", escape_calendar_text(uid));
    line("DTSTAMP", fmt::format("{}T{:02}{:02}{:02}Z", calendar_date(today), stamp.hours().count(),
                                stamp.minutes().count(), stamp.seconds().count()));
    line("DTSTART", fmt::format("{}T{:02}{:02}00", calendar_date(*first),
                                schedule.minute_of_day / 60, schedule.minute_of_day % 60));
    line("DURATION", "PT15M");
    line("RRULE", "FREQ=WEEKLY;BYDAY=" + by_day);
    line("SUMMARY", escape_calendar_text(text.summary));
    line("DESCRIPTION", escape_calendar_text(text.description));
    line("TRANSP", "TRANSPARENT");
    line("BEGIN", "VALARM");
    line("ACTION", "DISPLAY");
    line("DESCRIPTION", escape_calendar_text(text.summary));
    line("TRIGGER", "PT0M");
    line("END", "VALARM");
    line("END", "VEVENT");
  }
  line("END", "VCALENDAR");
  return out;
}

}  // namespace hipcoach::core
