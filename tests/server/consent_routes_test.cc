// Consent, staff reads and the audit log through the Router, without
// sockets: a patient grants, lists and revokes; staff see only what an
// active consent covers, a refusal looks exactly like a patient who does not
// exist, and every read they make is in the patient's audit; nothing
// changes the audit through the API.
#include "consent_routes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "api_fixture.h"
#include "test_store.h"

namespace hipcoach::server {
namespace {

using nlohmann::json;
using testing::kOwnOrigin;
using testing::kPassword;
using testing::Reply;

constexpr std::string_view kEveryPart[] = {"diary", "questionnaires", "triage", "sessions"};

class ConsentRoutes : public testing::ApiFixture {
 protected:
  // One day after the fixture's clock, as RFC 3339.
  static constexpr std::string_view kTomorrow = "2026-11-26T15:00:00Z";

  // Makes a staff account and signs it in with both steps; returns the token.
  std::string staff(const std::string& email, storage::Role role) {
    return sign_in_staff(email, role);
  }
  std::int64_t id_of(const std::string& email) { return store_.find_user_by_email(email)->id; }

  // A patient with one record of each kind but questionnaires; returns the token.
  std::string patient(const std::string& email) {
    const std::string token = sign_up(email);
    const std::int64_t id = id_of(email);
    storage::DiaryEntry entry;
    entry.user_id = id;
    entry.pain = 6;
    entry.at = "2026-11-25T08:30:00-06:00";
    entry.at_utc = now_ - std::chrono::hours{1};
    EXPECT_TRUE(store_.add_diary_entry(entry));
    EXPECT_TRUE(store_.save_triage({0, id, now_, R"({"a":1})", R"({"level":"self_care"})"}));
    storage::GuidedSessionRecord session;
    session.user_id = id;
    session.started_at = now_ - std::chrono::hours{2};
    session.ended_at = now_ - std::chrono::hours{1};
    session.record_json = "{}";
    EXPECT_TRUE(store_.add_guided_session(session));
    return token;
  }

