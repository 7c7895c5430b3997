// Forty people, each with the level of care the shipped rules must give, the
// group to start with where one is clear, and the rule that says why.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hipcoach/core/codec.h"
#include "hipcoach/core/triage.h"
#include "test_data.h"

namespace hipcoach::core {
namespace {

const Protocol& shipped() { return testing::shipped_protocol(); }

struct Vignette {
  std::string who;  // Why this case matters, in words.
  int age;
  std::string locations;    // JSON array body, e.g. R"("outer_hip", "knee")".
  std::string aggravators;  // JSON array body.
  std::string red_flags;    // JSON array body.
  std::string cautions;     // JSON array body.
  int weeks;
  std::string disposition;
  std::string first_group;  // "" when none is expected (urgent, or the guide does not apply).
  std::string rule;         // A rule id that must be among the reasons (disposition or group).
};

std::string answers_json(const Vignette& v) {
  return "{\"age\": " + std::to_string(v.age) + ", \"side\": \"right\", \"locations\": [" +
         v.locations + "], \"pain_now\": 5, \"worst_pain_week\": 7, \"duration_weeks\": " +
         std::to_string(v.weeks) + ", \"aggravators\": [" + v.aggravators +
         "], \"red_flags\": [" + v.red_flags + "], \"cautions\": [" + v.cautions + "]}";
}

const std::vector<Vignette>& vignettes() {
  static const std::vector<Vignette> kVignettes = {
      // Self-care: typical lateral hip pain without red flags.
      {"outer hip pain worse lying on it", 54, R"("outer_hip")", R"("lying_on_side")", "", "", 8,
       "self_care", "gluteus-medius-minimus", "gluteals-tendon-load"},
      {"outer hip pain on stairs", 48, R"("outer_hip")", R"("stairs")", "", "", 3, "self_care",
       "gluteus-medius-minimus", "gluteals-tendon-load"},
      {"outer hip pain standing on one leg", 61, R"("outer_hip")", R"("single_leg_standing")", "",
       "", 12, "self_care", "gluteus-medius-minimus", "gluteals-tendon-load"},
      {"outer hip pain crossing the legs", 45, R"("outer_hip")", R"("crossing_legs")", "", "", 4,
       "self_care", "gluteus-medius-minimus", "gluteals-tendon-load"},
      {"outer hip pain getting out of a chair", 67, R"("outer_hip")", R"("rising_from_chair")", "",
       "", 20, "self_care", "gluteus-medius-minimus", "gluteals-tendon-load"},
      {"outer hip spreading down the outer thigh", 52, R"("outer_hip", "outer_thigh")",
       R"("lying_on_side")", "", "", 10, "self_care", "gluteus-medius-minimus",
       "gluteals-outer-thigh-knee"},
      {"outer hip with no clear aggravator", 40, R"("outer_hip")", "", "", "", 2, "self_care",
       "gluteus-medius-minimus", "gluteals-outer-hip"},
      {"pain at the front of the thigh, main there", 35, R"("front_of_thigh", "outer_hip")", "",
       "", "", 3, "self_care", "tensor-fasciae-latae", "tfl-front-thigh-main"},
      {"front and outer thigh pain while walking", 39, R"("front_of_thigh", "outer_thigh")",
       R"("walking")", "", "", 5, "self_care", "tensor-fasciae-latae", "tfl-front-outer-thigh"},
      {"deep buttock pain", 44, R"("buttock")", R"("sitting_long")", "", "", 6, "self_care",
       "external-rotators", "rotators-buttock-main"},
      {"buttock pain spreading to the back of the thigh", 50, R"("buttock", "back_of_thigh")", "",
       "", "", 9, "self_care", "external-rotators", "rotators-buttock-back-of-thigh"},
      {"buttock pain with running", 29, R"("buttock")", R"("running")", "", "", 2, "self_care",
       "external-rotators", "rotators-buttock-main"},
      {"outer hip pain for a year: self-care with a nudge to book", 58, R"("outer_hip")",
       R"("lying_on_side")", "", "", 52, "self_care", "gluteus-medius-minimus",
       "six-weeks-or-more"},
      {"exactly sixteen years old", 16, R"("outer_hip")", R"("stairs")", "", "", 4, "self_care",
       "gluteus-medius-minimus", "gluteals-tendon-load"},
      {"very old but no red flags", 90, R"("outer_hip")", R"("walking")", "", "", 10, "self_care",
       "gluteus-medius-minimus", "gluteals-outer-hip"},
      {"outer hip pain, pregnant: self-care with a caution", 32, R"("outer_hip")",
       R"("lying_on_side")", "", R"("pregnant")", 3, "self_care", "gluteus-medius-minimus",
       "gluteals-tendon-load"},
      {"outer hip pain, on blood thinners", 70, R"("outer_hip")", R"("stairs")", "",
       R"("blood_thinners")", 6, "self_care", "gluteus-medius-minimus", "gluteals-tendon-load"},
      {"outer hip pain, osteoporosis", 75, R"("outer_hip")", R"("lying_on_side")", "",
       R"("osteoporosis")", 8, "self_care", "gluteus-medius-minimus", "gluteals-tendon-load"},
      // Urgent: red flags that need care today.
      {"fell and cannot bear weight", 80, R"("outer_hip")", "",
       R"("fall_or_injury", "cannot_bear_weight")", "", 0, "urgent", "",
       "fall-cannot-bear-weight"},
      {"suddenly cannot bear weight without a fall", 62, R"("groin")", "",
       R"("cannot_bear_weight")", "", 1, "urgent", "", "cannot-bear-weight"},
      {"leg shorter and turned out", 84, R"("outer_hip")", "", R"("leg_shorter_or_turned_out")",
       "", 0, "urgent", "", "leg-shorter-or-turned-out"},
      {"hot swollen joint", 55, R"("outer_hip")", "", R"("hot_swollen_joint")", "", 1, "urgent",
       "", "hot-swollen-joint"},
      {"fever and feeling unwell", 47, R"("outer_hip")", "", R"("fever_or_unwell")", "", 1,
       "urgent", "", "fever-or-unwell"},
      {"fever after a recent injection", 60, R"("outer_hip")", "",
       R"("recent_surgery_or_injection", "fever_or_unwell")", "", 2, "urgent", "",
       "fever-after-surgery-or-injection"},
      {"saddle numbness", 43, R"("buttock", "back_of_thigh")", "",
       R"("saddle_numbness_or_bladder_bowel_change")", "", 3, "urgent", "",
       "saddle-numbness-bladder-bowel"},
      {"calf swelling", 66, R"("outer_hip")", "", R"("calf_swelling_or_pain")", "", 2, "urgent",
       "", "calf-swelling-or-pain"},
      {"sudden severe worsening of long-standing pain", 59, R"("outer_hip")", "",
       R"("sudden_severe_worsening")", "", 40, "urgent", "", "sudden-severe-worsening"},
      {"a child with hip pain", 11, R"("outer_hip")", R"("running")", "", "", 1, "urgent", "",
       "under-16"},
      {"a teenager of fifteen with knee pain", 15, R"("knee")", "", "", "", 2, "urgent", "",
       "under-16"},
      {"red flags of both levels: urgent wins", 72, R"("outer_hip")", "",
       R"("history_of_cancer", "calf_swelling_or_pain")", "", 5, "urgent", "",
       "calf-swelling-or-pain"},
      // Soon: reasons to get checked within days.
      {"history of cancer", 65, R"("outer_hip")", R"("lying_on_side")", R"("history_of_cancer")",
       "", 6, "soon", "", "history-of-cancer"},
      {"losing weight without trying", 58, R"("outer_hip")", "", R"("unexplained_weight_loss")",
       "", 8, "soon", "", "unexplained-weight-loss"},
      {"constant pain at night", 63, R"("outer_hip")", "", R"("constant_night_pain")", "", 10,
       "soon", "", "constant-night-pain"},
      {"long-term steroids", 49, R"("groin")", "", R"("long_term_steroids")", "", 4, "soon", "",
       "long-term-steroids"},
      {"a hip operation years ago", 71, R"("outer_hip")", R"("stairs")",
       R"("previous_hip_surgery")", "", 30, "soon", "", "previous-hip-surgery"},
      {"leg weakness spreading", 53, R"("buttock", "back_of_thigh")", "",
       R"("leg_weakness_or_spreading_numbness")", "", 3, "soon", "", "leg-weakness-or-numbness"},
      {"a fall, but walking on it", 76, R"("outer_hip")", "", R"("fall_or_injury")", "", 1,
       "soon", "", "fall-or-injury"},
      {"a recent operation without fever", 57, R"("outer_hip")", "",
       R"("recent_surgery_or_injection")", "", 2, "soon", "", "recent-surgery-or-injection"},
      // The article does not apply: send on.
      {"pain mainly in the groin: the hip joint", 55, R"("groin", "front_of_thigh")",
       R"("walking")", "", "", 12, "soon", "", "groin-main"},
      {"back pain spreading below the knee: the spine", 46,
       R"("lower_back", "buttock", "below_knee")", R"("sitting_long")", "", "", 5, "soon", "",
       "back-pain-below-knee"},
  };
  return kVignettes;
}

TEST(TriageVignettes, EachGetsItsDispositionFirstGroupAndReason) {
  ASSERT_GE(vignettes().size(), 40u);
  for (const Vignette& v : vignettes()) {
    const auto answers = parse_answers(answers_json(v));
    ASSERT_TRUE(answers) << v.who << ": " << answers.error().to_string();
    const auto json = to_json(shipped(), evaluate_triage(shipped(), *answers));
    EXPECT_EQ(json["disposition"], v.disposition) << v.who;
    if (v.first_group.empty()) {
      EXPECT_TRUE(json["groups"].empty()) << v.who << ": " << json["groups"].dump();
    } else {
      ASSERT_FALSE(json["groups"].empty()) << v.who;
      EXPECT_EQ(json["groups"][0]["id"], v.first_group) << v.who;
    }
    bool found = false;
    for (const auto& reason : json["reasons"]) found = found || reason["rule"] == v.rule;
    for (const auto& group : json["groups"]) {
      for (const auto& reason : group["reasons"]) found = found || reason["rule"] == v.rule;
    }
    EXPECT_TRUE(found) << v.who << ": no reason from rule " << v.rule;
  }
}

TEST(TriageVignettes, CautionsSayWhatToDoInstead) {
  for (const char* caution : {"blood_thinners", "bleeding_disorder", "pregnant",
                              "broken_or_infected_skin", "implant_or_recent_surgery_at_site",
                              "osteoporosis"}) {
    const std::string text = std::string(R"({"age": 50, "side": "left", "locations":
        ["outer_hip"], "pain_now": 3, "worst_pain_week": 5, "duration_weeks": 4,
        "aggravators": [], "red_flags": [], "cautions": [")") + caution + "\"]}";
    const auto json = to_json(shipped(), evaluate_triage(shipped(), *parse_answers(text)));
    ASSERT_EQ(json["cautions"].size(), 1u) << caution;
    EXPECT_FALSE(json["cautions"][0]["instead"].get<std::string>().empty()) << caution;
    EXPECT_FALSE(json["cautions"][0]["cite"].empty()) << caution;
  }
}

TEST(TriageVignettes, LateralHipPainThatMayGoAheadGetsTheTendonLoadAdvice) {
  const auto json = to_json(
      shipped(), evaluate_triage(shipped(), *parse_answers(answers_json(vignettes()[0]))));
  bool found = false;
  for (const auto& advice : json["advice"]) found = found || advice["rule"] == "tendon-load";
  EXPECT_TRUE(found) << json["advice"].dump();
}

}  // namespace
}  // namespace hipcoach::core
