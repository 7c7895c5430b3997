// The accounts and records API through the Router, without sockets: a
// MemoryStore, cheap password hashes and a clock the tests move. The
// security tests call every patient route without a session, with forged,
// expired and ended tokens, and as another patient.
#include "api.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_fixture.h"
#include "router.h"

namespace hipcoach::server {
namespace {

using nlohmann::json;
using testing::kOwnOrigin;
using testing::kPassword;
using testing::Reply;
using testing::shipped_protocol;

class Api : public testing::ApiFixture {
 protected:
  std::int64_t add_entry(const std::string& token, int pain = 6) {
    const Reply reply = post("/api/v1/diary",
                             {{"pain", pain},
                              {"context", "rest"},
                              {"side", "left"},
                              {"note", "after the long walk"},
                              {"at", "2026-11-25T08:30:00-06:00"}},
                             token);
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.body.value("id", std::int64_t{0});
  }
};

TEST_F(Api, SignUpReturnsATokenAndAnHttpOnlyStrictCookie) {
  const Reply reply =
      post("/api/v1/accounts", {{"email", "Pat@Example.org"}, {"password", kPassword}});
  ASSERT_EQ(reply.status, 201) << reply.raw;
  const std::string token = reply.body["token"];
  EXPECT_EQ(token.size(), 43U);
  EXPECT_EQ(reply.body["user"]["role"], "patient");
  EXPECT_EQ(reply.body["user"]["email"], "Pat@Example.org");
  EXPECT_FALSE(reply.body["user"].contains("password_hash"));
  const std::string cookie = reply.header("Set-Cookie");
  EXPECT_EQ(cookie.find("hipcoach_session=" + token + ";"), 0U) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(get("/api/v1/me", token).body["email"], "Pat@Example.org");
}

// Found by fuzz/fuzz_api: a number too large for a double made the JSON
// parser throw out_of_range, which became a 500.
TEST_F(Api, RefusesANumberTooLargeForADoubleAsBadJson) {
  const std::string token = sign_up("pat@example.org");
  const Reply reply = call({.method = "POST",
                            .target = "/api/v1/diary",
                            .body = R"({"pain": 51e9994, "context": "rest"})",
                            .token = token});
  EXPECT_EQ(reply.status, 400) << reply.raw;
  EXPECT_EQ(reply.body["where"], "/");
  EXPECT_EQ(reply.body["detail"], "the body is not valid JSON: a number is out of range");
}

TEST_F(Api, SignUpRefusesBadInputNamingTheField) {
  EXPECT_EQ(
      post("/api/v1/accounts", {{"email", "no-at-sign"}, {"password", kPassword}}).body["where"],
      "/email");
  EXPECT_EQ(post("/api/v1/accounts", {{"email", "a@b.org"}, {"password", "short"}}).body["where"],
            "/password");
  EXPECT_EQ(post("/api/v1/accounts", {{"email", "a@b.org"}}).body["where"], "/password");
  EXPECT_EQ(call({.method = "POST", .target = "/api/v1/accounts", .body = "{\"email\":"}).status,
            400);
  EXPECT_EQ(call({.method = "POST",
                  .target = "/api/v1/accounts",
                  .body = "{}",
                  .content_type = "text/plain"})
                .status,
            415);
  sign_up("pat@example.org");
  const Reply taken =
      post("/api/v1/accounts", {{"email", "PAT@example.org"}, {"password", kPassword}});
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(taken.body["where"], "/email");
}

TEST_F(Api, SignInSaysTheSameForAnUnknownEmailAndAWrongPassword) {
  sign_up("pat@example.org");
  const Reply wrong =
      post("/api/v1/sessions", {{"email", "pat@example.org"}, {"password", "nope nope nope"}});
  const Reply unknown =
      post("/api/v1/sessions", {{"email", "who@example.org"}, {"password", kPassword}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body["detail"], unknown.body["detail"]);
  const Reply right =
      post("/api/v1/sessions", {{"email", "PAT@example.org"}, {"password", kPassword}});
  ASSERT_EQ(right.status, 201) << right.raw;
  EXPECT_EQ(get("/api/v1/me", right.body["token"]).status, 200);
}

TEST_F(Api, SignInIsRateLimitedPerAccountWithRetryAfter) {
  sign_up("pat@example.org");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(post("/api/v1/sessions", {{"email", "pat@example.org"}, {"password", "wrong one!!"}})
                  .status,
              401);
  }
  const Reply locked =
      post("/api/v1/sessions", {{"email", "pat@example.org"}, {"password", kPassword}});
  EXPECT_EQ(locked.status, 429) << locked.raw;
  EXPECT_NE(locked.body["detail"].get<std::string>().find("try again in "), std::string::npos);
  EXPECT_FALSE(locked.header("Retry-After").empty());
  now_ += std::chrono::minutes(16);
  EXPECT_EQ(
      post("/api/v1/sessions", {{"email", "pat@example.org"}, {"password", kPassword}}).status,
      201);
}

// Every route that acts on a person's records, with a placeholder for an id.
std::vector<std::pair<std::string_view, std::string>> patient_routes(std::int64_t id) {
  const std::string entry = "/api/v1/diary/" + std::to_string(id);
  return {{"GET", "/api/v1/me"},
          {"DELETE", "/api/v1/me"},
          {"PUT", "/api/v1/me/password"},
          {"GET", "/api/v1/me/export"},
          {"GET", "/api/v1/me/export?format=csv"},
          {"DELETE", "/api/v1/sessions/current"},
          {"GET", "/api/v1/diary"},
          {"POST", "/api/v1/diary"},
          {"GET", entry},
          {"DELETE", entry},
          {"POST", "/api/v1/questionnaires/nprs/responses"},
          {"POST", "/api/v1/guided-sessions"},
          {"GET", "/api/v1/progress"},
          {"GET", "/api/v1/me/triage"},
          {"POST", "/api/v1/me/triage"}};
}

TEST_F(Api, EveryPatientRouteRefusesNoSessionAForgedOneAnExpiredOneAndAnEndedOne) {
  const std::string token = sign_up("pat@example.org");
  const std::int64_t id = add_entry(token);
  const std::string ended = sign_up("gone@example.org");
  ASSERT_EQ(del("/api/v1/sessions/current", ended).status, 204);

  const std::string forged(43, 'A');
  for (const auto& [method, target] : patient_routes(id)) {
    SCOPED_TRACE(std::string(method) + " " + target);
    for (const std::string& bad : {std::string(), forged, std::string("short"), ended}) {
      const Reply reply = call({.method = method, .target = target, .body = "{}", .token = bad});
      EXPECT_EQ(reply.status, 401) << reply.raw;
      EXPECT_EQ(reply.header("WWW-Authenticate"), "Bearer");
    }
  }
  now_ += std::chrono::days{31};
  for (const auto& [method, target] : patient_routes(id)) {
    SCOPED_TRACE(std::string(method) + " " + target + " after expiry");
    EXPECT_EQ(call({.method = method, .target = target, .body = "{}", .token = token}).status, 401);
  }
  // Nothing was changed by the refused calls.
  EXPECT_TRUE(store_.get_diary_entry(1, id).has_value());
}

TEST_F(Api, AnotherPatientsEntryAnswersExactlyAsOneThatDoesNotExist) {
  const std::string owner = sign_up("owner@example.org");
  const std::string other = sign_up("other@example.org");
  const std::int64_t id = add_entry(owner);

  const Reply theirs = get("/api/v1/diary/" + std::to_string(id), other);
  const Reply missing = get("/api/v1/diary/" + std::to_string(id + 1000), other);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.raw, missing.raw);
  const Reply delete_theirs = del("/api/v1/diary/" + std::to_string(id), other);
  EXPECT_EQ(delete_theirs.status, 404);
  EXPECT_EQ(delete_theirs.raw, del("/api/v1/diary/" + std::to_string(id + 1000), other).raw);
  EXPECT_TRUE(get("/api/v1/diary", other).body["entries"].empty());
  const json exported = get("/api/v1/me/export", other).body;
  EXPECT_TRUE(exported["diary"].empty()) << exported.dump();
  EXPECT_EQ(get("/api/v1/me/export?format=csv", other).raw.find("long walk"), std::string::npos);
  // The owner still has it.
  EXPECT_EQ(get("/api/v1/diary/" + std::to_string(id), owner).body["pain"], 6);
}

TEST_F(Api, TheCookieWorksForReadsButChangesNeedThisSitesOrigin) {
  const std::string token = sign_up("pat@example.org");
  const std::string cookie = "theme=dark; hipcoach_session=" + token;
  EXPECT_EQ(call({.target = "/api/v1/diary", .cookie = cookie}).status, 200);
  const std::string entry = R"({"pain":3,"context":"activity","side":"both"})";
  EXPECT_EQ(
      call({.method = "POST", .target = "/api/v1/diary", .body = entry, .cookie = cookie}).status,
      403);
  EXPECT_EQ(call({.method = "POST",
                  .target = "/api/v1/diary",
                  .body = entry,
                  .cookie = cookie,
                  .origin = "https://evil.example"})
                .status,
            403);
  EXPECT_EQ(call({.method = "POST",
                  .target = "/api/v1/diary",
                  .body = entry,
                  .cookie = cookie,
                  .origin = kOwnOrigin})
                .status,
            201);
  EXPECT_EQ(get("/api/v1/diary", token).body["entries"].size(), 1U);
}

TEST_F(Api, DiaryEntriesAreAddedListedInPagesAndDeleted) {
  const std::string token = sign_up("pat@example.org");
  const Reply added =
      post("/api/v1/diary", {{"pain", 4}, {"context", "activity"}, {"side", "right"}}, token);
  ASSERT_EQ(added.status, 201) << added.raw;
  EXPECT_EQ(added.body["region"], "outer_hip");
  EXPECT_EQ(added.body["at"], "2026-11-25T15:00:00Z");
  EXPECT_EQ(added.header("Location"),
            "/api/v1/diary/" + std::to_string(added.body["id"].get<int>()));
  for (int i = 0; i < 4; ++i) add_entry(token, i);

  const Reply first = get("/api/v1/diary?limit=3", token);
  ASSERT_EQ(first.body["entries"].size(), 3U);
  EXPECT_EQ(first.body["entries"][0]["id"], added.body["id"]);  // The newest first.
  const Reply second =
      get("/api/v1/diary?limit=3&before=" + first.body["next"].get<std::string>(), token);
  EXPECT_EQ(second.body["entries"].size(), 2U);
  EXPECT_TRUE(second.body["next"].is_null());

  const std::string path = "/api/v1/diary/" + std::to_string(added.body["id"].get<int>());
  EXPECT_EQ(del(path, token).status, 204);
  EXPECT_EQ(get(path, token).status, 404);
}

TEST_F(Api, BadDiaryInputIsA400NamingTheFieldAndSavesNothing) {
  const std::string token = sign_up("pat@example.org");
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"pain", 11}, {"context", "rest"}, {"side", "left"}}, "/pain"},
      {{{"pain", -1}, {"context", "rest"}, {"side", "left"}}, "/pain"},
      {{{"pain", 5.5}, {"context", "rest"}, {"side", "left"}}, "/pain"},
      {{{"pain", "5"}, {"context", "rest"}, {"side", "left"}}, "/pain"},
      {{{"context", "rest"}, {"side", "left"}}, "/pain"},
      {{{"pain", 5}, {"context", "sleeping"}, {"side", "left"}}, "/context"},
      {{{"pain", 5}, {"context", "rest"}, {"side", "middle"}}, "/side"},
      {{{"pain", 5}, {"context", "rest"}, {"side", "left"}, {"region", "elbow"}}, "/region"},
      {{{"pain", 5}, {"context", "rest"}, {"side", "left"}, {"at", "2026-02-30T08:00:00Z"}}, "/at"},
      {{{"pain", 5}, {"context", "rest"}, {"side", "left"}, {"at", "2026-11-25T08:00:00"}}, "/at"},
      {{{"pain", 5}, {"context", "rest"}, {"side", "left"}, {"at", "2027-01-01T08:00:00Z"}}, "/at"},
      {{{"pain", 5}, {"context", "rest"}, {"side", "left"}, {"note", std::string(2001, 'x')}},
       "/note"},
      {{{"pain", 5}, {"context", "rest"}, {"side", "left"}, {"mood", "fine"}}, "/mood"},
      {json::array(), "/"},
  };
  for (const auto& [body, where] : cases) {
    SCOPED_TRACE(body.dump().substr(0, 80));
    const Reply reply = post("/api/v1/diary", body, token);
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.body["where"], where) << reply.raw;
  }
  const Reply bad_utf8 =
      call({.method = "POST",
            .target = "/api/v1/diary",
            .body = "{\"pain\":1,\"context\":\"rest\",\"side\":\"left\",\"note\":\"\xff\"}",
            .token = token});
  EXPECT_EQ(bad_utf8.status, 400);
  EXPECT_EQ(get("/api/v1/diary?limit=0", token).status, 400);
  EXPECT_EQ(get("/api/v1/diary?before=garbage", token).status, 400);
  EXPECT_TRUE(get("/api/v1/diary", token).body["entries"].empty());
}

