#include "hipcoach/service/summary.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "hipcoach/core/codec.h"
#include "hipcoach/core/triage.h"
#include "hipcoach/service/records.h"
#include "hipcoach/service/session_log.h"
#include "hipcoach/service/summary_pdf.h"
#include "hipcoach/storage/memory_store.h"
#include "records_fixture.h"

namespace hipcoach::service {
namespace {

using nlohmann::json;
using testing::shipped_protocol;
using testing::utc;

// Page objects: "/Type /Page" not followed by the "s" of "/Type /Pages".
std::size_t page_count(std::string_view pdf) {
  std::size_t count = 0;
  for (std::size_t at = pdf.find("/Type /Page"); at != std::string_view::npos;
       at = pdf.find("/Type /Page", at + 1)) {
    const std::size_t next = at + std::string_view("/Type /Page").size();
    if (next < pdf.size() && pdf[next] != 's') ++count;
  }
  return count;
}

// A person with a triage that found a red flag, a month of pain ratings
// going down, two LEFS responses and two guided sessions, one stopped.
class SummaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::User user;
    user.email = "pat@example.org";
    user.password_hash = "hash";
    user.created_at = utc("2026-10-01T00:00:00Z");
    user_id_ = store_.create_user(user)->id;
  }

  void add_triage(const json& red_flags, const std::string& at) {
    const json answers = {{"age", 54},
                          {"side", "right"},
                          {"locations", {"outer_hip"}},
                          {"pain_now", 4},
                          {"worst_pain_week", 6},
                          {"duration_weeks", 8},
                          {"aggravators", {"lying_on_side"}},
                          {"red_flags", red_flags},
                          {"cautions", json::array()}};
    auto parsed = core::answers_from_json(answers);
    ASSERT_TRUE(parsed) << parsed.error().to_string();
    const core::TriageResult result = core::evaluate_triage(shipped_protocol(), *parsed);
    storage::SavedTriage triage;
    triage.user_id = user_id_;
    triage.created_at = utc(at);
    triage.answers_json = answers.dump();
    triage.result_json = core::to_json(shipped_protocol(), result).dump();
    ASSERT_TRUE(store_.save_triage(triage));
  }

  void add_pain(int pain, const std::string& at, const std::string& note = "") {
    json body = {{"pain", pain}, {"context", "rest"}, {"side", "right"}, {"at", at}};
    if (!note.empty()) body["note"] = note;
    auto entry = diary_entry_from_json(body, user_id_, now_);
    ASSERT_TRUE(entry) << entry.error().to_string();
    ASSERT_TRUE(store_.add_diary_entry(*entry));
  }

  void add_session(const std::string& started, const std::string& ended,
                   const std::string& stop_rule) {
    const json body = {{"started_at", started},
                       {"ended_at", ended},
                       {"pain_before", 5},
                       {"pain_after", 3},
                       {"record",
                        {{"outcome", stop_rule.empty() ? "finished" : "stopped"},
                         {"sides", {"right"}},
                         {"groups", {"tensor-fasciae-latae"}},
                         {"points",
                          {{{"side", "right"},
                            {"group", "tensor-fasciae-latae"},
                            {"area", "tfl-band"},
                            {"held_seconds", 90},
                            {"stop_rule", ""}}}},
                         {"stop_rule", stop_rule},
                         {"red_flags", json::array()}}}};
    auto logged =
        log_session(shipped_protocol(), store_, body, user_id_, now_, RecordCheck::kAlways);
    ASSERT_TRUE(logged) << logged.error().to_string();
  }

  void fill() {
    add_triage({"fever_or_unwell"}, "2026-10-20T09:00:00Z");
    for (int day = 0; day < 28; day += 2) {
      const int pain = 8 - day / 4;
      add_pain(pain, fmt_day(day) + "T08:00:00Z");
    }
    add_session("2026-11-02T18:00:00Z", "2026-11-02T18:20:00Z", "");
    add_session("2026-11-10T18:00:00Z", "2026-11-10T18:10:00Z", "tingling-or-numbness");
  }

  static std::string fmt_day(int day) {
    const auto date = std::chrono::year_month_day(
        std::chrono::sys_days(std::chrono::year{2026} / 11 / 1) + std::chrono::days{day});
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text;
  }

