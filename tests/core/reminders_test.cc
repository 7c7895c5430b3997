#include "hipcoach/core/reminders.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hipcoach::core {
namespace {

using namespace std::chrono;
using nlohmann::json;

sys_seconds utc(int y, unsigned m, unsigned d, int h, int min, int s) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min} + seconds{s};
}

sys_days date(int y, unsigned m, unsigned d) { return sys_days{year{y} / month{m} / day{d}}; }

// The lines joined as iCalendar writes them: each one ends in CRLF.
std::string crlf(std::initializer_list<std::string_view> lines) {
  std::string text;
  for (const auto line : lines) {
    text += line;
    text += "\r\n";
  }
  return text;
}

constexpr std::uint8_t kMonWedFri = 0b0010101;

TEST(Reminders, NamesTheWeekdaysMondayFirst) {
  EXPECT_EQ(weekday_name(1), "mon");
  EXPECT_EQ(weekday_name(7), "sun");
  EXPECT_EQ(weekday_display_name(3), "Wednesday");
  EXPECT_EQ(parse_weekday("fri"), 5);
  EXPECT_EQ(parse_weekday("Fri"), std::nullopt);
  EXPECT_EQ(weekday_names(kMonWedFri), (std::vector<std::string_view>{"mon", "wed", "fri"}));
}

TEST(Reminders, ReadsDayNamesInAnyOrder) {
  const std::vector<std::string> names = {"fri", "mon", "wed"};
  const auto weekdays = parse_weekdays(names, "/days");
  ASSERT_TRUE(weekdays) << weekdays.error().to_string();
  EXPECT_EQ(*weekdays, kMonWedFri);
}

TEST(Reminders, RefusesAnUnknownDayNamingItsIndex) {
  const std::vector<std::string> names = {"mon", "wed", "funday"};
  const auto weekdays = parse_weekdays(names, "/days");
  ASSERT_FALSE(weekdays);
  EXPECT_EQ(weekdays.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(weekdays.error().where(), "/days/2");
  EXPECT_EQ(weekdays.error().message(),
            "unknown day \"funday\"; expected one of mon, tue, wed, thu, fri, sat, sun");
}

TEST(Reminders, DescribesALongUnknownDayInsteadOfQuotingIt) {
  const std::vector<std::string> names = {std::string(40, 'x')};
  const auto weekdays = parse_weekdays(names, "--days");
  ASSERT_FALSE(weekdays);
  EXPECT_EQ(weekdays.error().where(), "--days/0");
  EXPECT_EQ(weekdays.error().message(),
            "unknown day a 40-byte string; expected one of mon, tue, wed, thu, fri, sat, sun");
}

TEST(Reminders, RefusesADayListedTwice) {
  const std::vector<std::string> names = {"mon", "wed", "mon"};
  const auto weekdays = parse_weekdays(names, "/days");
  ASSERT_FALSE(weekdays);
  EXPECT_EQ(weekdays.error().where(), "/days/2");
  EXPECT_EQ(weekdays.error().message(), "mon is listed twice");
}

TEST(Reminders, ReadsAndWritesTwentyFourHourTimes) {
  EXPECT_EQ(parse_time_of_day("00:00", "/time").value(), 0);
  EXPECT_EQ(parse_time_of_day("18:30", "/time").value(), 18 * 60 + 30);
  EXPECT_EQ(parse_time_of_day("23:59", "/time").value(), kMinutesPerDay - 1);
  EXPECT_EQ(format_time_of_day(7 * 60 + 5), "07:05");
  EXPECT_EQ(format_time_of_day(0), "00:00");
}

TEST(Reminders, RefusesTimesThatAreNotHhMm) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& bad : {
           Case{"25:00", "the hour must be 00..23, got 25"},
           Case{"24:00", "the hour must be 00..23, got 24"},
           Case{"18:60", "the minutes must be 00..59, got 60"},
           Case{"7:5", "must be a 24-hour time HH:MM, like 07:05 or 18:30, got \"7:5\""},
           Case{"07:05:00", "must be a 24-hour time HH:MM, like 07:05 or 18:30, got \"07:05:00\""},
           Case{"", "must be a 24-hour time HH:MM, like 07:05 or 18:30, got \"\""},
           Case{"6pm", "must be a 24-hour time HH:MM, like 07:05 or 18:30, got \"6pm\""},
           Case{"18.30", "must be a 24-hour time HH:MM, like 07:05 or 18:30, got \"18.30\""},
       }) {
    SCOPED_TRACE(bad.text);
    const auto minute = parse_time_of_day(bad.text, "/time");
    ASSERT_FALSE(minute);
    EXPECT_EQ(minute.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(minute.error().where(), "/time");
    EXPECT_EQ(minute.error().message(), bad.message);
  }
}

