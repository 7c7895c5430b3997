// The clinician summary through the Router, without sockets: a patient reads
// their own as JSON and as a PDF; staff get the PDF only while a consent is
// active, with only the shared parts, and each read is in the audit log.
#include "summary_routes.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "api_fixture.h"
#include "hipcoach/core/timestamp.h"

namespace hipcoach::server {
namespace {

using nlohmann::json;
using testing::kPassword;
using testing::Reply;

class SummaryRoutes : public testing::ApiFixture {
 protected:
  std::string staff(const std::string& email) { return sign_in_staff(email); }
  std::int64_t id_of(const std::string& email) { return store_.find_user_by_email(email)->id; }

  // A patient with two pain ratings; returns the token.
  std::string patient(const std::string& email) {
    const std::string token = sign_up(email);
    for (const auto& [pain, hours] : {std::pair{7, 48}, std::pair{4, 1}}) {
      storage::DiaryEntry entry;
      entry.user_id = id_of(email);
      entry.pain = pain;
      entry.at_utc = now_ - std::chrono::hours{hours};
      entry.at = core::format_timestamp(entry.at_utc);
      EXPECT_TRUE(store_.add_diary_entry(entry));
    }
    return token;
  }
  void grant(const json& parts, const std::string& token) {
    const Reply reply =
        post("/api/v1/consents", {{"parts", parts}, {"until", "2026-11-26T15:00:00Z"}}, token);
    EXPECT_EQ(reply.status, 201) << reply.raw;
  }
  std::size_t audit_rows() {
    return store_.list_audit(storage::kMaxListLimit, std::nullopt)->size();
  }
  std::string staff_path(std::int64_t patient) {
    return "/api/v1/patients/" + std::to_string(patient) + "/summary.pdf";
  }
};

TEST_F(SummaryRoutes, APatientReadsTheirSummaryAsJson) {
  const std::string token = patient("pat@example.org");
  const Reply reply = get("/api/v1/me/summary", token);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body.at("email"), "pat@example.org");
  EXPECT_EQ(reply.body.at("parts"), json({"diary", "questionnaires", "triage", "sessions"}));
  EXPECT_EQ(reply.body.at("measures").at(0).at("id"), "pain");
  EXPECT_EQ(reply.header("Cache-Control"), "no-store");
}

TEST_F(SummaryRoutes, APatientDownloadsTheSummaryAsAPdf) {
  const std::string token = patient("pat@example.org");
  const Reply reply = get("/api/v1/me/summary.pdf", token);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.header("Content-Type"), "application/pdf");
  EXPECT_EQ(reply.header("Content-Disposition"), "attachment; filename=\"hipcoach-summary.pdf\"");
  EXPECT_EQ(reply.header("Cache-Control"), "no-store");
  EXPECT_TRUE(reply.raw.starts_with("%PDF-"));
  EXPECT_NE(reply.raw.find("pat@example.org"), std::string::npos);
}

TEST_F(SummaryRoutes, NeedsASignIn) {
  EXPECT_EQ(get("/api/v1/me/summary.pdf", "").status, 401);
  EXPECT_EQ(get("/api/v1/me/summary", "").status, 401);
}

TEST_F(SummaryRoutes, AnswersOtherMethodsWith405) {
  const std::string token = patient("pat@example.org");
  EXPECT_EQ(del("/api/v1/me/summary.pdf", token).status, 405);
}

TEST_F(SummaryRoutes, StaffWithoutConsentGet404LikeAPatientWhoDoesNotExist) {
  patient("pat@example.org");
  const std::string clinician = staff("doc@clinic.example");
  const Reply refused = get(staff_path(id_of("pat@example.org")), clinician);
  const Reply missing = get(staff_path(999999), clinician);
  EXPECT_EQ(refused.status, 404);
  EXPECT_EQ(refused.raw, missing.raw);
  EXPECT_EQ(get("/api/v1/patients/abc/summary.pdf", clinician).raw, missing.raw);
  EXPECT_EQ(audit_rows(), 0u);
}

TEST_F(SummaryRoutes, StaffWithConsentGetTheSharedPartsAndAnAuditRow) {
  const std::string token = patient("pat@example.org");
  grant({"diary"}, token);
  const std::string clinician = staff("doc@clinic.example");
  const Reply reply = get(staff_path(id_of("pat@example.org")) + "?reason=follow-up", clinician);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_TRUE(reply.raw.starts_with("%PDF-"));
  EXPECT_NE(reply.raw.find("shared: diary."), std::string::npos);
  EXPECT_EQ(reply.raw.find("Triage"), std::string::npos) << "triage is not shared";
  const auto rows = store_.list_audit_for_patient(id_of("pat@example.org"));
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->at(0).what, "summary");
  EXPECT_EQ(rows->at(0).why, "follow-up");
}

TEST_F(SummaryRoutes, RevokedConsentStopsTheNextRead) {
  const std::string token = patient("pat@example.org");
  grant({"diary", "triage"}, token);
  const std::string clinician = staff("doc@clinic.example");
  ASSERT_EQ(get(staff_path(id_of("pat@example.org")), clinician).status, 200);
  const std::int64_t consent = get("/api/v1/consents", token).body["consents"][0]["id"];
  ASSERT_EQ(del("/api/v1/consents/" + std::to_string(consent), token).status, 204);
  EXPECT_EQ(get(staff_path(id_of("pat@example.org")), clinician).status, 404);
  EXPECT_EQ(audit_rows(), 1u);
}

TEST_F(SummaryRoutes, APatientCannotReadTheStaffSummary) {
  const std::string token = patient("pat@example.org");
  grant({"diary"}, token);
  const std::string other = patient("other@example.org");
  EXPECT_EQ(get(staff_path(id_of("pat@example.org")), other).status, 403);
}

}  // namespace
}  // namespace hipcoach::server
