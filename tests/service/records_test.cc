#include "hipcoach/service/records.h"

#include <gtest/gtest.h>

#include <vector>

namespace hipcoach::service {
namespace {

using nlohmann::json;

storage::DiaryEntry entry(std::int64_t id, std::string note, std::string at) {
  storage::DiaryEntry e;
  e.id = id;
  e.pain = static_cast<int>(id % 11);
  e.note = std::move(note);
  e.at = std::move(at);
  e.side = storage::Side::kRight;
  e.context = storage::PainContext::kActivity;
  return e;
}

TEST(DiaryPageJson, WritesTheSameBytesAsTheJsonLibrary) {
  const std::vector<storage::DiaryEntry> entries = {
      entry(1, "", "2026-11-25T08:30:00-06:00"),
      entry(2, "plain note, with commas", "2026-11-25T08:30:00Z"),
      entry(3, "quote \" backslash \\ newline \n tab \t bell \x07", "2026-11-25T08:30:00Z"),
      entry(4, "Schmerz nach dem Gehen – größer 🙂", "2026-11-25T08:30:00+01:00"),
      entry(5, "broken \xff\xfe utf-8 from a damaged database", "x\x01y"),
  };
  for (const auto& next : {std::optional<std::string>(), std::optional<std::string>("123.4")}) {
    json expected_entries = json::array();
    for (const auto& e : entries) expected_entries.push_back(to_json(e));
    const json expected = {{"entries", expected_entries},
                           {"next", next ? json(*next) : json(nullptr)}};
    const std::string written = diary_page_json(entries, next);
    EXPECT_EQ(written, expected.dump(-1, ' ', false, json::error_handler_t::replace));
    json parsed;
    EXPECT_NO_THROW(parsed = json::parse(written));
  }
  EXPECT_EQ(diary_page_json({}, std::nullopt), R"({"entries":[],"next":null})");
}

TEST(DiaryCursor, RoundTripsAndRefusesAnythingElse) {
  const storage::DiaryCursor cursor{std::chrono::sys_seconds{std::chrono::seconds{1764000000}}, 42};
  const auto decoded = decode_cursor(encode_cursor(cursor));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->at_utc, cursor.at_utc);
  EXPECT_EQ(decoded->id, 42);
  for (const char* bad :
       {"", ".", "1.", ".1", "a.b", "1.2.3", "1.-2", "99999999999999999999.1", "1.2 ", "+1.2"}) {
    SCOPED_TRACE(bad);
    const auto refused = decode_cursor(bad);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().where(), "before");
  }
}

TEST(DiaryEntryFromJson, DefaultsRegionAndTimeAndKeepsTheGivenTextVerbatim) {
  const auto now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + std::chrono::hours{9};
  const auto minimal =
      diary_entry_from_json({{"pain", 0}, {"context", "rest"}, {"side", "both"}}, 7, now);
  ASSERT_TRUE(minimal);
  EXPECT_EQ(minimal->user_id, 7);
  EXPECT_EQ(minimal->region, "outer_hip");
  EXPECT_EQ(minimal->at, "2026-11-25T09:00:00Z");
  EXPECT_EQ(minimal->at_utc, now);
  const auto given = diary_entry_from_json({{"pain", 10},
                                            {"context", "activity"},
                                            {"side", "left"},
                                            {"region", "buttock"},
                                            {"at", "2026-11-25T08:30:00.5-06:00"}},
                                           7, now + std::chrono::hours{6});
  ASSERT_TRUE(given);
  EXPECT_EQ(given->at, "2026-11-25T08:30:00.5-06:00");
  EXPECT_EQ(given->at_utc, now + std::chrono::minutes{330});
  EXPECT_EQ(given->region, "buttock");
}

}  // namespace
}  // namespace hipcoach::service