  ClinicianSummary build(std::uint8_t parts = storage::kAllRecordParts) {
    auto built = build_summary(shipped_protocol(), store_, user_id_, now_, parts);
    EXPECT_TRUE(built) << built.error().to_string();
    return built ? *built : ClinicianSummary{};
  }

  std::string pdf(const ClinicianSummary& summary) {
    auto written = summary_pdf(summary);
    EXPECT_TRUE(written) << written.error().to_string();
    return written ? *written : std::string();
  }

  storage::MemoryStore store_;
  std::chrono::sys_seconds now_ = utc("2026-11-29T12:00:00Z");
  std::int64_t user_id_ = 0;
};

TEST_F(SummaryTest, NamesTheLatestTriageWithItsReasonsAndRedFlagAnswers) {
  add_triage(json::array(), "2026-10-01T09:00:00Z");
  add_triage({"fever_or_unwell"}, "2026-10-20T09:00:00Z");
  const ClinicianSummary summary = build();
  ASSERT_TRUE(summary.triage.has_value());
  EXPECT_EQ(summary.triage->at, "2026-10-20T09:00:00Z");
  EXPECT_NE(summary.triage->disposition, "self_care");
  ASSERT_EQ(summary.triage->red_flags.size(), 1u);
  EXPECT_NE(summary.triage->red_flags[0], "fever_or_unwell") << "the label, not the id";
  EXPECT_FALSE(summary.triage->reasons.empty());
}

TEST_F(SummaryTest, JudgesPainAgainstItsThresholdsWithWeeklyMeansAndSources) {
  fill();
  const ClinicianSummary summary = build();
  ASSERT_FALSE(summary.measures.empty());
  const SummaryMeasure& pain = summary.measures.front();
  EXPECT_EQ(pain.id, "pain");
  EXPECT_EQ(pain.verdict, "meaningfully_better");
  EXPECT_NE(pain.since_first.find("minimal clinically important difference"), std::string::npos)
      << pain.since_first;
  EXPECT_GE(pain.weekly.size(), 4u);
  EXPECT_GT(pain.weekly.front().mean, pain.weekly.back().mean);
  EXPECT_FALSE(pain.sources.empty());
  ASSERT_TRUE(pain.latest.has_value());
  EXPECT_EQ(*pain.latest, 2);
}

TEST_F(SummaryTest, CountsSessionsAndListsTheirStopEvents) {
  fill();
  const ClinicianSummary summary = build();
  EXPECT_EQ(summary.sessions, 2);
  EXPECT_EQ(summary.last_session_at, "2026-11-10T18:00:00Z");
  ASSERT_EQ(summary.stops.size(), 1u);
  EXPECT_EQ(summary.stops[0].kind, "session");
  EXPECT_EQ(summary.stops[0].id, "tingling-or-numbness");
  EXPECT_EQ(summary.stops[0].label, "Numbness or tingling down the leg");
}

TEST_F(SummaryTest, HoldsOnlyThePartsItWasBuiltWith) {
  fill();
  const ClinicianSummary summary = build(static_cast<std::uint8_t>(storage::RecordPart::kDiary));
  EXPECT_FALSE(summary.triage.has_value());
  EXPECT_EQ(summary.sessions, 0);
  ASSERT_EQ(summary.measures.size(), 1u);
  EXPECT_EQ(summary.measures[0].id, "pain");
  const json answer = to_json(summary);
  EXPECT_EQ(answer["parts"], json({"diary"}));
  EXPECT_TRUE(answer["triage"].is_null());
  EXPECT_TRUE(answer["sessions"].is_null());
}

TEST_F(SummaryTest, IsJsonWithTheVerdictsAndTheStops) {
  fill();
  const json answer = to_json(build());
  EXPECT_EQ(answer["email"], "pat@example.org");
  EXPECT_EQ(answer["parts"], json({"diary", "questionnaires", "triage", "sessions"}));
  EXPECT_EQ(answer["measures"][0]["verdict"], "meaningfully_better");
  EXPECT_EQ(answer["sessions"]["count"], 2);
  EXPECT_EQ(answer["sessions"]["stops"][0]["id"], "tingling-or-numbness");
  EXPECT_EQ(answer["triage"]["red_flags"].size(), 1u);
}

TEST_F(SummaryTest, AnUnknownUserIsNotFound) {
  auto built = build_summary(shipped_protocol(), store_, user_id_ + 100, now_);
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().code(), core::ErrorCode::kNotFound);
}