TEST_F(Api, ErrorsNeverRepeatTheHealthDataSent) {
  const std::string token = sign_up("pat@example.org");
  const Reply reply = post("/api/v1/diary",
                           {{"pain", 5},
                            {"context", "rest"},
                            {"side", "left"},
                            {"note", "my private note"},
                            {"at", "not a time: secret"}},
                           token);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.raw.find("private"), std::string::npos);
  EXPECT_EQ(reply.raw.find("secret"), std::string::npos);
}

TEST_F(Api, AQuestionnaireResponseIsScoredAndSaved) {
  const std::string token = sign_up("pat@example.org");
  const Reply reply = post("/api/v1/questionnaires/nprs/responses",
                           {{"answers", {{{"item", "pain"}, {"value", 4}}}}}, token);
  if (reply.status == 400) {
    // The NPRS item id comes from the data; find it rather than assume it.
    const json list = get("/api/v1/questionnaires", "").body;
    ADD_FAILURE() << reply.raw << "\n" << list.dump().substr(0, 400);
    return;
  }
  ASSERT_EQ(reply.status, 201) << reply.raw;
  EXPECT_EQ(reply.body["score"]["value"], 4);
  EXPECT_EQ(
      post("/api/v1/questionnaires/no-such/responses", {{"answers", json::array()}}, token).status,
      404);
  const Reply bad = post("/api/v1/questionnaires/nprs/responses",
                         {{"answers", {{{"item", "pain"}, {"value", 99}}}}}, token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["where"], "/answers/0/value");
}

