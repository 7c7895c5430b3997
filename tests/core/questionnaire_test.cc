#include "hipcoach/core/questionnaire.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hipcoach/core/validate.h"
#include "test_data.h"

namespace hipcoach::core {
namespace {

using testing::DataSet;

std::vector<std::string> messages(const LoadedProtocol& loaded) {
  std::vector<std::string> out;
  for (const Diagnostic& diagnostic : loaded.diagnostics) out.push_back(diagnostic.to_string());
  return out;
}

// A small valid questionnaire for the fixture, which cites "review".
constexpr const char* kGoodQuestionnaire = R"(kind = "questionnaire"
id = "walk"
name = "A walking scale"
instructions = "Rate each activity."
wording_cite = ["review"]
licence_allows_use = true
licence = { text = "Free.", cite = ["review"] }

[scale]
min = 0
max = 4
cite = ["review"]

[[scale.anchors]]
value = 0
label = "Unable"

[[scale.anchors]]
value = 4
label = "No difficulty"

[[items]]
id = "walking"
text = "Walking."

[[items]]
id = "stairs"
text = "Stairs."

[scoring]
method = "sum"
min = 0
max = 8
higher_is = "better"
cite = ["review"]

[thresholds.mcid]
points = 2
cite = ["review"]

[thresholds.mdc]
points = 1.5
cite = ["review"]
)";

DataSet fixture_with(std::string questionnaire) {
  DataSet set = DataSet::from_dir(testing::good_dir());
  set.files["questionnaires/walk.toml"] = std::move(questionnaire);
  return set;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(QuestionnaireData, AcceptsTheShippedInstrumentsAndOnlyLicensedOnes) {
  const LoadedProtocol loaded =
      DataSet::from_dir(std::string(HIPCOACH_SOURCE_DIR) + "/data").load();
  EXPECT_EQ(messages(loaded), std::vector<std::string>{});
  std::vector<std::string> ids;
  for (const Questionnaire& questionnaire : loaded.protocol.questionnaires) {
    ids.push_back(questionnaire.id);
    EXPECT_TRUE(questionnaire.licence_allows_use) << questionnaire.id;
    EXPECT_FALSE(questionnaire.licence.cite.empty()) << questionnaire.id;
    EXPECT_FALSE(questionnaire.thresholds.mcid.cite.empty()) << questionnaire.id;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"lefs", "nprs", "psfs"}));
}

TEST(QuestionnaireData, ShippedLefsHasTwentyItemsScoredZeroToEighty) {
  const Questionnaire* lefs = find_questionnaire(testing::shipped_protocol(), "lefs");
  ASSERT_NE(lefs, nullptr);
  EXPECT_EQ(lefs->items.size(), 20u);
  EXPECT_EQ(lefs->scale.anchors.size(), 5u);
  EXPECT_EQ(lefs->scoring.max, 80);
  ASSERT_TRUE(lefs->thresholds.mdc.has_value());
  EXPECT_EQ(lefs->thresholds.mdc->points, 9);
}

TEST(QuestionnaireData, ADataSetWithoutQuestionnairesStaysValid) {
  const LoadedProtocol loaded = DataSet::from_dir(testing::good_dir()).load();
  EXPECT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded.protocol.questionnaires.empty());
}

TEST(QuestionnaireData, AcceptsTheTestQuestionnaire) {
  const LoadedProtocol loaded = fixture_with(kGoodQuestionnaire).load();
  EXPECT_EQ(messages(loaded), std::vector<std::string>{});
  ASSERT_EQ(loaded.protocol.questionnaires.size(), 1u);
  EXPECT_EQ(loaded.protocol.questionnaires[0].thresholds.mdc->points, 1.5);
}

struct BadQuestionnaire {
  const char* why;
  const char* from;
  const char* to;
  std::vector<std::string> expected;
};