TEST_F(SummaryTest, APdfIsOnePageFromPdfToEof) {
  fill();
  const std::string bytes = pdf(build());
  ASSERT_GT(bytes.size(), 1000u);
  EXPECT_TRUE(bytes.starts_with("%PDF-"));
  const std::size_t eof = bytes.rfind("%%EOF");
  ASSERT_NE(eof, std::string::npos);
  EXPECT_LE(bytes.size() - eof, 7u) << "%%EOF ends the file";
  EXPECT_EQ(page_count(bytes), 1u);
}

TEST_F(SummaryTest, APdfShowsTheEmailTheVerdictAndTheFooter) {
  fill();
  const std::string bytes = pdf(build());
  EXPECT_NE(bytes.find("pat@example.org"), std::string::npos);
  EXPECT_NE(bytes.find("meaningfully better"), std::string::npos);
  EXPECT_NE(bytes.find("Numbness or tingling down the leg"), std::string::npos);
  EXPECT_NE(bytes.find("not a diagnosis"), std::string::npos);
}

TEST_F(SummaryTest, APdfOnLetterPaperHasTheLetterMediaBox) {
  fill();
  auto written = summary_pdf(build(), PaperSize::kLetter);
  ASSERT_TRUE(written) << written.error().to_string();
  EXPECT_EQ(page_count(*written), 1u);
  EXPECT_NE(written->find("/MediaBox [ 0 0 612 792 ]"), std::string::npos);
}

TEST_F(SummaryTest, APdfOfAnEmptyRecordSaysSo) {
  const std::string bytes = pdf(build());
  EXPECT_EQ(page_count(bytes), 1u);
  EXPECT_NE(bytes.find("No triage saved."), std::string::npos);
  EXPECT_NE(bytes.find("No guided sessions yet."), std::string::npos);
}

TEST_F(SummaryTest, APdfStaysOnOnePageWhenTheRecordIsLong) {
  fill();
  ClinicianSummary summary = build();
  for (int k = 0; k < 200; ++k) {
    summary.stops.push_back({"2026-11-11T00:00:00Z", "hold", "x", std::string(300, 'w')});
    summary.triage->reasons.push_back(std::string(500, 'r'));
  }
  const std::string bytes = pdf(summary);
  EXPECT_EQ(page_count(bytes), 1u);
  EXPECT_NE(bytes.find("More than fits on one page"), std::string::npos);
}

TEST_F(SummaryTest, OddUtf8InTheRecordNeverBreaksThePdf) {
  fill();
  add_pain(3, "2026-11-28T08:00:00Z",
           "Better \xF0\x9F\x98\x80 \xE7\x97\x9B\xE3\x81\xBF caf\xC3\xA9");
  ClinicianSummary summary = build();
  summary.email = "\xF0\x9F\x98\x80\xE7\x97\x9B@example.org";
  summary.triage->red_flags.push_back("\xFF\xFE broken \xE2\x82 and \xC0\xAF overlong");
  summary.triage->reasons.push_back(std::string("nul \0 inside", 12));
  const std::string bytes = pdf(summary);
  EXPECT_TRUE(bytes.starts_with("%PDF-"));
  EXPECT_EQ(page_count(bytes), 1u);
  EXPECT_NE(bytes.find("??@example.org"), std::string::npos);
}

TEST(WinAnsi, KeepsLatinOneMapsPunctuationAndReplacesTheRest) {
  EXPECT_EQ(to_win_ansi("caf\xC3\xA9"), "caf\xE9");
  EXPECT_EQ(to_win_ansi("\xE2\x80\x9Cq\xE2\x80\x9D \xE2\x80\x94 \xE2\x82\xAC"),
            "\x93q\x94 \x97 \x80");
  EXPECT_EQ(to_win_ansi("\xE2\x89\xA4 2"), "<= 2");
  EXPECT_EQ(to_win_ansi("\xF0\x9F\x98\x80"), "?");
  EXPECT_EQ(to_win_ansi("\xE7\x97\x9B"), "?");
  EXPECT_EQ(to_win_ansi("a\tb\nc"), "a b c");
  EXPECT_EQ(to_win_ansi("\xC0\xAF"), "??");
  EXPECT_EQ(to_win_ansi("\xE2\x82"), "??");
}

}  // namespace
}  // namespace hipcoach::service