TEST_F(Api, ATriageResultIsSavedAndListedForItsOwnerOnly) {
  const std::string token = sign_up("pat@example.org");
  const std::string other = sign_up("other@example.org");
  const json answers = {{"age", 54},
                        {"side", "left"},
                        {"locations", {"outer_hip"}},
                        {"pain_now", 4},
                        {"worst_pain_week", 6},
                        {"duration_weeks", 8},
                        {"aggravators", {"lying_on_side"}},
                        {"red_flags", json::array()},
                        {"cautions", json::array()}};
  const Reply saved = post("/api/v1/me/triage", answers, token);
  ASSERT_EQ(saved.status, 201) << saved.raw;
  EXPECT_EQ(saved.body["result"]["disposition"], "self_care");
  EXPECT_EQ(saved.body["answers"]["age"], 54);
  EXPECT_EQ(get("/api/v1/me/triage", token).body["triage"].size(), 1U);
  EXPECT_TRUE(get("/api/v1/me/triage", other).body["triage"].empty());
  json incomplete = answers;
  incomplete.erase("age");
  EXPECT_EQ(post("/api/v1/me/triage", incomplete, token).status, 400);
}

TEST_F(Api, QuestionnairesAreListedWithoutASession) {
  const Reply reply = get("/api/v1/questionnaires", "");
  ASSERT_EQ(reply.status, 200);
  EXPECT_GE(reply.body["questionnaires"].size(), 3U);
  EXPECT_FALSE(reply.body["sources"].empty());
}