TEST(QuestionnaireData, ReportsEachProblemWithItsPlaceAndKeyPath) {
  const std::string file = "data/questionnaires/walk.toml:";
  const std::vector<BadQuestionnaire> cases = {
      {"an unknown key is a typo",
       "higher_is = \"better\"",
       "higher_is = \"better\"\nweight = 1",
       {file + "35:1: scoring.weight: unknown key"}},
      {"a licence that does not allow use",
       "licence_allows_use = true",
       "licence_allows_use = false",
       {file + "6:22: licence_allows_use: an instrument whose licence does not allow use must "
               "not be shipped; remove the file"}},
      {"a citation must resolve",
       "wording_cite = [\"review\"]",
       "wording_cite = [\"nowhere\"]",
       {file + "5:17: wording_cite[0]: source \"nowhere\" does not exist"}},
      {"the scale must go up",
       "max = 4\ncite",
       "max = 0\ncite",
       {file + "11:7: scale.max: (0) must be greater than min (0)"}},
      {"anchors must label both ends",
       "value = 4\nlabel",
       "value = 3\nlabel",
       {file + "14:1: scale.anchors: must label both ends of the scale (0 and 4)"}},
      {"an anchor must lie on the scale",
       "value = 4\nlabel",
       "value = 5\nlabel",
       {file + "19:9: scale.anchors[1].value: must lie on the scale 0..4, got 5"}},
      {"a sum's range follows from the items",
       "max = 8",
       "max = 10",
       {file + "33:7: scoring.max: must be 8 for a sum of 2 items on 0..4, got 10"}},
      {"a threshold must be positive",
       "points = 2\n",
       "points = 0\n",
       {file + "38:10: thresholds.mcid.points: must be greater than 0, got 0"}},
      {"a threshold cannot exceed the score's range",
       "points = 2\n",
       "points = 9\n",
       {file + "38:10: thresholds.mcid.points: must be at most the score's range (8), got 9"}},
      {"every threshold cites",
       "points = 1.5\ncite = [\"review\"]",
       "points = 1.5",
       {file + "41:1: thresholds.mdc.cite: missing; expected a non-empty array of ids"}},
      {"the mcid is required",
       "[thresholds.mcid]\npoints = 2\ncite = [\"review\"]\n",
       "",
       {file + "38:1: thresholds.mcid: missing; expected a table with points and cite"}},
      {"a single score needs one item",
       "method = \"sum\"",
       "method = \"single\"",
       {file + "31:10: scoring.method: \"single\" needs exactly one item, got 2 items"}},
      {"an unknown direction",
       "higher_is = \"better\"",
       "higher_is = \"up\"",
       {file + "34:13: scoring.higher_is: must be \"better\" or \"worse\", got \"up\""}},
      {"item ids are unique",
       "id = \"stairs\"",
       "id = \"walking\"",
       {file + "27:6: items[1].id: duplicate item of questionnaire \"walk\" id \"walking\" "
               "(first defined at data/questionnaires/walk.toml:23:6)"}},
  };
  for (const BadQuestionnaire& bad : cases) {
    const LoadedProtocol loaded =
        fixture_with(replaced(kGoodQuestionnaire, bad.from, bad.to)).load();
    EXPECT_EQ(messages(loaded), bad.expected) << bad.why;
  }
}

TEST(QuestionnaireData, RefusesFixedAndPatientNamedItemsTogether) {
  const LoadedProtocol loaded =
      fixture_with(std::string(kGoodQuestionnaire) +
                   "\n[patient_items]\nmin = 3\nmax = 5\nprompt = \"An activity\"\n")
          .load();
  EXPECT_EQ(messages(loaded),
            std::vector<std::string>{
                "data/questionnaires/walk.toml:45:1: patient_items: not allowed together with "
                "[[items]]; a questionnaire has one or the other"});
}

// --- Scoring ---------------------------------------------------------------

const Questionnaire& shipped(std::string_view id) {
  const Questionnaire* questionnaire = find_questionnaire(testing::shipped_protocol(), id);
  HIPCOACH_CHECK(questionnaire != nullptr);
  return *questionnaire;
}

std::vector<ItemAnswer> lefs_answers(const std::vector<int>& values) {
  const Questionnaire& lefs = shipped("lefs");
  std::vector<ItemAnswer> answers;
  for (std::size_t i = 0; i < values.size() && i < lefs.items.size(); ++i) {
    answers.push_back({lefs.items[i].id, "", values[i]});
  }
  return answers;
}

