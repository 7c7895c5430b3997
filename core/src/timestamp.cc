#include "hipcoach/core/timestamp.h"

#include <fmt/format.h>

#include <cstdlib>

namespace hipcoach::core {
namespace {

constexpr std::string_view kExpected =
    "expected an RFC 3339 time with an offset, like 2026-11-25T08:30:00-06:00";

// Reads `count` digits at `pos`; false when any is not a digit.
bool digits(std::string_view text, std::size_t pos, std::size_t count, int& value) {
  if (pos + count > text.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

Error bad(std::string_view where, std::string_view what) {
  return Error::invalid_input(std::string(where),
                              std::string(what) + "; " + std::string(kExpected));
}

}  // namespace

Result<Timestamp> parse_timestamp(std::string_view text, std::string_view where) {
  using namespace std::chrono;
  if (text.size() > 64) return bad(where, "is too long");
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, year) || text.size() < 5 || text[4] != '-' ||
      !digits(text, 5, 2, month) || text.size() < 8 || text[7] != '-' || !digits(text, 8, 2, day)) {
    return bad(where, "does not start with a date YYYY-MM-DD");
  }
  if (text.size() < 11 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) {
    return bad(where, "has no time after the date");
  }
  if (!digits(text, 11, 2, hour) || text.size() < 14 || text[13] != ':' ||
      !digits(text, 14, 2, minute) || text.size() < 17 || text[16] != ':' ||
      !digits(text, 17, 2, second)) {
    return bad(where, "has no time of day hh:mm:ss");
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == first) return bad(where, "has a '.' without digits after the seconds");
  }
  minutes offset{0};
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    int offset_hours = 0, offset_minutes = 0;
    if (!digits(text, pos + 1, 2, offset_hours) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, offset_minutes)) {
      return bad(where, "has a malformed offset");
    }
    if (offset_hours > 23 || offset_minutes > 59) return bad(where, "has an offset out of range");
    offset = minutes{sign * (offset_hours * 60 + offset_minutes)};
    pos += 6;
  } else {
    return bad(where, "has no offset from UTC (Z or +hh:mm)");
  }
  if (pos != text.size()) return bad(where, "has text after the offset");

  if (year < kMinTimestampYear || year > kMaxTimestampYear) {
    return Error::invalid_input(
        std::string(where),
        fmt::format("must be in the years {}..{}", kMinTimestampYear, kMaxTimestampYear));
  }
  const year_month_day date{std::chrono::year{year}, std::chrono::month{unsigned(month)},
                            std::chrono::day{unsigned(day)}};
  if (!date.ok()) return bad(where, "names a date that does not exist");
  if (hour > 23 || minute > 59 || second > 60) return bad(where, "has a time of day out of range");
  if (second == 60) second = 59;

  const sys_seconds local =
      sys_days{date} + hours{hour} + std::chrono::minutes{minute} + seconds{second};
  return Timestamp{local - offset, offset};
}

std::string format_timestamp(std::chrono::sys_seconds utc, std::chrono::minutes offset) {
  using namespace std::chrono;
  const sys_seconds local = utc + offset;
  const sys_days day = floor<days>(local);
  const year_month_day date{day};
  const hh_mm_ss time{local - day};
  std::string text = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", int(date.year()),
                                 unsigned(date.month()), unsigned(date.day()), time.hours().count(),
                                 time.minutes().count(), time.seconds().count());
  if (offset.count() == 0) return text + "Z";
  const long total = std::labs(static_cast<long>(offset.count()));
  return text +
         fmt::format("{}{:02}:{:02}", offset.count() < 0 ? '-' : '+', total / 60, total % 60);
}

}  // namespace hipcoach::core
