#include <nlohmann/json.hpp>

#include "cli_database_test.h"

namespace hipcoach::cli {
namespace {

class QuestionnaireCommand : public testing::CliDatabaseTest {
 protected:
  void SetUp() override { add_patient(); }

  int take(const std::string& id, const std::string& input, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"questionnaire", "take", id, "--data", data_};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_as_patient(args, input);
  }
};

TEST_F(QuestionnaireCommand, ListsTheShippedQuestionnaires) {
  ASSERT_EQ(run({"questionnaire", "list", "--data", data_}), kExitOk) << err();
  EXPECT_NE(out().find("lefs  Lower Extremity Functional Scale (LEFS): 20 questions, scored 0 to "
                       "80,\n      higher is better."),
            std::string::npos)
      << out();
  EXPECT_NE(out().find("psfs  Patient-Specific Functional Scale (PSFS): 3 to 5 activities"),
            std::string::npos)
      << out();
}

TEST_F(QuestionnaireCommand, AsksEveryLefsItemWithTheAnchorsAndReAsksAfterABadAnswer) {
  std::string typed = "5\ntwo\n2\n";
  for (int i = 1; i < 20; ++i) typed += "2\n";
  ASSERT_EQ(take("lefs", typed), kExitOk) << err();
  const std::string text = out();
  EXPECT_NE(text.find("1 of 20. "), std::string::npos) << text;
  EXPECT_NE(text.find("    0 = Extreme difficulty or unable to perform activity"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  Please answer again: type a whole number from 0 to 4.\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Lower Extremity Functional Scale (LEFS): 40 (scored 0 to 80, higher is "
                      "better; 20 answers). Saved as response 1."),
            std::string::npos)
      << text;
}

TEST_F(QuestionnaireCommand, AsksForThePsfsActivitiesAndStopsAtAnEmptyLine) {
  ASSERT_EQ(take("psfs", "climbing stairs\n4\n\nwalking\n6\nsitting\n8\n\n"), kExitOk) << err();
  EXPECT_NE(out().find("Please name an activity: at least 3 are needed."), std::string::npos)
      << out();
  EXPECT_NE(out().find("(PSFS): 6 (scored 0 to 10, higher is better; 3 answers)"),
            std::string::npos)
      << out();
}

TEST_F(QuestionnaireCommand, ReadsTheAnswersAsJsonFromStandardInput) {
  ASSERT_EQ(take("nprs", R"({"answers": [{"item": "pain", "value": 3}]})", {"--answers", "-"}),
            kExitOk)
      << err();
  EXPECT_NE(out().find("Numeric Pain Rating Scale (NPRS): 3 (scored 0 to 10, lower is better; 1 "
                       "answer). Saved as response 1."),
            std::string::npos)
      << out();
}

TEST_F(QuestionnaireCommand, RefusesAnAnswerOffTheScaleNamingIt) {
  EXPECT_EQ(take("nprs", R"({"answers": [{"item": "pain", "value": 11}]})", {"--answers", "-"}),
            kExitInvalidData);
  EXPECT_EQ(err().rfind("hipcoach questionnaire take: -: /answers/0/value: ", 0), 0u) << err();
}

TEST_F(QuestionnaireCommand, RefusesAnswersThatAreNotJson) {
  EXPECT_EQ(take("nprs", "pain = 3", {"--answers", "-"}), kExitInvalidData);
  EXPECT_EQ(err(),
            "hipcoach questionnaire take: -: /: is not JSON; expected {\"answers\": [{\"item\", "
            "\"value\"}...]}\n");
}

TEST_F(QuestionnaireCommand, NamesAnUnreadableAnswersFile) {
  EXPECT_EQ(take("nprs", "", {"--answers", "/nonexistent/answers.json"}), kExitInvalidData);
  EXPECT_EQ(err(),
            "hipcoach questionnaire take: --answers: cannot read \"/nonexistent/answers.json\"\n");
}

TEST_F(QuestionnaireCommand, StopsWithAnErrorWhenInputEndsEarly) {
  EXPECT_EQ(take("lefs", "1\n2\n"), kExitInvalidData);
  EXPECT_EQ(err(),
            "hipcoach questionnaire take: the input ended before item 3 "
            "(\"bath\") was answered\n");
}

TEST_F(QuestionnaireCommand, RefusesAnUnknownQuestionnaireWithTheKnownOnes) {
  EXPECT_EQ(take("koos", ""), kExitUsage);
  EXPECT_EQ(err(),
            "hipcoach questionnaire take: ID: no questionnaire \"koos\"; the questionnaires are: "
            "lefs nprs psfs\n");
}

}  // namespace
}  // namespace hipcoach::cli