// Worked example: the LEFS item answers and totals of a published case
// (BMJ Case Reports, Table 1: 50 before and 58 after a class).
TEST(QuestionnaireScoring, SumsTheLefsItemsOfAPublishedCase) {
  const std::vector<int> before = {1, 2, 4, 4, 4, 1, 2, 3, 1, 4, 4, 1, 4, 3, 3, 3, 0, 3, 1, 2};
  const std::vector<int> after = {3, 3, 4, 4, 4, 4, 1, 4, 1, 4, 4, 3, 4, 3, 4, 1, 0, 0, 4, 3};
  const auto before_score = score_response(shipped("lefs"), lefs_answers(before));
  const auto after_score = score_response(shipped("lefs"), lefs_answers(after));
  ASSERT_TRUE(before_score && after_score);
  EXPECT_EQ(before_score->value, 50);
  EXPECT_EQ(after_score->value, 58);
  EXPECT_EQ(after_score->max, 80);
  EXPECT_EQ(after_score->direction, Direction::kHigherIsBetter);
}

TEST(QuestionnaireScoring, TakesThePsfsMeanOfThePatientsActivities) {
  const std::vector<ItemAnswer> answers = {
      {"", "stairs", 2}, {"", "getting out of a car", 3}, {"", "walking", 4}, {"", "sleep", 4}};
  const auto score = score_response(shipped("psfs"), answers);
  ASSERT_TRUE(score) << score.error().to_string();
  EXPECT_DOUBLE_EQ(score->value, 3.25);
  EXPECT_EQ(score->answered, 4);
}

TEST(QuestionnaireScoring, TakesTheNprsSingleRatingAsItIs) {
  const std::vector<ItemAnswer> answers = {{"pain", "", 6}};
  const auto score = score_response(shipped("nprs"), answers);
  ASSERT_TRUE(score);
  EXPECT_EQ(score->value, 6);
  EXPECT_EQ(score->direction, Direction::kLowerIsBetter);
}

struct BadResponse {
  const char* why;
  const char* questionnaire;
  std::vector<ItemAnswer> answers;
  std::string where;
  std::string message;
};

TEST(QuestionnaireScoring, NamesTheItemOfEveryBadAnswer) {
  std::vector<ItemAnswer> lefs_missing = lefs_answers(std::vector<int>(20, 2));
  lefs_missing.erase(lefs_missing.begin() + 5);
  std::vector<ItemAnswer> lefs_twice = lefs_answers(std::vector<int>(20, 2));
  lefs_twice[3].item = "usual-work";
  std::vector<ItemAnswer> lefs_high = lefs_answers(std::vector<int>(20, 2));
  lefs_high[5].value = 5;
  const std::vector<BadResponse> cases = {
      {"an NPRS rating above 10",
       "nprs",
       {{"pain", "", 11}},
       "/answers/0/value",
       "item \"pain\": must be an integer 0..10, got 11"},
      {"a negative NPRS rating",
       "nprs",
       {{"pain", "", -1}},
       "/answers/0/value",
       "item \"pain\": must be an integer 0..10, got -1"},
      {"no NPRS answer at all", "nprs", {}, "/answers", "item \"pain\" has no answer"},
      {"an item the NPRS does not have",
       "nprs",
       {{"mood", "", 3}},
       "/answers/0/item",
       "\"mood\" is not an item of \"nprs\""},
      {"a LEFS item left out", "lefs", lefs_missing, "/answers",
       "item \"squatting\" has no answer"},
      {"a LEFS item answered twice", "lefs", lefs_twice, "/answers/3/item",
       "item \"usual-work\" is answered twice"},
      {"a LEFS answer above 4", "lefs", lefs_high, "/answers/5/value",
       "item \"squatting\": must be an integer 0..4, got 5"},
      {"only two PSFS activities",
       "psfs",
       {{"", "a", 3}, {"", "b", 4}},
       "/answers",
       "must rate 3 to 5 activities, got 2"},
      {"a PSFS activity without a name",
       "psfs",
       {{"", "a", 3}, {"", " ", 4}, {"", "c", 5}},
       "/answers/1/text",
       "activity 2: must name the activity"},
      {"a PSFS rating above 10",
       "psfs",
       {{"", "a", 3}, {"", "b", 4}, {"", "c", 12}},
       "/answers/2/value",
       "activity 3: must be an integer 0..10, got 12"},
  };
  for (const BadResponse& bad : cases) {
    const auto score = score_response(shipped(bad.questionnaire), bad.answers);
    ASSERT_FALSE(score) << bad.why;
    EXPECT_EQ(score.error().code(), ErrorCode::kInvalidInput) << bad.why;
    EXPECT_EQ(score.error().where(), bad.where) << bad.why;
    EXPECT_EQ(score.error().message(), bad.message) << bad.why;
  }
}

}  // namespace
}  // namespace hipcoach::core
