#include "hipcoach/cli/cli.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "test_certificate.h"

namespace hipcoach::cli {
namespace {

// Runs `hipcoach ARGS...` with string streams.
class CliTest : public ::testing::Test {
 protected:
  int run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), "hipcoach");
    std::istringstream in(input);
    out_.str("");
    err_.str("");
    return cli::run(args, in, out_, err_);
  }

  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

  const std::string data_ = std::string(HIPCOACH_SOURCE_DIR) + "/data";
  const std::string good_ = std::string(HIPCOACH_TESTDATA_DIR) + "/good";

 private:
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(CliTest, ListsTheThreeMuscleGroupsInOrder) {
  EXPECT_EQ(run({"protocol", "list", "--data", data_}), kExitOk) << err();
  const std::string text = out();
  const auto gluteus = text.find("gluteus-medius-minimus");
  const auto tfl = text.find("tensor-fasciae-latae");
  const auto rotators = text.find("external-rotators");
  ASSERT_NE(gluteus, std::string::npos) << text;
  ASSERT_NE(tfl, std::string::npos) << text;
  ASSERT_NE(rotators, std::string::npos) << text;
  EXPECT_LT(gluteus, tfl);
  EXPECT_LT(tfl, rotators);
}

TEST_F(CliTest, ListsAsJson) {
  ASSERT_EQ(run({"protocol", "list", "--json", "--data", data_}), kExitOk) << err();
  const auto json = nlohmann::json::parse(out());
  ASSERT_EQ(json.size(), 3u);
  EXPECT_EQ(json[1]["id"], "tensor-fasciae-latae");
}

TEST_F(CliTest, ShowsAGroupWithNumberedSources) {
  ASSERT_EQ(run({"protocol", "show", "external-rotators", "--data", data_}), kExitOk) << err();
  const std::string text = out();
  EXPECT_NE(text.find("Piriformis"), std::string::npos) << text;
  EXPECT_NE(text.find("sciatic"), std::string::npos) << text;
  EXPECT_NE(text.find("[1]"), std::string::npos) << text;
  EXPECT_NE(text.find("\nSources\n"), std::string::npos) << text;
  std::string words;  // The text with line breaks and indents folded to single spaces.
  for (const char c : text) {
    if (c == '\n' || c == ' ') {
      if (!words.empty() && words.back() != ' ') words += ' ';
    } else {
      words += c;
    }
  }
  EXPECT_NE(words.find("Hold still for 90 to 180 seconds."), std::string::npos) << text;
}

TEST_F(CliTest, ShowsAGroupAsJsonWithTheSourcesItCites) {
  ASSERT_EQ(run({"protocol", "show", "tensor-fasciae-latae", "--json", "--data", data_}), kExitOk)
      << err();
  const auto json = nlohmann::json::parse(out());
  EXPECT_EQ(json["group"]["id"], "tensor-fasciae-latae");
  EXPECT_FALSE(json["sources"].empty());
}

TEST_F(CliTest, RefusesAnUnknownGroupWithTheKnownOnes) {
  EXPECT_EQ(run({"protocol", "show", "hamstrings", "--data", data_}), kExitUsage);
  EXPECT_EQ(err(),
            "hipcoach protocol show: ID: no muscle group \"hamstrings\"; the groups are: "
            "gluteus-medius-minimus tensor-fasciae-latae external-rotators\n");
}

TEST_F(CliTest, ValidatesTheShippedData) {
  EXPECT_EQ(run({"protocol", "validate", data_}), kExitOk) << err();
  EXPECT_NE(out().find(": valid (3 muscle groups"), std::string::npos) << out();
}

