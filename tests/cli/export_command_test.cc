#include <nlohmann/json.hpp>

#include "../service/fhir_validator.h"
#include "cli_database_test.h"

namespace hipcoach::cli {
namespace {

using nlohmann::json;

class ExportCommand : public testing::CliDatabaseTest {
 protected:
  void SetUp() override { add_patient(); }

  void add_pain(const std::string& pain, const std::string& note) {
    ASSERT_EQ(
        run_as_patient({"diary", "add", pain, "--note", note, "--at", "2026-11-24T08:00:00-06:00"}),
        kExitOk)
        << err();
  }

  json exported(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"export", "--data", data_};
    args.insert(args.end(), extra.begin(), extra.end());
    EXPECT_EQ(run_as_patient(args), kExitOk) << err();
    return json::parse(out(), nullptr, false);
  }
};

TEST_F(ExportCommand, PrintsTheRecordAsAFhirBundleThatFollowsTheR4Rules) {
  add_pain("6", "after the long walk");
  const json bundle = exported({"--fhir"});
  ASSERT_FALSE(bundle.is_discarded()) << out();
  EXPECT_EQ(bundle["resourceType"], "Bundle");
  EXPECT_EQ(bundle["timestamp"], "2026-11-25T14:00:00Z");
  ASSERT_EQ(bundle["entry"].size(), 2U) << out();
  EXPECT_EQ(bundle["entry"][0]["resource"]["telecom"][0]["value"], kPatient);
  const json& observation = bundle["entry"][1]["resource"];
  EXPECT_EQ(observation["code"]["coding"][0]["code"], "72514-3");
  EXPECT_EQ(observation["effectiveDateTime"], "2026-11-24T08:00:00-06:00");
  EXPECT_EQ(observation["note"][0]["text"], "after the long walk");
  std::string problems;
  for (const std::string& problem : service::testing::validate_fhir_bundle(bundle)) {
    problems += problem + "\n";
  }
  EXPECT_EQ(problems, "") << out();
}

TEST_F(ExportCommand, PrintsTheJsonExportWithoutFhir) {
  add_pain("6", "after the long walk");
  const json record = exported();
  ASSERT_FALSE(record.is_discarded()) << out();
  EXPECT_EQ(record["account"]["email"], kPatient);
  EXPECT_EQ(record["diary"].size(), 1U);
  EXPECT_FALSE(record.contains("resourceType"));
}

TEST_F(ExportCommand, ShowsOnlyTheNamedAccountsRecords) {
  add_pain("6", "only-the-patient-wrote-this");
  ASSERT_EQ(run({"user", "add", "other@example.org", "--db", db_}, "correct horse battery\n"),
            kExitOk)
      << err();
  ASSERT_EQ(run({"export", "--fhir", "--data", data_, "--db", db_, "--user", "other@example.org"}),
            kExitOk)
      << err();
  const json bundle = json::parse(out(), nullptr, false);
  EXPECT_EQ(bundle["entry"].size(), 1U) << out();
  EXPECT_EQ(out().find("only-the-patient"), std::string::npos);
}

TEST_F(ExportCommand, AnUnknownAccountIsAnErrorNamingUser) {
  EXPECT_NE(run({"export", "--fhir", "--data", data_, "--db", db_, "--user", "nobody@example.org"}),
            kExitOk);
  EXPECT_NE(err().find("--user"), std::string::npos) << err();
  EXPECT_EQ(out(), "");
}

}  // namespace
}  // namespace hipcoach::cli
