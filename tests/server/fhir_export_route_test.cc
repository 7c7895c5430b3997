// GET /api/v1/me/export?format=fhir: the record as a FHIR R4 Bundle.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../service/fhir_validator.h"
#include "api_fixture.h"

namespace hipcoach::server {
namespace {

using nlohmann::json;
using testing::Reply;

class FhirExportRoute : public testing::ApiFixture {
 protected:
  void add_entry(const std::string& token, const std::string& note) {
    const Reply reply = post("/api/v1/diary",
                             {{"pain", 6},
                              {"context", "activity"},
                              {"side", "left"},
                              {"note", note},
                              {"at", "2026-11-24T08:30:00-06:00"}},
                             token);
    ASSERT_EQ(reply.status, 201) << reply.raw;
  }

  static std::string problems(const json& bundle) {
    std::string text;
    for (const std::string& problem : service::testing::validate_fhir_bundle(bundle)) {
      text += problem + "\n";
    }
    return text;
  }
};

TEST_F(FhirExportRoute, AnswersTheRecordAsAFhirBundleToDownload) {
  const std::string token = sign_up("pat@example.org");
  add_entry(token, "after the long walk");
  const Reply reply = get("/api/v1/me/export?format=fhir", token);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.header("Content-Type"), "application/fhir+json");
  EXPECT_EQ(reply.header("Content-Disposition"), "attachment; filename=\"hipcoach-fhir.json\"");
  EXPECT_EQ(reply.header("Cache-Control"), "no-store");
  EXPECT_EQ(reply.body["resourceType"], "Bundle");
  EXPECT_EQ(reply.body["timestamp"], "2026-11-25T15:00:00Z");
  ASSERT_EQ(reply.body["entry"].size(), 2U) << reply.raw;
  EXPECT_EQ(reply.body["entry"][1]["resource"]["note"][0]["text"], "after the long walk");
  EXPECT_EQ(problems(reply.body), "") << reply.body.dump(2);
}

TEST_F(FhirExportRoute, AnotherPatientsRecordsNeverAppear) {
  const std::string owner = sign_up("owner@example.org");
  const std::string other = sign_up("other@example.org");
  add_entry(owner, "only-the-owner-wrote-this");
  const Reply reply = get("/api/v1/me/export?format=fhir", other);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body["entry"].size(), 1U) << reply.raw;
  EXPECT_EQ(reply.raw.find("only-the-owner"), std::string::npos);
  EXPECT_EQ(reply.raw.find("owner@example.org"), std::string::npos);
  EXPECT_EQ(problems(reply.body), "");
}

TEST_F(FhirExportRoute, NeedsASession) {
  sign_up("pat@example.org");
  const Reply reply = get("/api/v1/me/export?format=fhir", "");
  EXPECT_EQ(reply.status, 401) << reply.raw;
  EXPECT_EQ(reply.raw.find("Bundle"), std::string::npos);
}

TEST_F(FhirExportRoute, AnUnknownFormatIsA400NamingFormat) {
  const std::string token = sign_up("pat@example.org");
  const Reply reply = get("/api/v1/me/export?format=hl7", token);
  EXPECT_EQ(reply.status, 400) << reply.raw;
  EXPECT_EQ(reply.body["where"], "format");
  EXPECT_EQ(reply.body["detail"], "must be json, csv or fhir");
}

}  // namespace
}  // namespace hipcoach::server