TEST_F(CliTest, ValidateExitsOneAndPrintsEachProblemWithItsPlace) {
  const auto dir = std::filesystem::temp_directory_path() / "hipcoach-cli-test-invalid";
  std::filesystem::remove_all(dir);
  std::filesystem::copy(good_, dir, std::filesystem::copy_options::recursive);
  const auto group = dir / "protocol" / "group.toml";
  const std::string text = [&] {
    std::ifstream in(group);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  std::ofstream(group) << "colour = \"red\"\n" << text;
  EXPECT_EQ(run({"protocol", "validate", dir.string()}), kExitInvalidData);
  EXPECT_NE(err().find("group.toml:"), std::string::npos) << err();
  EXPECT_NE(err().find("group.toml:1:1: colour: unknown key"), std::string::npos) << err();
  EXPECT_NE(err().find("1 problem found"), std::string::npos) << err();
  std::filesystem::remove_all(dir);
}

TEST_F(CliTest, ValidateAsJsonListsTheProblems) {
  EXPECT_EQ(run({"protocol", "validate", "/nonexistent/dir", "--json"}), kExitInvalidData);
  const auto json = nlohmann::json::parse(out());
  EXPECT_EQ(json["valid"], false);
  EXPECT_EQ(json["problems"][0]["file"], "/nonexistent/dir/sources.toml");
}

TEST_F(CliTest, ListOnInvalidDataExitsOne) {
  EXPECT_EQ(run({"protocol", "list", "--data", "/nonexistent/dir"}), kExitInvalidData);
  EXPECT_NE(err().find("is invalid"), std::string::npos) << err();
}

TEST_F(CliTest, UnknownOptionIsAUsageError) {
  EXPECT_EQ(run({"protocol", "list", "--colour"}), kExitUsage);
  EXPECT_NE(err().find("--colour"), std::string::npos) << err();
}

TEST_F(CliTest, MissingSubcommandIsAUsageError) {
  EXPECT_EQ(run({}), kExitUsage);
  EXPECT_NE(err().find("subcommand"), std::string::npos) << err();
}

TEST_F(CliTest, BadListenAddressIsAUsageErrorNamingTheOption) {
  EXPECT_EQ(run({"serve", "--listen", "localhost:99999", "--data", data_}), kExitUsage);
  EXPECT_EQ(err(),
            "hipcoach serve: --listen: expected HOST:PORT with a port 0..65535, got "
            "\"localhost:99999\"\n");
}

// `serve --tls-cert --tls-key` checks its files before anything else, so
// these tests never open a database or listen.
class ServeTlsTest : public CliTest {
 protected:
  ServeTlsTest() {
    const auto certificate = server::testing::make_test_certificate();
    server::testing::write_text_file(cert_, certificate.cert_pem);
    server::testing::write_text_file(key_, certificate.key_pem);
  }
  ~ServeTlsTest() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  int serve(const std::filesystem::path& cert, const std::filesystem::path& key) {
    return run({"serve", "--listen", "127.0.0.1:0", "--data", data_, "--tls-cert", cert.string(),
                "--tls-key", key.string()});
  }

  static std::filesystem::path make_temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hipcoach-tls-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    return pattern;
  }

  const std::filesystem::path dir_ = make_temp_dir();
  const std::filesystem::path cert_ = dir_ / "cert.pem";
  const std::filesystem::path key_ = dir_ / "key.pem";
};

TEST_F(ServeTlsTest, ACertificateWithoutAKeyIsAUsageErrorNamingTheFlag) {
  EXPECT_EQ(run({"serve", "--data", data_, "--tls-cert", cert_.string()}), kExitUsage);
  EXPECT_EQ(err(), "hipcoach serve: --tls-cert: given without --tls-key\n");
  EXPECT_EQ(run({"serve", "--data", data_, "--tls-key", key_.string()}), kExitUsage);
  EXPECT_EQ(err(), "hipcoach serve: --tls-key: given without --tls-cert\n");
}

TEST_F(ServeTlsTest, AMissingFileIsAUsageErrorNamingTheFlagAndTheFile) {
  const auto missing = dir_ / "missing.pem";
  EXPECT_EQ(serve(missing, key_), kExitUsage);
  EXPECT_EQ(err(), "hipcoach serve: --tls-cert: cannot read " + missing.string() +
                       ": No such file or directory\n");
  EXPECT_EQ(serve(cert_, missing), kExitUsage);
  EXPECT_EQ(err(), "hipcoach serve: --tls-key: cannot read " + missing.string() +
                       ": No such file or directory\n");
}

TEST_F(ServeTlsTest, GarbagePemIsAUsageErrorNamingTheFlag) {
  const auto garbage = dir_ / "garbage.pem";
  server::testing::write_text_file(garbage, "-----BEGIN CERTIFICATE-----\nnot base64\n");
  EXPECT_EQ(serve(garbage, key_), kExitUsage);
  EXPECT_EQ(err().rfind(
                "hipcoach serve: --tls-cert: " + garbage.string() + " holds no PEM certificate", 0),
            0U)
      << err();
  EXPECT_EQ(serve(cert_, garbage), kExitUsage);
  EXPECT_EQ(err().rfind(
                "hipcoach serve: --tls-key: " + garbage.string() + " holds no PEM private key", 0),
            0U)
      << err();
}

TEST_F(ServeTlsTest, TheKeyOfAnotherCertificateIsAUsageErrorNamingTheKeyFlag) {
  const auto other = dir_ / "other.pem";
  server::testing::write_text_file(other, server::testing::make_other_key_pem());
  EXPECT_EQ(serve(cert_, other), kExitUsage);
  EXPECT_EQ(err(), "hipcoach serve: --tls-key: the key in " + other.string() +
                       " does not match the certificate in " + cert_.string() + "\n");
  EXPECT_EQ(out(), "");
}