  Reply grant(const json& parts, std::string_view until, const std::string& token) {
    return post("/api/v1/consents", {{"parts", parts}, {"until", until}}, token);
  }
  std::int64_t granted(const json& parts, const std::string& token) {
    const Reply reply = grant(parts, kTomorrow, token);
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.body.value("id", std::int64_t{0});
  }
  Reply read(std::int64_t patient, std::string_view part, const std::string& token,
             std::string_view query = "") {
    return get(fmt_path(patient, part) + std::string(query), token);
  }
  static std::string fmt_path(std::int64_t patient, std::string_view part) {
    return "/api/v1/patients/" + std::to_string(patient) + "/" + std::string(part);
  }
  std::size_t audit_rows() {
    return store_.list_audit(storage::kMaxListLimit, std::nullopt)->size();
  }
};

TEST_F(ConsentRoutes, APatientGrantsListsAndRevokesAConsent) {
  const std::string token = sign_up("pat@example.org");
  const Reply created = grant({"triage", "diary"}, "2026-12-01T09:00:00-06:00", token);
  ASSERT_EQ(created.status, 201) << created.raw;
  const std::int64_t id = created.body.at("id");
  EXPECT_EQ(created.header("Location"), "/api/v1/consents/" + std::to_string(id));
  EXPECT_EQ(created.body, json({{"id", id},
                                {"parts", {"diary", "triage"}},
                                {"created_at", "2026-11-25T15:00:00Z"},
                                {"until", "2026-12-01T15:00:00Z"},
                                {"revoked_at", nullptr},
                                {"status", "active"}}));
  EXPECT_EQ(get("/api/v1/consents", token).body, json({{"consents", {created.body}}}));

  now_ += std::chrono::hours{1};
  ASSERT_EQ(del("/api/v1/consents/" + std::to_string(id), token).status, 204);
  const json listed = get("/api/v1/consents", token).body.at("consents").at(0);
  EXPECT_EQ(listed.at("status"), "revoked");
  EXPECT_EQ(listed.at("revoked_at"), "2026-11-25T16:00:00Z");
  // Revoking again changes nothing.
  EXPECT_EQ(del("/api/v1/consents/" + std::to_string(id), token).status, 204);
  EXPECT_EQ(get("/api/v1/consents", token).body.at("consents").at(0), listed);
}

TEST_F(ConsentRoutes, SaysAConsentPastItsEndHasExpired) {
  const std::string token = sign_up("pat@example.org");
  granted({"diary"}, token);
  now_ += std::chrono::days{1};
  EXPECT_EQ(get("/api/v1/consents", token).body.at("consents").at(0).at("status"), "expired");
}

TEST_F(ConsentRoutes, RefusesABadConsentNamingWhereAndSavesNothing) {
  const std::string token = sign_up("pat@example.org");
  struct Case {
    std::string body;
    std::string where;
    std::string detail;
  };
  const std::string until = R"("until": "2026-11-26T15:00:00Z")";
  const std::vector<Case> cases = {
      {"[]", "/", "must be a JSON object"},
      {"{" + until + "}", "/parts",
       "is required: a list of diary, questionnaires, triage or sessions"},
      {R"({"parts": "diary", )" + until + "}", "/parts",
       "is required: a list of diary, questionnaires, triage or sessions"},
      {R"({"parts": [], )" + until + "}", "/parts",
       "must name at least one of diary, questionnaires, triage or sessions"},
      {R"({"parts": ["diary", "notes"], )" + until + "}", "/parts/1",
       "must be one of diary, questionnaires, triage or sessions"},
      {R"({"parts": [4], )" + until + "}", "/parts/0",
       "must be one of diary, questionnaires, triage or sessions"},
      {R"({"parts": ["diary", "triage", "diary"], )" + until + "}", "/parts/2",
       "names diary a second time"},
      {R"({"parts": ["diary"]})", "/until",
       "is required: an RFC 3339 time, e.g. 2027-03-01T00:00:00Z"},
      {R"({"parts": ["diary"], "until": 1767225600})", "/until",
       "is required: an RFC 3339 time, e.g. 2027-03-01T00:00:00Z"},
      {R"({"parts": ["diary"], "until": "2026-11-25T15:00:00Z"})", "/until",
       "must be in the future"},
      {R"({"parts": ["diary"], "until": "2025-01-01T00:00:00Z"})", "/until",
       "must be in the future"},
      {R"({"parts": ["diary"], "until": "2027-11-25T15:00:01Z"})", "/until",
       "must be at most 365 days ahead"},
  };
  for (const Case& bad : cases) {
    SCOPED_TRACE(bad.body);
    const Reply reply =
        call({.method = "POST", .target = "/api/v1/consents", .body = bad.body, .token = token});
    ASSERT_EQ(reply.status, 400) << reply.raw;
    EXPECT_EQ(reply.body.at("where"), bad.where);
    EXPECT_EQ(reply.body.at("detail"), bad.detail);
  }
  const Reply garbled = call(
      {.method = "POST", .target = "/api/v1/consents", .body = R"({"parts": )", .token = token});
  EXPECT_EQ(garbled.status, 400);
  const Reply malformed = grant({"diary"}, "tomorrow", token);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.body.at("where"), "/until");
  EXPECT_EQ(get("/api/v1/consents", token).body, json::parse(R"({"consents": []})"));
  // The last moment allowed is accepted.
  EXPECT_EQ(grant({"diary"}, "2027-11-25T15:00:00Z", token).status, 201);
}

TEST_F(ConsentRoutes, RevokingAnotherPatientsConsentIs404AndLeavesItActive) {
  const std::string ana = sign_up("ana@example.org");
  const std::string ben = sign_up("ben@example.org");
  const std::int64_t id = granted({"diary"}, ana);

  const Reply missing = del("/api/v1/consents/999999", ben);
  ASSERT_EQ(missing.status, 404);
  for (const std::string& target :
       {"/api/v1/consents/" + std::to_string(id), std::string("/api/v1/consents/x1"),
        std::string("/api/v1/consents/-1")}) {
    SCOPED_TRACE(target);
    const Reply reply = del(target, ben);
    EXPECT_EQ(reply.status, 404);
    EXPECT_EQ(reply.raw, missing.raw);
  }
  EXPECT_EQ(get("/api/v1/consents", ana).body.at("consents").at(0).at("status"), "active");
  EXPECT_EQ(get("/api/v1/consents", ben).body, json::parse(R"({"consents": []})"));
}

TEST_F(ConsentRoutes, StaffSeeOnlyThePatientsWhoShareNowAndWhat) {
  const std::string ana = sign_up("ana@example.org");
  sign_up("ben@example.org");
  const std::string cem = sign_up("cem@example.org");
  granted({"triage", "diary"}, ana);
  const std::int64_t revoked = granted({"sessions"}, cem);
  ASSERT_EQ(del("/api/v1/consents/" + std::to_string(revoked), cem).status, 204);
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);

