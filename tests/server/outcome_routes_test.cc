// The clinic outcomes dashboard through the Router, without sockets: only
// staff see it, it counts only patients whose active consent covers the
// parts it needs, it writes one audit row per patient counted before it
// answers, and it answers aggregates only.
#include "outcome_routes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_fixture.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/auth.h"
#include "test_store.h"

namespace hipcoach::server {
namespace {

using nlohmann::json;
using std::chrono::days;
using testing::kPassword;
using testing::Reply;

class OutcomeRoutes : public testing::ApiFixture {
 protected:
  static constexpr std::string_view kTarget = "/api/v1/clinic/outcomes";

  // Makes a staff account with a session straight in the store (as a staff
  // member who has passed every step of sign-in); returns its token.
  std::string staff(const std::string& email, storage::Role role = storage::Role::kClinician) {
    EXPECT_TRUE(accounts_->create_account(email, kPassword, role, now_));
    const std::string token = service::new_session_token();
    storage::Session session;
    session.token_hash = service::token_hash(token);
    session.user_id = id_of(email);
    session.created_at = now_;
    session.expires_at = now_ + days{60};
    EXPECT_TRUE(store_.create_session(session));
    return token;
  }
  std::int64_t id_of(const std::string& email) { return store_.find_user_by_email(email)->id; }

  // A patient with pain `from` 70 days ago and `to` 14 days ago (week 8),
  // through the diary route; returns the token.
  std::string patient(const std::string& email, int from, int to) {
    const std::string token = sign_up(email);
    diary(token, from, days{70});
    diary(token, to, days{14});
    return token;
  }
  void diary(const std::string& token, int pain, days ago) {
    const Reply reply = post("/api/v1/diary",
                             {{"pain", pain},
                              {"context", "rest"},
                              {"at", core::format_timestamp(now_ - ago)},
                              {"side", "left"}},
                             token);
    EXPECT_EQ(reply.status, 201) << reply.raw;
  }
  std::int64_t grant(const json& parts, const std::string& token) {
    const Reply reply =
        post("/api/v1/consents", {{"parts", parts}, {"until", "2026-12-25T15:00:00Z"}}, token);
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.body.value("id", std::int64_t{0});
  }
  Reply outcomes(const std::string& token, std::string_view query = "") {
    return get(std::string(kTarget) + std::string(query), token);
  }
  std::vector<storage::AuditEntry> audit() {
    return *store_.list_audit(storage::kMaxListLimit, std::nullopt);
  }
  static json pain(const json& report) { return report.at("measures").at(0); }
};

TEST_F(OutcomeRoutes, AnEmptyClinicAnswersZeroesAndWritesNoAuditRow) {
  const std::string doc = staff("doc@clinic.example");
  const Reply reply = outcomes(doc);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.header("Cache-Control"), "no-store");
  EXPECT_EQ(reply.body.at("patients").at("counted"), 0);
  EXPECT_EQ(pain(reply.body).at("patients"), 0);
  EXPECT_TRUE(pain(reply.body).at("reached_percent").is_null());
  EXPECT_TRUE(audit().empty());
}

TEST_F(OutcomeRoutes, CountsPatientsAtBelowAndAboveThePainThreshold) {
  grant({"diary"}, patient("at@example.org", 6, 5));
  grant({"diary"}, patient("below@example.org", 6, 6));
  grant({"diary", "sessions"}, patient("above@example.org", 6, 2));
  const Reply reply = outcomes(staff("doc@clinic.example"));
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body.at("patients").at("counted"), 3);
  const json measure = pain(reply.body);
  EXPECT_EQ(measure.at("id"), "pain");
  EXPECT_EQ(measure.at("with_week_8_value"), 3);
  EXPECT_EQ(measure.at("reached"), 2);
  EXPECT_EQ(measure.at("reached_percent"), 67);
  EXPECT_EQ(measure.at("thresholds").at(0).at("cite"), json({"salaffi-2004"}));
  EXPECT_EQ(reply.body.at("sessions").at("counted"), 1);
  EXPECT_EQ(reply.body.at("sessions").at("median"), 0);
  // Aggregates only: no email and no patient id.
  EXPECT_EQ(reply.raw.find("example.org"), std::string::npos) << reply.raw;
  EXPECT_EQ(reply.raw.find("patient_id"), std::string::npos);
}