TEST_F(CliTest, HelpAndVersionExitZero) {
  EXPECT_EQ(run({"--help"}), kExitOk);
  EXPECT_NE(out().find("protocol"), std::string::npos) << out();
  EXPECT_EQ(run({"--version"}), kExitOk);
  EXPECT_NE(out().find("hipcoach 0.1.0"), std::string::npos) << out();
}

constexpr const char* kSelfCareAnswers = R"({"age": 54, "side": "left",
  "locations": ["outer_hip"], "pain_now": 4, "worst_pain_week": 6, "duration_weeks": 3,
  "aggravators": ["lying_on_side"], "red_flags": [], "cautions": []})";

TEST_F(CliTest, TriageReadsAnswersFromStdinAndPrintsJson) {
  ASSERT_EQ(run({"triage", "--answers", "-", "--json", "--data", data_}, kSelfCareAnswers), kExitOk)
      << err();
  const auto json = nlohmann::json::parse(out());
  EXPECT_EQ(json["disposition"], "self_care");
  EXPECT_EQ(json["groups"][0]["id"], "gluteus-medius-minimus");
}

TEST_F(CliTest, TriageExitsZeroForAnUrgentResultAndSaysSoFirst) {
  std::string answers = kSelfCareAnswers;
  answers.replace(answers.find("\"red_flags\": []"), 15,
                  R"("red_flags": ["fall_or_injury", "cannot_bear_weight"])");
  ASSERT_EQ(run({"triage", "--answers", "-", "--data", data_}, answers), kExitOk) << err();
  EXPECT_EQ(out().rfind("\n*** URGENT: get medical care today. ***\n", 0), 0u) << out();
  EXPECT_EQ(out().find("Where to start"), std::string::npos) << out();
  // The clinic's number where it says to get care, and its emergency number.
  EXPECT_NE(out().find("call 911 (or your local emergency\nnumber)."), std::string::npos) << out();
  EXPECT_NE(out().find("Contact the clinic: More 4 Life Physical Therapy, St. Louis, MO. Phone\n"
                       "314-941-3970 (opening hours: call to ask)."),
            std::string::npos)
      << out();
}

TEST_F(CliTest, TriageNamesTheClinicsPhoneWhenSelfCareIsAReasonableStart) {
  ASSERT_EQ(run({"triage", "--answers", "-", "--data", data_}, kSelfCareAnswers), kExitOk) << err();
  const std::size_t not_diagnosis = out().find("This is not a diagnosis.");
  ASSERT_NE(not_diagnosis, std::string::npos) << out();
  EXPECT_NE(out().find("314-941-3970", not_diagnosis), std::string::npos) << out();
}

TEST_F(CliTest, TriageRejectsInvalidAnswersNamingTheField) {
  std::string answers = kSelfCareAnswers;
  answers.replace(answers.find("\"pain_now\": 4"), 13, "\"pain_now\": 14");
  EXPECT_EQ(run({"triage", "--answers", "-", "--data", data_}, answers), kExitInvalidData);
  EXPECT_EQ(err(), "hipcoach triage: -: /pain_now: must be an integer 0..10, got 14\n");
}

TEST_F(CliTest, TriageNamesAnUnreadableAnswersFile) {
  EXPECT_EQ(run({"triage", "--answers", "/nonexistent/answers.json", "--data", data_}),
            kExitInvalidData);
  EXPECT_EQ(err(), "hipcoach triage: --answers: cannot read \"/nonexistent/answers.json\"\n");
}

TEST_F(CliTest, TriageAsksAgainAfterABadAnswerThenGivesTheResult) {
  // Age 200 is refused, then 54; "0" is no place; pain 12 is refused.
  const std::string typed = "200\n54\n1\n0\n1\n4\n12\n6\n3\n1\n0\n0\n";
  ASSERT_EQ(run({"triage", "--data", data_}, typed), kExitOk) << err();
  EXPECT_NE(out().find("Please answer again: must be an integer 0..120, got 200."),
            std::string::npos)
      << out();
  EXPECT_NE(out().find("Please answer again: \"0\" is not one of the numbers shown."),
            std::string::npos)
      << out();
  EXPECT_NE(out().find("Please answer again: must be an integer 0..10, got 12."), std::string::npos)
      << out();
  EXPECT_NE(out().find("SELF-CARE is a reasonable start."), std::string::npos) << out();
}

TEST_F(CliTest, TriageStopsWithAnErrorWhenInputEndsEarly) {
  EXPECT_EQ(run({"triage", "--data", data_}, "54\n1\n"), kExitInvalidData);
  EXPECT_NE(err().find("the input ended before question 3 (\"locations\")"), std::string::npos)
      << err();
}

}  // namespace
}  // namespace hipcoach::cli