  const Reply reply = get("/api/v1/patients", doc);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body, json({{"patients",
                               {{{"id", id_of("ana@example.org")},
                                 {"email", "ana@example.org"},
                                 {"parts", {"diary", "triage"}},
                                 {"until", "2026-11-26T15:00:00Z"}}}}}));
  EXPECT_EQ(reply.header("Cache-Control"), "no-store");
}

TEST_F(ConsentRoutes, ListingThePatientsWhoShareIsAnAuditedReadOfEachListedPatient) {
  const std::string ana = sign_up("ana@example.org");
  const std::string ben = sign_up("ben@example.org");
  const std::string cem = sign_up("cem@example.org");
  granted({"triage"}, ana);
  granted({"diary"}, cem);
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);

  const Reply reply = get("/api/v1/patients?reason=weekly%20review", doc);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  ASSERT_EQ(reply.body["patients"].size(), 2U) << reply.raw;
  for (const std::string& token : {ana, cem}) {
    const Reply audit = get("/api/v1/me/audit", token);
    ASSERT_EQ(audit.body["audit"].size(), 1U) << audit.raw;
    json row = audit.body["audit"][0];
    row.erase("id");
    EXPECT_EQ(row, json({{"at", "2026-11-25T15:00:00Z"},
                         {"actor", {{"email", "doc@clinic.example"}, {"role", "clinician"}}},
                         {"action", "read"},
                         {"what", "patient_list"},
                         {"why", "weekly review"}}));
  }
  EXPECT_EQ(get("/api/v1/me/audit", ben).body, json::parse(R"({"audit": []})"));
  // Without ?reason=, the default.
  ASSERT_EQ(get("/api/v1/patients", doc).status, 200);
  EXPECT_EQ(get("/api/v1/me/audit", ana).body["audit"][0]["why"], "clinical care");
  EXPECT_EQ(audit_rows(), 4U);
}

TEST_F(ConsentRoutes, ABadReasonForTheListIsA400AndNothingIsListedOrLogged) {
  const std::string ana = sign_up("ana@example.org");
  granted({"triage"}, ana);
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  const Reply reply = get("/api/v1/patients?reason=%ZZ", doc);
  EXPECT_EQ(reply.status, 400) << reply.raw;
  EXPECT_EQ(reply.body["where"], "reason");
  EXPECT_EQ(reply.body["detail"], "has a malformed %-escape");
  EXPECT_EQ(reply.raw.find("ana@"), std::string::npos);
  EXPECT_EQ(audit_rows(), 0U);
}

TEST_F(ConsentRoutes, AStaffReadsAuditRowCarriesTheRequestsId) {
  const std::string pat = patient("pat@example.org");
  granted({"diary"}, pat);
  const std::int64_t id = id_of("pat@example.org");
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  const std::string target = fmt_path(id, "diary");
  const std::string authorization = "Bearer " + doc;
  const Response response = router_->handle(Request{.method = "GET",
                                                    .target = target,
                                                    .host = testing::kHost,
                                                    .authorization = authorization,
                                                    .request_id = "3f9c01ab-4217"});
  ASSERT_EQ(response.status, 200) << *response.body;
  const auto rows = store_.list_audit(10, std::nullopt);
  ASSERT_EQ(rows->size(), 1U);
  EXPECT_EQ(rows->front().request_id, "3f9c01ab-4217");
  const std::string admin = staff("admin@clinic.example", storage::Role::kAdmin);
  EXPECT_EQ(get("/api/v1/audit", admin).body["audit"][0]["request_id"], "3f9c01ab-4217");
}