TEST_F(OutcomeRoutes, WritesOneAuditRowPerPatientCountedThatThePatientSees) {
  const std::string counted = patient("counted@example.org", 6, 3);
  grant({"diary"}, counted);
  const std::string private_patient = patient("private@example.org", 6, 3);
  const std::string triage_only = patient("triage@example.org", 6, 3);
  grant({"triage"}, triage_only);
  const std::string revoked = patient("revoked@example.org", 6, 3);
  const std::int64_t consent = grant({"diary", "questionnaires"}, revoked);
  ASSERT_EQ(del("/api/v1/consents/" + std::to_string(consent), revoked).status, 204);
  const std::string diary_only = patient("diary@example.org", 7, 7);
  grant({"diary"}, diary_only);

  const std::string doc = staff("doc@clinic.example");
  const Reply reply = outcomes(doc);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body.at("patients").at("counted"), 2);
  EXPECT_EQ(reply.body.at("patients").at("sharing_other_parts_only"), 1);
  EXPECT_EQ(reply.body.at("measures").at(1).at("patients"), 0) << "nobody shares function";

  const std::vector<storage::AuditEntry> rows = audit();
  ASSERT_EQ(rows.size(), 2U);
  for (const storage::AuditEntry& row : rows) {
    EXPECT_EQ(row.actor_id, id_of("doc@clinic.example"));
    EXPECT_EQ(row.action, "read");
    EXPECT_EQ(row.what, "outcomes");
    EXPECT_EQ(row.why, "clinic outcomes dashboard");
    EXPECT_EQ(row.at, now_);
  }
  std::vector<std::int64_t> patients = {rows[0].patient_id, rows[1].patient_id};
  std::sort(patients.begin(), patients.end());
  EXPECT_EQ(patients,
            (std::vector<std::int64_t>{id_of("counted@example.org"), id_of("diary@example.org")}));
  const Reply seen = get("/api/v1/me/audit", counted);
  ASSERT_EQ(seen.body.at("audit").size(), 1U) << seen.raw;
  json row = seen.body.at("audit").at(0);
  row.erase("id");
  EXPECT_EQ(row, json({{"at", "2026-11-25T15:00:00Z"},
                       {"actor", {{"email", "doc@clinic.example"}, {"role", "clinician"}}},
                       {"action", "read"},
                       {"what", "outcomes"},
                       {"why", "clinic outcomes dashboard"}}));
  for (const std::string* token : {&private_patient, &triage_only, &revoked}) {
    EXPECT_TRUE(get("/api/v1/me/audit", *token).body.at("audit").empty());
  }
  // HEAD reads as much, so it is logged as much.
  ASSERT_EQ(call({.method = "HEAD", .target = std::string(kTarget), .token = doc}).status, 200);
  EXPECT_EQ(audit().size(), 4U);
}

TEST_F(OutcomeRoutes, EachAuditRowCarriesTheRequestsId) {
  grant({"diary"}, patient("pat@example.org", 6, 3));
  const std::string target(kTarget);
  const std::string authorization = "Bearer " + staff("doc@clinic.example");
  const Response response = router_->handle(Request{.method = "GET",
                                                    .target = target,
                                                    .host = testing::kHost,
                                                    .authorization = authorization,
                                                    .request_id = "3f9c01ab-4218"});
  ASSERT_EQ(response.status, 200) << *response.body;
  ASSERT_EQ(audit().size(), 1U);
  EXPECT_EQ(audit().front().request_id, "3f9c01ab-4218");
}

TEST_F(OutcomeRoutes, AnExpiredConsentIsNotCounted) {
  grant({"diary"}, patient("pat@example.org", 6, 3));
  const std::string doc = staff("doc@clinic.example");
  now_ = std::chrono::sys_days{std::chrono::year{2026} / 12 / 26};
  const Reply reply = outcomes(doc);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body.at("patients").at("counted"), 0);
  EXPECT_TRUE(audit().empty());
}

