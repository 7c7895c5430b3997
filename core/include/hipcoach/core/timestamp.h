// Times as people give them: RFC 3339 with an offset from UTC, e.g.
// "2026-11-25T08:30:00-06:00" or "2026-11-25T14:30:00.250Z".
//
// Pure functions; thread-safe. Nothing here reads the clock.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "hipcoach/core/result.h"

namespace hipcoach::core {

struct Timestamp {
  std::chrono::sys_seconds utc;  // The instant, fractions of a second dropped.
  std::chrono::minutes offset;   // Local time minus UTC: -06:00 is -360 min.
};

// The earliest and latest years accepted.
inline constexpr int kMinTimestampYear = 1900;
inline constexpr int kMaxTimestampYear = 9999;

// Parses `text` as an RFC 3339 date-time: YYYY-MM-DD, "T" (or "t" or a
// space), hh:mm:ss, optional fraction, then "Z" or ±hh:mm. The date must
// exist (no 31 November, 29 February only in leap years); a leap second
// (:60) counts as :59. Years kMinTimestampYear..kMaxTimestampYear.
// Returns kInvalidInput with `where` and a message that says what is wrong
// and shows the expected form; the message never copies the text.
Result<Timestamp> parse_timestamp(std::string_view text, std::string_view where);

// Formats `utc` in local time at `offset`: "2026-11-25T08:30:00-06:00", or
// "...Z" when the offset is zero. REQUIRES: |offset| < 24 h.
std::string format_timestamp(std::chrono::sys_seconds utc,
                             std::chrono::minutes offset = std::chrono::minutes{0});

}  // namespace hipcoach::core