TEST_F(ConsentRoutes, StaffReadEachSharedPartOfTheRecord) {
  const std::string pat = patient("pat@example.org");
  granted({"diary", "questionnaires", "triage", "sessions"}, pat);
  const std::int64_t id = id_of("pat@example.org");
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);

  const Reply diary = read(id, "diary", doc);
  ASSERT_EQ(diary.status, 200) << diary.raw;
  ASSERT_EQ(diary.body.at("entries").size(), 1U) << diary.raw;
  EXPECT_EQ(diary.body.at("entries").at(0).at("pain"), 6);
  EXPECT_EQ(read(id, "questionnaires", doc).body, json::parse(R"({"responses": []})"));
  const Reply triage = read(id, "triage", doc);
  ASSERT_EQ(triage.status, 200) << triage.raw;
  EXPECT_EQ(triage.body.at("triage").at(0).at("result"), json::parse(R"({"level":"self_care"})"));
  const Reply sessions = read(id, "sessions", doc);
  ASSERT_EQ(sessions.status, 200) << sessions.raw;
  EXPECT_EQ(sessions.body.at("sessions").size(), 1U);
  EXPECT_EQ(sessions.header("Cache-Control"), "no-store");
}

// A refusal is the same answer as for a patient id that does not exist.
class ConsentRefusals : public ConsentRoutes {
 protected:
  void expect_every_part_refused(std::int64_t patient, const std::string& token,
                                 const std::vector<std::string_view>& allowed = {}) {
    const Reply nobody = read(patient + 1000, "diary", token);
    ASSERT_EQ(nobody.status, 404);
    for (const std::string_view part : kEveryPart) {
      SCOPED_TRACE(part);
      const Reply reply = read(patient, part, token);
      if (std::find(allowed.begin(), allowed.end(), part) != allowed.end()) {
        EXPECT_EQ(reply.status, 200) << reply.raw;
      } else {
        EXPECT_EQ(reply.status, 404) << reply.raw;
        EXPECT_EQ(reply.raw, nobody.raw);
        EXPECT_EQ(read(patient, part, token, "?reason=urgent").raw, nobody.raw);
        const Reply head =
            call({.method = "HEAD", .target = fmt_path(patient, part), .token = token});
        EXPECT_EQ(head.status, 404);
      }
    }
  }
};

TEST_F(ConsentRefusals, AClinicianWithoutAnyConsentIsRefusedEveryPart) {
  patient("pat@example.org");
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  expect_every_part_refused(id_of("pat@example.org"), doc);
  EXPECT_EQ(get("/api/v1/patients", doc).body, json::parse(R"({"patients": []})"));
  EXPECT_EQ(audit_rows(), 0U);
}

TEST_F(ConsentRefusals, AClinicianIsRefusedOnceTheConsentHasExpired) {
  const std::string pat = patient("pat@example.org");
  granted({"diary", "questionnaires", "triage", "sessions"}, pat);
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  now_ += std::chrono::hours{24} - std::chrono::seconds{1};
  EXPECT_EQ(read(id_of("pat@example.org"), "diary", doc).status, 200);
  now_ += std::chrono::seconds{1};
  expect_every_part_refused(id_of("pat@example.org"), doc);
  EXPECT_EQ(get("/api/v1/patients", doc).body, json::parse(R"({"patients": []})"));
  EXPECT_EQ(audit_rows(), 1U);
}

TEST_F(ConsentRefusals, RevokingStopsAccessOnTheVeryNextRequest) {
  const std::string pat = patient("pat@example.org");
  const std::int64_t consent = granted({"diary", "questionnaires", "triage", "sessions"}, pat);
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  const std::int64_t id = id_of("pat@example.org");
  ASSERT_EQ(read(id, "diary", doc).status, 200);
  // The same second: no clock has to move for the revocation to count.
  ASSERT_EQ(del("/api/v1/consents/" + std::to_string(consent), pat).status, 204);
  expect_every_part_refused(id, doc);
  EXPECT_EQ(audit_rows(), 1U);
}

TEST_F(ConsentRefusals, AConsentToOnePartOpensThatPartOnly) {
  const std::string pat = patient("pat@example.org");
  granted({"triage"}, pat);
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  expect_every_part_refused(id_of("pat@example.org"), doc, {"triage"});
  EXPECT_EQ(audit_rows(), 1U);
}

TEST_F(ConsentRefusals, AnotherPatientsConsentOpensNothingOfThisOne) {
  patient("ana@example.org");
  const std::string ben = patient("ben@example.org");
  granted({"diary", "questionnaires", "triage", "sessions"}, ben);
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  expect_every_part_refused(id_of("ana@example.org"), doc);
  EXPECT_EQ(audit_rows(), 0U);
}

