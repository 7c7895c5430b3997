#include "cli_database_test.h"

namespace hipcoach::cli {
namespace {

class RemindersCommand : public testing::CliDatabaseTest {
 protected:
  void SetUp() override { add_patient(); }
};

// The fixture's clock: 2026-11-25T14:00:00Z, at -06:00 08:00 on Wednesday.

TEST_F(RemindersCommand, SetsTheDaysAndTimeAndShowsThatOneIsDueToday) {
  ASSERT_EQ(run_as_patient({"reminders", "set", "--days", "fri,mon, wed", "--time", "18:30"}),
            kExitOk)
      << err();
  EXPECT_EQ(out(), "Reminders set: Monday, Wednesday and Friday at 18:30.\n");
  ASSERT_EQ(run_as_patient({"reminders", "show"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "Reminders: Monday, Wednesday and Friday at 18:30.\n"
            "Due today at 18:30.\n"
            "Calendar link: off. Make one on the account page, or import the output of: "
            "hipcoach reminders ics\n");
}

TEST_F(RemindersCommand, ShowsTheNextDayByTheLocalDate) {
  ASSERT_EQ(run_as_patient({"reminders", "set", "--days", "wed,sat", "--time", "07:05"}), kExitOk)
      << err();
  // 2026-11-26T03:00:00Z is still Wednesday at -06:00, but Thursday in UTC.
  now_ = utc("2026-11-26T03:00:00Z");
  ASSERT_EQ(run_as_patient({"reminders", "show"}), kExitOk) << err();
  EXPECT_NE(out().find("Due today at 07:05.\n"), std::string::npos) << out();
  offset_ = std::chrono::minutes{0};
  ASSERT_EQ(run_as_patient({"reminders", "show"}), kExitOk) << err();
  EXPECT_NE(out().find("Next: Saturday at 07:05.\n"), std::string::npos) << out();
}

TEST_F(RemindersCommand, SaysWhenNoneAreSet) {
  ASSERT_EQ(run_as_patient({"reminders", "show"}), kExitOk) << err();
  EXPECT_EQ(out(),
            "No reminders are set; choose days and a time with: hipcoach reminders set --days "
            "mon,wed,fri --time 18:30\n");
  EXPECT_EQ(run_as_patient({"reminders", "ics"}), kExitInvalidData);
  EXPECT_EQ(err(),
            "hipcoach reminders ics: no reminders are set; choose days and a time with: hipcoach "
            "reminders set --days mon,wed,fri --time 18:30\n");
  EXPECT_EQ(out(), "");
}

TEST_F(RemindersCommand, AnEmptyDayListTurnsTheRemindersOff) {
  ASSERT_EQ(run_as_patient({"reminders", "set", "--days", "mon", "--time", "18:30"}), kExitOk);
  ASSERT_EQ(run_as_patient({"reminders", "set", "--days", "", "--time", "18:30"}), kExitOk)
      << err();
  EXPECT_EQ(out(), "Reminders turned off: no day is chosen.\n");
  ASSERT_EQ(run_as_patient({"reminders", "show"}), kExitOk) << err();
  EXPECT_EQ(out().rfind("No reminders are set;", 0), 0U) << out();
}

TEST_F(RemindersCommand, PrintsTheCalendarToImport) {
  ASSERT_EQ(run_as_patient({"reminders", "set", "--days", "mon,wed,fri", "--time", "18:30"}),
            kExitOk);
  ASSERT_EQ(run_as_patient({"reminders", "ics"}), kExitOk) << err();
  const std::string calendar = out();
  EXPECT_EQ(calendar.rfind("BEGIN:VCALENDAR\r\n", 0), 0U) << calendar;
  EXPECT_NE(calendar.find("\r\nUID:user-1-reminders@hipcoach.local\r\n"), std::string::npos);
  EXPECT_NE(calendar.find("\r\nDTSTART:20261125T183000\r\n"), std::string::npos) << calendar;
  EXPECT_NE(calendar.find("\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR\r\n"), std::string::npos);
  EXPECT_NE(calendar.find("\r\nBEGIN:VALARM\r\n"), std::string::npos);
  EXPECT_EQ(calendar.substr(calendar.size() - 15), "END:VCALENDAR\r\n");
}

TEST_F(RemindersCommand, RefusesEachBadValueNamingItsOptionAndSavesNothing) {
  struct Row {
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<Row> rows = {
      {{"--days", "mon,funday", "--time", "18:30"},
       "--days: unknown day \"funday\"; expected one of mon, tue, wed, thu, fri, sat, sun"},
      {{"--days", "mon,wed,mon", "--time", "18:30"}, "--days: mon is listed twice"},
      {{"--days", "mon,,wed", "--time", "18:30"},
       "--days: unknown day \"\"; expected one of mon, tue, wed, thu, fri, sat, sun"},
      {{"--days", "mon", "--time", "25:00"}, "--time: the hour must be 00..23, got 25"},
      {{"--days", "mon", "--time", "7:5"},
       "--time: must be a 24-hour time HH:MM, like 07:05 or 18:30, got \"7:5\""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.error);
    std::vector<std::string> args = {"reminders", "set"};
    args.insert(args.end(), row.args.begin(), row.args.end());
    EXPECT_EQ(run_as_patient(args), kExitUsage);
    EXPECT_EQ(err(), "hipcoach reminders set: " + row.error + "\n");
  }
  ASSERT_EQ(run_as_patient({"reminders", "show"}), kExitOk);
  EXPECT_EQ(out().rfind("No reminders are set;", 0), 0U) << out();
  // A missing option is CLI11's usage error.
  EXPECT_EQ(run_as_patient({"reminders", "set", "--days", "mon"}), kExitUsage);
  EXPECT_NE(err().find("--time"), std::string::npos) << err();
}

}  // namespace
}  // namespace hipcoach::cli