TEST(Reminders, ReadsAScheduleFromJson) {
  const auto schedule = reminder_schedule_from_json(
      json::parse(R"({"days": ["mon", "wed", "fri"], "time": "18:30"})"));
  ASSERT_TRUE(schedule) << schedule.error().to_string();
  EXPECT_EQ(*schedule, (ReminderSchedule{kMonWedFri, 18 * 60 + 30}));
}

TEST(Reminders, AnEmptyListOfDaysIsNoReminder) {
  const auto schedule =
      reminder_schedule_from_json(json::parse(R"({"days": [], "time": "08:00"})"));
  ASSERT_TRUE(schedule) << schedule.error().to_string();
  EXPECT_EQ(schedule->weekdays, 0);
}

TEST(Reminders, RefusesJsonOfTheWrongShapeWithTheWhere) {
  struct Case {
    const char* body;
    const char* where;
  };
  for (const Case& bad : {
           Case{R"([])", "/"},
           Case{R"("mon")", "/"},
           Case{R"({"time": "18:30"})", "/days"},
           Case{R"({"days": "mon", "time": "18:30"})", "/days"},
           Case{R"({"days": ["mon", 2], "time": "18:30"})", "/days/1"},
           Case{R"({"days": ["mon", null], "time": "18:30"})", "/days/1"},
           Case{R"({"days": ["mon", "mon"], "time": "18:30"})", "/days/1"},
           Case{R"({"days": ["sunday"], "time": "18:30"})", "/days/0"},
           Case{R"({"days": ["mon"]})", "/time"},
           Case{R"({"days": ["mon"], "time": null})", "/time"},
           Case{R"({"days": ["mon"], "time": 1830})", "/time"},
           Case{R"({"days": ["mon"], "time": "25:00"})", "/time"},
           Case{R"({"days": ["mon"], "time": "7:5"})", "/time"},
           Case{R"({"days": ["mon"], "time": "18:30", "zone": "UTC"})", "/zone"},
           Case{R"({"days": ["mon"], "time": "18:30", "a/b": 1})", "/a~1b"},
       }) {
    SCOPED_TRACE(bad.body);
    const auto schedule = reminder_schedule_from_json(json::parse(bad.body));
    ASSERT_FALSE(schedule);
    EXPECT_EQ(schedule.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(schedule.error().where(), bad.where);
  }
}

TEST(Reminders, IsDueOnlyOnTheChosenWeekdays) {
  const ReminderSchedule schedule{kMonWedFri, 18 * 60 + 30};
  EXPECT_TRUE(is_due_on(schedule, 1));
  EXPECT_FALSE(is_due_on(schedule, 2));
  EXPECT_TRUE(is_due_on(schedule, 3));
  EXPECT_TRUE(is_due_on(schedule, 5));
  EXPECT_FALSE(is_due_on(schedule, 7));
  EXPECT_FALSE(is_due_on(schedule, 0));
  EXPECT_FALSE(is_due_on(schedule, 8));
}

TEST(Reminders, FindsTheNextDueDayFromAGivenDate) {
  const ReminderSchedule schedule{kMonWedFri, 18 * 60 + 30};
  // 2026-11-25 is a Wednesday.
  EXPECT_EQ(next_due_day(schedule, date(2026, 11, 25)), date(2026, 11, 25));
  EXPECT_EQ(next_due_day(schedule, date(2026, 11, 26)), date(2026, 11, 27));
  EXPECT_EQ(next_due_day(schedule, date(2026, 11, 28)), date(2026, 11, 30));
  EXPECT_EQ(next_due_day(ReminderSchedule{}, date(2026, 11, 25)), std::nullopt);
}

TEST(Reminders, WritesTheCalendarOfASchedule) {
  const ReminderSchedule schedule{kMonWedFri, 18 * 60 + 30};
  // A Thursday: the first session is on Friday.
  const std::string calendar =
      reminder_calendar(schedule, "abc123@hipcoach", utc(2026, 11, 26, 9, 15, 7));
  EXPECT_EQ(calendar,
            crlf({
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//HipCoach//Reminders 1.0//EN",
                "CALSCALE:GREGORIAN",
                "METHOD:PUBLISH",
                "X-WR-CALNAME:HipCoach reminders",
                "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
                "X-PUBLISHED-TTL:PT12H",
                "BEGIN:VEVENT",
                "UID:abc123@hipcoach",
                "DTSTAMP:20261126T091507Z",
                "DTSTART:20261127T183000",
                "DURATION:PT15M",
                "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR",
                "SUMMARY:HipCoach: tender-spot session",
                "DESCRIPTION:Time for your tender-spot session. Rate your pain from 0 to 10 ",
                R"( before and after it. Stop at once if you feel tingling\, numbness or a sho)",
                R"( oting pain\, and see a clinician if that happens\, if the pain gets worse\)",
                " , or if it is not improving.",
                "TRANSP:TRANSPARENT",
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                "DESCRIPTION:HipCoach: tender-spot session",
                "TRIGGER:PT0M",
                "END:VALARM",
                "END:VEVENT",
                "END:VCALENDAR",
            }));
}

TEST(Reminders, StartsOnTheSameDayWhenTodayIsADueDay) {
  const ReminderSchedule schedule{0b1000000, 7 * 60 + 5};  // Sundays at 07:05.
  // 2026-11-29 is a Sunday; the start is that day even after 07:05 UTC.
  const std::string calendar = reminder_calendar(schedule, "u", utc(2026, 11, 29, 23, 0, 0));
  EXPECT_NE(calendar.find("\r\nDTSTART:20261129T070500\r\n"), std::string::npos) << calendar;
  EXPECT_NE(calendar.find("\r\nRRULE:FREQ=WEEKLY;BYDAY=SU\r\n"), std::string::npos) << calendar;
}

TEST(Reminders, AScheduleWithoutDaysIsACalendarWithoutEvents) {
  const std::string calendar =
      reminder_calendar(ReminderSchedule{0, 18 * 60}, "u", utc(2026, 11, 26, 9, 0, 0));
  EXPECT_EQ(calendar, crlf({
                          "BEGIN:VCALENDAR",
                          "VERSION:2.0",
                          "PRODID:-//HipCoach//Reminders 1.0//EN",
                          "CALSCALE:GREGORIAN",
                          "METHOD:PUBLISH",
                          "X-WR-CALNAME:HipCoach reminders",
                          "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
                          "X-PUBLISHED-TTL:PT12H",
                          "END:VCALENDAR",
                      }));
}

TEST(Reminders, EscapesTextValues) {
  EXPECT_EQ(escape_calendar_text("a\\b;c,d\ne\r\nf\rg"), R"(a\\b\;c\,d\ne\nf\ng)");
  ReminderCalendarText text;
  text.calendar_name = "Ana's; list, \"hip\"\nnew";
  const std::string calendar =
      reminder_calendar(ReminderSchedule{}, "u", utc(2026, 11, 26, 9, 0, 0), text);
  EXPECT_NE(calendar.find("\r\nX-WR-CALNAME:Ana's\\; list\\, \"hip\"\\nnew\r\n"), std::string::npos)
      << calendar;
}

TEST(Reminders, LeavesAShortLineWhole) {
  EXPECT_EQ(fold_content_line("SUMMARY:short"), "SUMMARY:short\r\n");
  const std::string exactly75(75, 'a');
  EXPECT_EQ(fold_content_line(exactly75), exactly75 + "\r\n");
}

TEST(Reminders, FoldsALongLineAtSeventyFiveOctets) {
  const std::string line(75 + 74 + 10, 'a');
  EXPECT_EQ(fold_content_line(line), std::string(75, 'a') + "\r\n " + std::string(74, 'a') +
                                         "\r\n " + std::string(10, 'a') + "\r\n");
}

TEST(Reminders, NeverSplitsAUtf8SequenceWhenFolding) {
  // 74 ASCII octets, then "é" (2 octets): the 75th and 76th octets are one
  // character, so the first line stops before it.
  const std::string line = std::string(74, 'a') + "\xC3\xA9" + "bc";
  EXPECT_EQ(fold_content_line(line), std::string(74, 'a') + "\r\n \xC3\xA9" + "bc\r\n");
  // A 4-octet character straddling the second fold.
  const std::string emoji = std::string(75 + 72, 'a') + "\xF0\x9F\x98\x80" + "z";
  EXPECT_EQ(fold_content_line(emoji), std::string(75, 'a') + "\r\n " + std::string(72, 'a') +
                                          "\r\n \xF0\x9F\x98\x80" + "z\r\n");
}

TEST(Reminders, EveryCalendarLineFitsInSeventyFiveOctets) {
  const std::string description = "Über die Hüfte, ähnlich; öfter\n" + std::string(300, 'x');
  ReminderCalendarText text;
  text.description = description;
  const std::string calendar =
      reminder_calendar(ReminderSchedule{kEveryWeekday, 0}, "u", utc(2026, 11, 26, 9, 0, 0), text);
  std::size_t start = 0;
  while (start < calendar.size()) {
    const auto end = calendar.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 75U) << calendar.substr(start, end - start);
    start = end + 2;
  }
  EXPECT_NE(calendar.find("BYDAY=MO,TU,WE,TH,FR,SA,SU"), std::string::npos);
}

}  // namespace
}  // namespace hipcoach::core