TEST_F(ConsentRefusals, ADeletedAccountSharesNothingButItsAuditRowsStay) {
  const std::string pat = patient("pat@example.org");
  granted({"diary"}, pat);
  const std::int64_t id = id_of("pat@example.org");
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  ASSERT_EQ(read(id, "diary", doc).status, 200);
  ASSERT_EQ(del("/api/v1/me", pat).status, 204);

  expect_every_part_refused(id, doc);
  EXPECT_EQ(get("/api/v1/patients", doc).body, json::parse(R"({"patients": []})"));
  const std::string admin = staff("admin@clinic.example", storage::Role::kAdmin);
  const Reply audit = get("/api/v1/audit", admin);
  ASSERT_EQ(audit.body.at("audit").size(), 1U) << audit.raw;
  EXPECT_EQ(audit.body.at("audit").at(0).at("patient_id"), id);
}

TEST_F(ConsentRoutes, EveryStaffReadIsInThePatientsAuditNewestFirst) {
  const std::string pat = patient("pat@example.org");
  const std::string other = patient("other@example.org");
  granted({"diary", "triage"}, pat);
  granted({"diary"}, other);
  const std::int64_t id = id_of("pat@example.org");
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  const std::string admin = staff("admin@clinic.example", storage::Role::kAdmin);

  ASSERT_EQ(read(id, "diary", doc, "?reason=follow-up+call%20%C3%A9").status, 200);
  now_ += std::chrono::minutes{5};
  ASSERT_EQ(read(id, "triage", admin).status, 200);
  ASSERT_EQ(read(id_of("other@example.org"), "diary", doc).status, 200);

  const Reply audit = get("/api/v1/me/audit", pat);
  ASSERT_EQ(audit.status, 200) << audit.raw;
  ASSERT_EQ(audit.body.at("audit").size(), 2U) << audit.raw;
  json newest = audit.body.at("audit").at(0);
  newest.erase("id");
  EXPECT_EQ(newest, json({{"at", "2026-11-25T15:05:00Z"},
                          {"actor", {{"email", "admin@clinic.example"}, {"role", "admin"}}},
                          {"action", "read"},
                          {"what", "triage"},
                          {"why", "clinical care"}}));
  json oldest = audit.body.at("audit").at(1);
  oldest.erase("id");
  EXPECT_EQ(oldest, json({{"at", "2026-11-25T15:00:00Z"},
                          {"actor", {{"email", "doc@clinic.example"}, {"role", "clinician"}}},
                          {"action", "read"},
                          {"what", "diary"},
                          {"why", "follow-up call é"}}));
  EXPECT_EQ(get("/api/v1/me/audit", other).body.at("audit").size(), 1U);
  EXPECT_EQ(get("/api/v1/me/audit", doc).body, json::parse(R"({"audit": []})"));
}

TEST_F(ConsentRoutes, NoDataLeavesWhenTheAuditRowCannotBeWritten) {
  const std::string pat = patient("pat@example.org");
  granted({"diary"}, pat);
  const std::int64_t id = id_of("pat@example.org");
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  // The read through a store that fails its call number `failing_call`;
  // each try starts afresh, so the calls are numbered the same every time.
  const auto read_through = [&](int failing_call, int* calls) {
    return get_with_failing_store(failing_call, fmt_path(id, "diary"), doc, calls);
  };
  int calls = 0;
  ASSERT_EQ(read_through(-1, &calls).status, 200);
  ASSERT_EQ(audit_rows(), 1U);
  // The read's last store call is the one that appends the audit row.
  int ignored = 0;
  const Response refused = read_through(calls, &ignored);
  EXPECT_EQ(refused.status, 503) << *refused.body;
  EXPECT_EQ(refused.body->find("entries"), std::string::npos) << *refused.body;
  EXPECT_EQ(audit_rows(), 1U);
}

TEST_F(ConsentRoutes, NoListLeavesWhenAPatientsAuditRowCannotBeWritten) {
  granted({"diary"}, sign_up("ana@example.org"));
  granted({"triage"}, sign_up("ben@example.org"));
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  const auto list_through = [&](int failing_call, int* calls) {
    return get_with_failing_store(failing_call, "/api/v1/patients", doc, calls);
  };
  int calls = 0;
  ASSERT_EQ(list_through(-1, &calls).status, 200);
  ASSERT_EQ(audit_rows(), 2U);
  // The last two calls append the two rows: failing either sends no list.
  for (const int failing_call : {calls - 1, calls}) {
    int ignored = 0;
    const Response refused = list_through(failing_call, &ignored);
    EXPECT_EQ(refused.status, 503) << failing_call << *refused.body;
    EXPECT_EQ(refused.body->find("@example.org"), std::string::npos) << *refused.body;
  }
}

