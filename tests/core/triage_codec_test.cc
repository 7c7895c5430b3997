#include <gtest/gtest.h>

#include <string>

#include "hipcoach/core/codec.h"

namespace hipcoach::core {
namespace {

constexpr std::string_view kValid = R"({"age": 54, "side": "left",
  "locations": ["buttock", "outer_hip"], "pain_now": 3, "worst_pain_week": 7,
  "duration_weeks": 10, "aggravators": ["stairs", "lying_on_side"],
  "red_flags": [], "cautions": ["osteoporosis"]})";

TEST(TriageAnswers, ReadsEveryFieldIntoMasks) {
  const auto parsed = parse_answers(kValid);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed->age, 54);
  EXPECT_EQ(parsed->side, 0);
  EXPECT_EQ(parsed->main_location, 1);  // "buttock" comes first.
  EXPECT_EQ(parsed->locations, (1u << 0) | (1u << 1));
  EXPECT_EQ(parsed->worst_pain_week, 7);
  EXPECT_EQ(parsed->aggravators, (1u << 0) | (1u << 1));
  EXPECT_EQ(parsed->red_flags, 0u);
  EXPECT_EQ(parsed->cautions, 1u << 5);
}

// Each row changes the valid answers and names the error it must give.
TEST(TriageAnswers, NamesTheFieldOfEveryBadAnswer) {
  struct Row {
    std::string json;
    std::string where;
    std::string message;
  };
  const std::string rest = R"("side": "left", "locations": ["outer_hip"], "pain_now": 3,
      "worst_pain_week": 7, "duration_weeks": 10, "aggravators": [], "red_flags": [],
      "cautions": [])";
  const Row rows[] = {
      {"[1, 2]", "/", "expected a JSON object of answers, got an array"},
      {"{\"age\": 54, " + rest + ", \"mood\": 3}", "/mood",
       "unknown answer; the answers are age, side, locations, pain_now, worst_pain_week, "
       "duration_weeks, aggravators, red_flags, cautions"},
      {"{\"age\": \"54\", " + rest + "}", "/age", "expected an integer 0..120, got a string"},
      {"{\"age\": 54.5, " + rest + "}", "/age",
       "expected an integer 0..120, got a number with a fraction"},
      {"{\"age\": -1, " + rest + "}", "/age", "must be an integer 0..120, got -1"},
      {"{\"age\": 18446744073709551615, " + rest + "}", "/age",
       "must be an integer 0..120, got 18446744073709551615"},
      {R"({"age": 54, "side": "up", "locations": ["outer_hip"], "pain_now": 3,
           "worst_pain_week": 7, "duration_weeks": 10, "aggravators": [], "red_flags": [],
           "cautions": []})",
       "/side", "unknown value \"up\"; expected one of left, right, both"},
      {R"({"age": 54, "side": "left", "locations": [], "pain_now": 3, "worst_pain_week": 7,
           "duration_weeks": 10, "aggravators": [], "red_flags": [], "cautions": []})",
       "/locations", "name at least one place where it hurts"},
      {R"({"age": 54, "side": "left", "locations": ["outer_hip"], "pain_now": 11,
           "worst_pain_week": 7, "duration_weeks": 10, "aggravators": [], "red_flags": [],
           "cautions": []})",
       "/pain_now", "must be an integer 0..10, got 11"},
      {R"({"age": 54, "side": "left", "locations": ["outer_hip"], "pain_now": 3,
           "worst_pain_week": 7, "duration_weeks": 10, "aggravators": [],
           "red_flags": ["fever_or_unwell", "fever"], "cautions": []})",
       "/red_flags/1",
       "unknown value \"fever\"; expected one of fall_or_injury, cannot_bear_weight, "
       "leg_shorter_or_turned_out, sudden_severe_worsening, previous_hip_surgery, "
       "fever_or_unwell, hot_swollen_joint, history_of_cancer, unexplained_weight_loss, "
       "constant_night_pain, saddle_numbness_or_bladder_bowel_change, "
       "leg_weakness_or_spreading_numbness, calf_swelling_or_pain, "
       "recent_surgery_or_injection, long_term_steroids"},
      {R"({"age": 54, "side": "left", "locations": ["outer_hip"], "pain_now": 3,
           "worst_pain_week": 7, "duration_weeks": 10, "aggravators": ["stairs", "stairs"],
           "red_flags": [], "cautions": []})",
       "/aggravators/1", "\"stairs\" is listed twice"},
      {R"({"age": 54, "side": "left", "locations": ["outer_hip"], "pain_now": 3,
           "worst_pain_week": 7, "duration_weeks": 10, "aggravators": [], "red_flags": null,
           "cautions": []})",
       "/red_flags", "expected an array of fall_or_injury, cannot_bear_weight, "
                     "leg_shorter_or_turned_out, sudden_severe_worsening, previous_hip_surgery, "
                     "fever_or_unwell, hot_swollen_joint, history_of_cancer, "
                     "unexplained_weight_loss, constant_night_pain, "
                     "saddle_numbness_or_bladder_bowel_change, "
                     "leg_weakness_or_spreading_numbness, calf_swelling_or_pain, "
                     "recent_surgery_or_injection, long_term_steroids, got null"},
      {R"({"age": 54, "pain_now": 3})", "/",
       "missing answers: side, locations, worst_pain_week, duration_weeks, aggravators, "
       "red_flags, cautions"},
      {"{\"age\": 54,\n \"side\": }", "/", "invalid JSON at line 2, column 10"},
      {"", "/", "invalid JSON at line 1, column 1"},
  };
  for (const Row& row : rows) {
    const auto parsed = parse_answers(row.json);
    ASSERT_FALSE(parsed) << row.json;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidInput) << row.json;
    EXPECT_EQ(parsed.error().where(), row.where) << row.json;
    EXPECT_EQ(parsed.error().message(), row.message) << row.json;
  }
}

// Found by fuzz/fuzz_triage: the parser threw out_of_range, which nothing caught.
TEST(TriageAnswers, RefusesANumberTooLargeForADouble) {
  const auto parsed = parse_answers(R"({"age": 51e9994, "side": "both"})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().where(), "/");
  EXPECT_EQ(parsed.error().message(), "invalid JSON: a number is out of range");
}

TEST(TriageAnswers, NeverDefaultsAMissingRedFlagAnswer) {
  const auto parsed = parse_answers(R"({"age": 54, "side": "left", "locations": ["outer_hip"],
      "pain_now": 3, "worst_pain_week": 7, "duration_weeks": 10, "aggravators": [],
      "cautions": []})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message(), "missing answers: red_flags");
}

}  // namespace
}  // namespace hipcoach::core