TEST_F(OutcomeRoutes, APatientTooEarlyIsCountedAsTooEarly) {
  const std::string token = sign_up("new@example.org");
  diary(token, 7, days{20});
  diary(token, 3, days{1});
  grant({"diary"}, token);
  const Reply reply = outcomes(staff("doc@clinic.example"));
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(pain(reply.body).at("too_early"), 1);
  EXPECT_EQ(pain(reply.body).at("with_week_8_value"), 0);
  EXPECT_EQ(audit().size(), 1U) << "read, though too early";
}

TEST_F(OutcomeRoutes, APatientGets403AndNothingIsReadOrLogged) {
  const std::string pat = patient("pat@example.org", 6, 3);
  grant({"diary", "questionnaires", "triage", "sessions"}, pat);
  const Reply reply = outcomes(pat);
  EXPECT_EQ(reply.status, 403) << reply.raw;
  EXPECT_EQ(reply.body.at("where"), "role");
  EXPECT_EQ(reply.raw.find("measures"), std::string::npos);
  // The role is checked before the method and the parameters.
  EXPECT_EQ(outcomes(pat, "?weeks=8").status, 403);
  EXPECT_EQ(
      call({.method = "POST", .target = std::string(kTarget), .body = "{}", .token = pat}).status,
      403);
  EXPECT_TRUE(audit().empty());
}

TEST_F(OutcomeRoutes, AnAdminMayReadItToo) {
  grant({"diary"}, patient("pat@example.org", 6, 3));
  const Reply reply = outcomes(staff("admin@clinic.example", storage::Role::kAdmin));
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body.at("patients").at("counted"), 1);
}

TEST_F(OutcomeRoutes, WithoutASessionIs401) {
  const Reply reply = outcomes("");
  EXPECT_EQ(reply.status, 401) << reply.raw;
}

TEST_F(OutcomeRoutes, AnyQueryParameterIsA400NamingItAndNothingIsLogged) {
  grant({"diary"}, patient("pat@example.org", 6, 3));
  const std::string doc = staff("doc@clinic.example");
  struct Case {
    std::string query;
    std::string where;
  };
  for (const Case& c : std::vector<Case>{{"?weeks=8", "weeks"},
                                         {"?reason=x", "reason"},
                                         {"?&from", "from"},
                                         {"?a%20b=1", "a b"},
                                         {"?%ZZ=1", "query"},
                                         {"?a%0Ab", "query"},
                                         {"?" + std::string(65, 'x'), "query"}}) {
    SCOPED_TRACE(c.query);
    const Reply reply = outcomes(doc, c.query);
    EXPECT_EQ(reply.status, 400) << reply.raw;
    EXPECT_EQ(reply.body.at("where"), c.where);
    EXPECT_EQ(reply.body.at("detail"), "is not a parameter of this route, which takes none");
  }
  EXPECT_EQ(outcomes(doc, "?").status, 200);
  EXPECT_EQ(audit().size(), 1U);
}

TEST_F(OutcomeRoutes, OtherMethodsAre405) {
  const std::string doc = staff("doc@clinic.example");
  for (const std::string_view method : {"POST", "PUT", "DELETE", "PATCH"}) {
    SCOPED_TRACE(method);
    const Reply reply = call({.method = method,
                              .target = std::string(kTarget),
                              .body = "{}",
                              .token = doc,
                              .origin = testing::kOwnOrigin});
    EXPECT_EQ(reply.status, 405) << reply.raw;
    EXPECT_EQ(reply.header("Allow"), "GET, HEAD");
  }
}

TEST_F(OutcomeRoutes, NoAnswerLeavesWhenAnAuditRowCannotBeWritten) {
  grant({"diary"}, patient("pat@example.org", 6, 3));
  const std::string doc = staff("doc@clinic.example");
  // The read through a store that fails its call number `failing_call`.
  const auto read_through = [&](int failing_call, int* calls) {
    return get_with_failing_store(failing_call, std::string(kTarget), doc, calls);
  };
  int calls = 0;
  ASSERT_EQ(read_through(-1, &calls).status, 200);
  ASSERT_EQ(audit().size(), 1U);
  // The last store call is the one that appends the audit row.
  int ignored = 0;
  const Response refused = read_through(calls, &ignored);
  EXPECT_EQ(refused.status, 503) << *refused.body;
  EXPECT_EQ(refused.body->find("measures"), std::string::npos) << *refused.body;
  EXPECT_EQ(audit().size(), 1U);
}

}  // namespace
}  // namespace hipcoach::server