TEST_F(ConsentRoutes, ABadReasonIsA400AndNothingIsReadOrLogged) {
  const std::string pat = patient("pat@example.org");
  granted({"diary"}, pat);
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  const std::int64_t id = id_of("pat@example.org");
  for (const std::string& query :
       {std::string("?reason=%ZZ"), std::string("?reason=%FF"), std::string("?reason=a%0Ab"),
        "?reason=" + std::string(storage::kMaxAuditReasonBytes + 1, 'r')}) {
    SCOPED_TRACE(query);
    const Reply reply = read(id, "diary", doc, query);
    EXPECT_EQ(reply.status, 400) << reply.raw;
    EXPECT_EQ(reply.body.at("where"), "reason");
  }
  EXPECT_EQ(read(id, "diary", doc, "?limit=0").status, 400);
  EXPECT_EQ(audit_rows(), 0U);
}

TEST_F(ConsentRoutes, APatientGets403FromEveryStaffRoute) {
  const std::string pat = patient("pat@example.org");
  granted({"diary", "questionnaires", "triage", "sessions"}, pat);
  const std::int64_t id = id_of("pat@example.org");
  std::vector<std::string> targets = {"/api/v1/patients", "/api/v1/audit",
                                      "/api/v1/patients/" + std::to_string(id) + "/x"};
  for (const std::string_view part : kEveryPart) targets.push_back(fmt_path(id, part));
  for (const std::string& target : targets) {
    SCOPED_TRACE(target);
    const Reply reply = get(target, pat);
    EXPECT_EQ(reply.status, 403) << reply.raw;
    EXPECT_EQ(reply.body.at("where"), "role");
  }
  EXPECT_EQ(audit_rows(), 0U);
}

TEST_F(ConsentRoutes, OnlyAnAdminReadsTheWholeAudit) {
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  const Reply refused = get("/api/v1/audit", doc);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body.at("detail"), "only an admin may read the whole audit log");
  const std::string admin = staff("admin@clinic.example", storage::Role::kAdmin);
  EXPECT_EQ(get("/api/v1/audit", admin).body, json::parse(R"({"audit": [], "next": null})"));
}

TEST_F(ConsentRoutes, AnAdminPagesTheWholeAuditNewestFirst) {
  const std::string pat = patient("pat@example.org");
  granted({"diary", "triage", "sessions"}, pat);
  const std::int64_t id = id_of("pat@example.org");
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  for (const std::string_view part : {"diary", "triage", "sessions"}) {
    ASSERT_EQ(read(id, part, doc).status, 200);
  }
  const std::string admin = staff("admin@clinic.example", storage::Role::kAdmin);

  const Reply first = get("/api/v1/audit?limit=2", admin);
  ASSERT_EQ(first.status, 200) << first.raw;
  ASSERT_EQ(first.body.at("audit").size(), 2U);
  EXPECT_EQ(first.body.at("audit").at(0).at("what"), "sessions");
  EXPECT_EQ(first.body.at("audit").at(0).at("patient_id"), id);
  EXPECT_EQ(first.body.at("audit").at(0).at("actor").at("id"), id_of("doc@clinic.example"));
  EXPECT_EQ(first.body.at("audit").at(1).at("what"), "triage");
  const std::string next = first.body.at("next");
  const Reply rest = get("/api/v1/audit?limit=2&before=" + next, admin);
  ASSERT_EQ(rest.body.at("audit").size(), 1U) << rest.raw;
  EXPECT_EQ(rest.body.at("audit").at(0).at("what"), "diary");
  EXPECT_EQ(rest.body.at("next"), nullptr);

  for (const std::string_view query : {"?limit=0", "?limit=1001", "?limit=x"}) {
    const Reply bad = get("/api/v1/audit" + std::string(query), admin);
    EXPECT_EQ(bad.status, 400) << query;
    EXPECT_EQ(bad.body.at("where"), "limit") << query;
  }
  const Reply bad_before = get("/api/v1/audit?before=x", admin);
  EXPECT_EQ(bad_before.status, 400);
  EXPECT_EQ(bad_before.body.at("where"), "before");
}