TEST_F(Api, ChangingThePasswordEndsEveryOtherSession) {
  const std::string first = sign_up("pat@example.org");
  const std::string second =
      post("/api/v1/sessions", {{"email", "pat@example.org"}, {"password", kPassword}})
          .body["token"];
  const Reply wrong = call(
      {.method = "PUT",
       .target = "/api/v1/me/password",
       .body = json{{"current_password", "not it at all"}, {"new_password", "a brand new secret"}}
                   .dump(),
       .token = first});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.body["where"], "/current_password");
  const Reply changed = call(
      {.method = "PUT",
       .target = "/api/v1/me/password",
       .body = json{{"current_password", kPassword}, {"new_password", "a brand new secret"}}.dump(),
       .token = first});
  EXPECT_EQ(changed.status, 204) << changed.raw;
  EXPECT_EQ(get("/api/v1/me", first).status, 200);
  EXPECT_EQ(get("/api/v1/me", second).status, 401);
  EXPECT_EQ(
      post("/api/v1/sessions", {{"email", "pat@example.org"}, {"password", kPassword}}).status,
      401);
  EXPECT_EQ(
      post("/api/v1/sessions", {{"email", "pat@example.org"}, {"password", "a brand new secret"}})
          .status,
      201);
}

TEST_F(Api, DeletingTheAccountRemovesEverythingAndEndsTheSession) {
  const std::string token = sign_up("pat@example.org");
  const std::int64_t id = add_entry(token);
  const Reply deleted = del("/api/v1/me", token);
  EXPECT_EQ(deleted.status, 204);
  EXPECT_NE(deleted.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(get("/api/v1/me", token).status, 401);
  EXPECT_EQ(store_.list_diary(1, 10, std::nullopt)->size(), 0U);
  EXPECT_FALSE(store_.find_user_by_email("pat@example.org").has_value());
  (void)id;
  // The email is free again.
  EXPECT_FALSE(sign_up("pat@example.org").empty());
}

TEST_F(Api, ExportHoldsEveryRecordButNoPasswordHash) {
  const std::string token = sign_up("pat@example.org");
  add_entry(token);
  const Reply exported = get("/api/v1/me/export", token);
  ASSERT_EQ(exported.status, 200) << exported.raw;
  EXPECT_NE(exported.header("Content-Disposition").find("attachment"), std::string::npos);
  EXPECT_EQ(exported.body["account"]["email"], "pat@example.org");
  EXPECT_EQ(exported.body["diary"].size(), 1U);
  EXPECT_EQ(exported.raw.find("argon2"), std::string::npos);
  const Reply csv = get("/api/v1/me/export?format=csv", token);
  EXPECT_EQ(csv.header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv.raw.find("after the long walk"), std::string::npos);
  EXPECT_EQ(get("/api/v1/me/export?format=xml", token).status, 400);
}

TEST_F(Api, ProgressIsJudgedForTheCaller) {
  const std::string token = sign_up("pat@example.org");
  add_entry(token, 8);
  const Reply progress = get("/api/v1/progress", token);
  ASSERT_EQ(progress.status, 200) << progress.raw;
  EXPECT_EQ(progress.body["measures"][0]["id"], "pain");
  EXPECT_EQ(get("/api/v1/progress?weeks=0", token).status, 400);
}

TEST_F(Api, WritesRunOffTheNetworkThreadsAndReadsOnThem) {
  EXPECT_EQ(server::Api::lane("POST", "/api/v1/sessions"), Lane::kHashing);
  EXPECT_EQ(server::Api::lane("POST", "/api/v1/accounts"), Lane::kHashing);
  EXPECT_EQ(server::Api::lane("PUT", "/api/v1/me/password"), Lane::kHashing);
  EXPECT_EQ(server::Api::lane("POST", "/api/v1/diary"), Lane::kDatabase);
  EXPECT_EQ(server::Api::lane("GET", "/api/v1/diary"), Lane::kInline);
  EXPECT_EQ(server::Api::lane("GET", "/api/v1/me/export"), Lane::kDatabase);
}

TEST_F(Api, ARouterWithoutADatabaseAnswers503) {
  const Router bare(shipped_protocol(), StaticFileMap{});
  const Response response = bare.handle(Request{.method = "GET", .target = "/api/v1/diary"});
  EXPECT_EQ(response.status, 503);
}

}  // namespace
}  // namespace hipcoach::server
