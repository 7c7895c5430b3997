#include "hipcoach/core/timestamp.h"

#include <gtest/gtest.h>

namespace hipcoach::core {
namespace {

using namespace std::chrono;

sys_seconds utc(int y, unsigned m, unsigned d, int h, int min, int s) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min} + seconds{s};
}

TEST(Timestamp, ReadsAnOffsetAndConvertsToUtc) {
  const auto parsed = parse_timestamp("2026-11-25T08:30:00-06:00", "/at");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->utc, utc(2026, 11, 25, 14, 30, 0));
  EXPECT_EQ(parsed->offset, minutes{-360});
}

TEST(Timestamp, ReadsZuluFractionsLowercaseAndSpace) {
  EXPECT_EQ(parse_timestamp("2026-11-25T14:30:00.250Z", "")->utc, utc(2026, 11, 25, 14, 30, 0));
  EXPECT_EQ(parse_timestamp("2026-11-25t14:30:00z", "")->utc, utc(2026, 11, 25, 14, 30, 0));
  EXPECT_EQ(parse_timestamp("2026-11-25 14:30:00+05:45", "")->utc, utc(2026, 11, 25, 8, 45, 0));
  EXPECT_EQ(parse_timestamp("2016-12-31T23:59:60Z", "")->utc, utc(2016, 12, 31, 23, 59, 59));
}

TEST(Timestamp, CrossesDayAndYearBoundaries) {
  EXPECT_EQ(parse_timestamp("2026-12-31T23:30:00-01:00", "")->utc, utc(2027, 1, 1, 0, 30, 0));
  EXPECT_EQ(parse_timestamp("2028-02-29T00:00:00+00:00", "")->utc, utc(2028, 2, 29, 0, 0, 0));
}

TEST(Timestamp, RefusesWhatIsNotRfc3339WithTheWhereAndWithoutTheText) {
  for (const char* bad :
       {"", "2026-11-25", "2026-11-25T08:30", "2026-11-25T08:30:00", "2026-11-25T08:30:00+6",
        "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-31T00:00:00Z",
        "2026-11-25T24:00:00Z", "2026-11-25T08:60:00Z", "2026-11-25T08:30:00+24:00",
        "2026-11-25T08:30:00Zjunk", "1899-12-31T23:59:59Z", "2026-11-25T08:30:00.Z",
        "secret-11-25T08:30:00Z", "２０２６-11-25T08:30:00Z"}) {
    SCOPED_TRACE(bad);
    const auto parsed = parse_timestamp(bad, "/at");
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().where(), "/at");
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(parsed.error().message().find("secret"), std::string::npos);
  }
}

TEST(Timestamp, FormatsInLocalTimeAndRoundTrips) {
  EXPECT_EQ(format_timestamp(utc(2026, 11, 25, 14, 30, 0)), "2026-11-25T14:30:00Z");
  EXPECT_EQ(format_timestamp(utc(2026, 11, 25, 14, 30, 0), minutes{-360}),
            "2026-11-25T08:30:00-06:00");
  EXPECT_EQ(format_timestamp(utc(2026, 11, 25, 14, 30, 0), minutes{345}),
            "2026-11-25T20:15:00+05:45");
  for (const char* text :
       {"2026-11-25T08:30:00-06:00", "2026-01-01T00:00:00Z", "1900-01-01T00:00:00+01:00"}) {
    const auto parsed = parse_timestamp(text, "");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(format_timestamp(parsed->utc, parsed->offset), text);
  }
}

}  // namespace
}  // namespace hipcoach::core