TEST_F(ConsentRoutes, NoRouteChangesOrDeletesTheAudit) {
  const std::string pat = patient("pat@example.org");
  granted({"diary"}, pat);
  const std::int64_t id = id_of("pat@example.org");
  const std::string doc = staff("doc@clinic.example", storage::Role::kClinician);
  const std::string admin = staff("admin@clinic.example", storage::Role::kAdmin);
  ASSERT_EQ(read(id, "diary", doc).status, 200);
  const std::string before = get("/api/v1/audit", admin).raw;

  for (const std::string& token : {pat, doc, admin}) {
    for (const std::string_view method : {"POST", "PUT", "PATCH", "DELETE"}) {
      for (const std::string& target :
           {std::string("/api/v1/audit"), std::string("/api/v1/audit/1"),
            std::string("/api/v1/me/audit"), std::string("/api/v1/me/audit/1"),
            fmt_path(id, "diary")}) {
        SCOPED_TRACE(std::string(method) + " " + target);
        const Reply reply =
            call({.method = method, .target = target, .body = "{}", .token = token});
        EXPECT_TRUE(reply.status == 403 || reply.status == 404 || reply.status == 405)
            << reply.status;
      }
    }
  }
  EXPECT_EQ(get("/api/v1/audit", admin).raw, before);
}

TEST_F(ConsentRoutes, NeedASessionAndThisSitesOriginForChangesMadeWithTheCookie) {
  for (const auto& [method, target] :
       std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"GET", "/api/v1/consents"},
           {"POST", "/api/v1/consents"},
           {"DELETE", "/api/v1/consents/1"},
           {"GET", "/api/v1/me/audit"},
           {"GET", "/api/v1/patients"},
           {"GET", "/api/v1/patients/1/diary"},
           {"GET", "/api/v1/audit"}}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(call({.method = method, .target = std::string(target), .body = "{}"}).status, 401);
    EXPECT_EQ(
        call({.method = method, .target = std::string(target), .body = "{}", .token = "forged"})
            .status,
        401);
  }
  const std::string token = sign_up("pat@example.org");
  const std::int64_t id = granted({"diary"}, token);
  const std::string cookie = "hipcoach_session=" + token;
  const std::string body = R"({"parts": ["triage"], "until": "2026-11-26T15:00:00Z"})";
  const std::string one = "/api/v1/consents/" + std::to_string(id);
  for (const std::string_view origin :
       {std::string_view(), std::string_view("https://evil.example")}) {
    SCOPED_TRACE(origin);
    EXPECT_EQ(call({.method = "POST",
                    .target = "/api/v1/consents",
                    .body = body,
                    .cookie = cookie,
                    .origin = origin})
                  .status,
              403);
    EXPECT_EQ(call({.method = "DELETE", .target = one, .cookie = cookie, .origin = origin}).status,
              403);
  }
  const Reply listed = call({.target = "/api/v1/consents", .cookie = cookie});
  ASSERT_EQ(listed.body.at("consents").size(), 1U) << listed.raw;
  EXPECT_EQ(listed.body.at("consents").at(0).at("status"), "active");
  EXPECT_EQ(call({.method = "POST",
                  .target = "/api/v1/consents",
                  .body = body,
                  .cookie = cookie,
                  .origin = kOwnOrigin})
                .status,
            201);
  EXPECT_EQ(
      call({.method = "DELETE", .target = one, .cookie = cookie, .origin = kOwnOrigin}).status,
      204);
}

TEST_F(ConsentRoutes, AnswersOtherMethodsWith405) {
  const std::string token = sign_up("pat@example.org");
  const Reply put = call({.method = "PUT", .target = "/api/v1/consents", .token = token});
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.header("Allow"), "GET, HEAD, POST");
  const std::int64_t id = granted({"diary"}, token);
  const Reply get_one = get("/api/v1/consents/" + std::to_string(id), token);
  EXPECT_EQ(get_one.status, 405);
  EXPECT_EQ(get_one.header("Allow"), "DELETE");
  const Reply head = call({.method = "HEAD", .target = "/api/v1/consents", .token = token});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.response.body_mode, BodyMode::kHeadersOnly);
}

}  // namespace
}  // namespace hipcoach::server
