// The guided session's routes through the Router, without sockets: the plan
// (from groups and from a saved triage) and the session log, on a
// MemoryStore with the shipped data. Each route is also called without a
// session and as another patient.
#include "session_routes.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api.h"
#include "api_fixture.h"
#include "hipcoach/core/session.h"
#include "hipcoach/core/session_codec.h"
#include "router.h"

namespace hipcoach::server {
namespace {

using nlohmann::json;
using testing::kOwnOrigin;
using testing::Reply;
using testing::shipped_protocol;

constexpr std::string_view kGluteus = "gluteus-medius-minimus";

// Answers that lead to self-care of the left gluteus medius and minimus.
const json& self_care_answers() {
  static const json kAnswers = {{"age", 54},
                                {"side", "left"},
                                {"locations", {"outer_hip"}},
                                {"pain_now", 4},
                                {"worst_pain_week", 6},
                                {"duration_weeks", 8},
                                {"aggravators", {"lying_on_side"}},
                                {"red_flags", json::array()},
                                {"cautions", {"osteoporosis"}}};
  return kAnswers;
}

class SessionRoutes : public testing::ApiFixture {
 protected:
  std::int64_t save_triage(const std::string& token, const json& answers) {
    const Reply reply = post("/api/v1/me/triage", answers, token);
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.body.value("id", std::int64_t{0});
  }

  std::size_t logged(const std::string& token) {
    return get("/api/v1/sessions-log", token).body["sessions"].size();
  }
};

// A session log body: one 120 s hold on the left anterior fibres.
json session_log(const json& points = {{{"side", "left"},
                                        {"group", kGluteus},
                                        {"area", "anterior-fibres"},
                                        {"held_seconds", 120},
                                        {"stop_rule", ""}}}) {
  return {{"started_at", "2026-11-25T08:00:00-06:00"},
          {"ended_at", "2026-11-25T08:20:00-06:00"},
          {"pain_before", 6},
          {"pain_after", 3},
          {"record",
           {{"outcome", "finished"},
            {"sides", {"left"}},
            {"groups", {kGluteus}},
            {"points", points},
            {"stop_rule", ""},
            {"red_flags", json::array()}}}};
}

TEST_F(SessionRoutes, APlanFromGroupsAndASideHasTreatStepsForEachSide) {
  const std::string token = sign_up("pat@example.org");
  const Reply reply =
      get("/api/v1/session-plan?groups=gluteus-medius-minimus%2Ctensor-fasciae-latae&side=both"
          "&pain_limit=6",
          token);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body["sides"], json({"left", "right"}));
  EXPECT_EQ(reply.body["groups"], json({kGluteus, "tensor-fasciae-latae"}));
  EXPECT_EQ(reply.body["pain_limit"], 6);
  std::size_t treat_steps = 0;
  for (const json& step : reply.body["steps"]) {
    if (step["kind"] == "treat") {
      ++treat_steps;
      EXPECT_EQ(step["max_hold_seconds"], 180) << step.dump();
    }
  }
  // Gluteus medius/minimus has three areas and TFL one, on each side.
  EXPECT_EQ(treat_steps, 8U);
  EXPECT_FALSE(reply.body["stop_rules"].empty());
  EXPECT_FALSE(reply.body["sources"].empty());
}

TEST_F(SessionRoutes, ThePlanIsCacheableOnlyPrivatelyAndRevalidatedWithItsETag) {
  const std::string token = sign_up("pat@example.org");
  const std::string target = "/api/v1/session-plan?groups=external-rotators&side=right";
  const Reply first = get(target, token);
  ASSERT_EQ(first.status, 200) << first.raw;
  EXPECT_EQ(first.header("Cache-Control"), "private, no-cache");
  EXPECT_NE(first.header("Vary").find("Authorization"), std::string::npos);
  const std::string etag = first.header("ETag");
  ASSERT_FALSE(etag.empty());
  const Reply again = call({.target = target, .token = token, .if_none_match = etag});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.response.body_mode, BodyMode::kNone);
}

TEST_F(SessionRoutes, APlanFromTheCallersSavedTriageUsesItsGroupsSideAndCautions) {
  const std::string token = sign_up("pat@example.org");
  const std::int64_t id = save_triage(token, self_care_answers());
  const Reply reply = get("/api/v1/session-plan?triage=" + std::to_string(id), token);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body["sides"], json({"left"}));
  EXPECT_EQ(reply.body["groups"][0], kGluteus);
  EXPECT_TRUE(reply.body["pain_limit"].is_null());
  EXPECT_FALSE(reply.body["cautions"].empty());
  const Reply limited =
      get("/api/v1/session-plan?triage=" + std::to_string(id) + "&pain_limit=5", token);
  EXPECT_EQ(limited.body["pain_limit"], 5) << limited.raw;
}

TEST_F(SessionRoutes, AnotherPatientsTriageAnswersExactlyAsOneThatDoesNotExist) {
  const std::string owner = sign_up("owner@example.org");
  const std::string other = sign_up("other@example.org");
  const std::int64_t id = save_triage(owner, self_care_answers());
  const Reply theirs = get("/api/v1/session-plan?triage=" + std::to_string(id), other);
  const Reply missing = get("/api/v1/session-plan?triage=" + std::to_string(id + 1000), other);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.body["where"], "triage");
  EXPECT_EQ(theirs.raw, missing.raw);
}

TEST_F(SessionRoutes, ATriageWithoutSelfTreatmentAnswers409WithItsAdvice) {
  const std::string token = sign_up("pat@example.org");
  json urgent = self_care_answers();
  urgent["red_flags"] = {"fall_or_injury", "cannot_bear_weight"};
  const std::int64_t id = save_triage(token, urgent);
  const Reply reply = get("/api/v1/session-plan?triage=" + std::to_string(id), token);
  EXPECT_EQ(reply.status, 409) << reply.raw;
  EXPECT_EQ(reply.body["where"], "triage");
  EXPECT_NE(reply.body["detail"].get<std::string>().find("triage"), std::string::npos) << reply.raw;
}

TEST_F(SessionRoutes, ABadPlanQueryIsA400NamingTheParameter) {
  const std::string token = sign_up("pat@example.org");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"groups=no-such-group&side=left", "groups"},
      {"groups=gluteus-medius-minimus,no-such-group&side=left", "groups"},
      {"groups=gluteus-medius-minimus,gluteus-medius-minimus&side=left", "groups"},
      {"groups=&side=left", "groups"},
      {"side=left", "groups"},
      {"groups=gluteus-medius-minimus", "side"},
      {"groups=gluteus-medius-minimus&side=middle", "side"},
      {"groups=gluteus-medius-minimus&side=left&pain_limit=11", "pain_limit"},
      {"groups=gluteus-medius-minimus&side=left&pain_limit=-1", "pain_limit"},
      {"groups=gluteus-medius-minimus&side=left&pain_limit=six", "pain_limit"},
      {"groups=gluteus-medius-minimus&side=left&cautions=no-such-caution", "cautions"},
      {"groups=gluteus-medius-minimus&side=left&side=right", "side"},
      {"groups=gluteus-medius-minimus&side=left&colour=blue", "colour"},
      {"groups=gluteus-medius-minimus&side=%zz", "query"},
      {"triage=abc", "triage"},
      {"triage=0", "triage"},
      {"triage=1&groups=gluteus-medius-minimus", "groups"},
  };
  for (const auto& [query, where] : cases) {
    SCOPED_TRACE(query);
    const Reply reply = get("/api/v1/session-plan?" + query, token);
    EXPECT_EQ(reply.status, 400) << reply.raw;
    EXPECT_EQ(reply.body["where"], where) << reply.raw;
    EXPECT_EQ(reply.header("Content-Type"), "application/problem+json");
  }
}

TEST_F(SessionRoutes, EveryRouteNeedsASession) {
  const std::string token = sign_up("pat@example.org");
  ASSERT_EQ(post("/api/v1/sessions-log", session_log(), token).status, 201);
  for (const auto& [method, target] : std::vector<std::pair<std::string_view, std::string>>{
           {"GET", "/api/v1/session-plan?groups=external-rotators&side=left"},
           {"GET", "/api/v1/session-plan?triage=1"},
           {"GET", "/api/v1/sessions-log"},
           {"GET", "/api/v1/sessions-log/1"},
           {"POST", "/api/v1/sessions-log"},
           {"POST", "/api/v1/guided-sessions"}}) {
    SCOPED_TRACE(std::string(method) + " " + target);
    for (const std::string& bad : {std::string(), std::string(43, 'A')}) {
      const Reply reply =
          call({.method = method, .target = target, .body = session_log().dump(), .token = bad});
      EXPECT_EQ(reply.status, 401) << reply.raw;
    }
  }
  EXPECT_EQ(logged(token), 1U);
}

TEST_F(SessionRoutes, ALoggedSessionIsStoredNormalisedListedAndReadBack) {
  const std::string token = sign_up("pat@example.org");
  json body = session_log();
  body["record"]["red_flags"] = json::array();
  const Reply saved = post("/api/v1/sessions-log", body, token);
  ASSERT_EQ(saved.status, 201) << saved.raw;
  const std::int64_t id = saved.body["id"];
  EXPECT_EQ(saved.header("Location"), "/api/v1/sessions-log/" + std::to_string(id));
  EXPECT_EQ(saved.body["started_at"], "2026-11-25T14:00:00Z");
  EXPECT_EQ(saved.body["pain_before"], 6);
  EXPECT_EQ(saved.body["pain_after"], 3);
  EXPECT_EQ(saved.body["record"]["points"][0]["held_seconds"], 120);
  EXPECT_EQ(saved.body["record"]["outcome"], "finished");

  const Reply list = get("/api/v1/sessions-log", token);
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["sessions"].size(), 1U);
  EXPECT_EQ(list.body["sessions"][0], saved.body);
  EXPECT_EQ(list.header("Cache-Control"), "no-store");
  const Reply one = get("/api/v1/sessions-log/" + std::to_string(id), token);
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body, saved.body);
}

TEST_F(SessionRoutes, TheRecordOfAWholeCoachedSessionIsAccepted) {
  const std::string token = sign_up("pat@example.org");
  auto plan = core::build_session_plan(shipped_protocol(),
                                       {.groups = {"tensor-fasciae-latae", "external-rotators"},
                                        .side = "both",
                                        .pain_limit = std::nullopt,
                                        .cautions = {}});
  ASSERT_TRUE(plan) << plan.error().to_string();
  core::Coach coach(*plan);
  core::SessionTime at{0};
  ASSERT_TRUE(coach.begin(at, {}));
  while (coach.state().phase != core::Phase::kFinished) {
    at += std::chrono::seconds{100};
    coach.tick(at);
    ASSERT_TRUE(coach.next(at));
  }
  json body = session_log();
  body["record"] = core::session_record_json(coach);
  body["ended_at"] = "2026-11-25T09:00:00-06:00";
  const Reply saved = post("/api/v1/sessions-log", body, token);
  ASSERT_EQ(saved.status, 201) << saved.raw;
  EXPECT_EQ(saved.body["record"]["points"].size(), 4U);
  EXPECT_EQ(saved.body["record"]["points"][0]["held_seconds"], 100);
}

TEST_F(SessionRoutes, ListsTheLatestSessionsOldestFirstUpToTheLimit) {
  const std::string token = sign_up("pat@example.org");
  for (const std::string hour : {"08", "09", "10"}) {
    json body = session_log();
    body["started_at"] = "2026-11-24T" + hour + ":00:00Z";
    body["ended_at"] = "2026-11-24T" + hour + ":30:00Z";
    ASSERT_EQ(post("/api/v1/sessions-log", body, token).status, 201);
  }
  const Reply latest = get("/api/v1/sessions-log?limit=2", token);
  ASSERT_EQ(latest.body["sessions"].size(), 2U) << latest.raw;
  EXPECT_EQ(latest.body["sessions"][0]["started_at"], "2026-11-24T09:00:00Z");
  EXPECT_EQ(latest.body["sessions"][1]["started_at"], "2026-11-24T10:00:00Z");
  for (const std::string bad : {"0", "1001", "x"}) {
    const Reply reply = get("/api/v1/sessions-log?limit=" + bad, token);
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.body["where"], "limit");
  }
}

TEST_F(SessionRoutes, ABadSessionLogIsA400WithAPointerAndStoresNothing) {
  const std::string token = sign_up("pat@example.org");
  const auto point = [](json held, std::string area = "anterior-fibres") {
    return json::array({{{"side", "left"},
                         {"group", kGluteus},
                         {"area", std::move(area)},
                         {"held_seconds", std::move(held)},
                         {"stop_rule", ""}}});
  };
  const auto with = [](std::string_view key, json value) {
    json body = session_log();
    body[std::string(key)] = std::move(value);
    return body;
  };
  json no_record = session_log();
  no_record.erase("record");
  json unknown_group = session_log();
  unknown_group["record"]["groups"] = {"no-such-group"};
  json holds_too_long = session_log(point(150));
  holds_too_long["ended_at"] = "2026-11-25T08:02:00-06:00";
  json finished_after_a_red_flag = session_log();
  finished_after_a_red_flag["record"]["red_flags"] = {"fall_or_injury"};

  const std::vector<std::pair<json, std::string>> cases = {
      {session_log(point(-5)), "/record/points/0/held_seconds"},
      {session_log(point(181)), "/record/points/0/held_seconds"},
      {session_log(point(86400)), "/record/points/0/held_seconds"},
      {session_log(point(12.5)), "/record/points/0/held_seconds"},
      {session_log(point("120")), "/record/points/0/held_seconds"},
      {session_log(point(120, "no-such-area")), "/record/points/0/area"},
      {unknown_group, "/record/groups/0"},
      {finished_after_a_red_flag, "/record/outcome"},
      {holds_too_long, "/record/points"},
      {with("ended_at", "2026-11-25T07:59:59-06:00"), "/ended_at"},
      {with("ended_at", "2026-11-26T08:00:01-06:00"), "/ended_at"},
      {with("started_at", "yesterday"), "/started_at"},
      {with("pain_before", "6"), "/pain_before"},
      {with("pain_after", 11), "/pain_after"},
      {with("record", json::array()), "/record"},
      {with("triage_id", "1"), "/triage_id"},
      {with("triage_id", -1), "/triage_id"},
      {with("mood", "fine"), "/mood"},
      {no_record, "/record"},
      {json::array(), "/"},
  };
  for (const auto& [body, where] : cases) {
    SCOPED_TRACE(body.dump().substr(0, 120));
    const Reply reply = post("/api/v1/sessions-log", body, token);
    EXPECT_EQ(reply.status, 400) << reply.raw;
    EXPECT_EQ(reply.body["where"], where) << reply.raw;
  }
  const Reply not_json = call({.method = "POST",
                               .target = "/api/v1/sessions-log",
                               .body = "{\"started_at\":",
                               .token = token});
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(not_json.body["where"], "/");
  EXPECT_EQ(logged(token), 0U);
  EXPECT_TRUE(store_.list_guided_sessions(1)->empty());
}

TEST_F(SessionRoutes, ALogNamingAnotherPatientsTriageIsA404AndStoresNothing) {
  const std::string owner = sign_up("owner@example.org");
  const std::string other = sign_up("other@example.org");
  const std::int64_t id = save_triage(owner, self_care_answers());
  json body = session_log();
  body["triage_id"] = id;
  const Reply theirs = post("/api/v1/sessions-log", body, other);
  EXPECT_EQ(theirs.status, 404) << theirs.raw;
  EXPECT_EQ(theirs.body["where"], "/triage_id");
  body["triage_id"] = id + 1000;
  EXPECT_EQ(post("/api/v1/sessions-log", body, other).raw, theirs.raw);
  EXPECT_EQ(logged(other), 0U);

  body["triage_id"] = id;
  const Reply own = post("/api/v1/sessions-log", body, owner);
  ASSERT_EQ(own.status, 201) << own.raw;
  EXPECT_EQ(own.body["record"]["triage_id"], id);
}

TEST_F(SessionRoutes, AnotherPatientsSessionAnswersExactlyAsOneThatDoesNotExist) {
  const std::string owner = sign_up("owner@example.org");
  const std::string other = sign_up("other@example.org");
  const Reply saved = post("/api/v1/sessions-log", session_log(), owner);
  ASSERT_EQ(saved.status, 201);
  const std::int64_t id = saved.body["id"];
  const Reply theirs = get("/api/v1/sessions-log/" + std::to_string(id), other);
  const Reply missing = get("/api/v1/sessions-log/" + std::to_string(id + 1000), other);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.raw, missing.raw);
  EXPECT_EQ(get("/api/v1/sessions-log/abc", other).raw, missing.raw);
  EXPECT_TRUE(get("/api/v1/sessions-log", other).body["sessions"].empty());
}

TEST_F(SessionRoutes, TheOlderNameKeepsAFreeFormRecordButChecksOneWithPoints) {
  const std::string token = sign_up("pat@example.org");
  json legacy = session_log();
  legacy["record"] = json::object();
  const Reply kept = post("/api/v1/guided-sessions", legacy, token);
  EXPECT_EQ(kept.status, 201) << kept.raw;
  EXPECT_EQ(kept.body["record"], json::object());
  json bad = session_log();
  bad["record"]["points"][0]["held_seconds"] = -1;
  const Reply refused = post("/api/v1/guided-sessions", bad, token);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.body["where"], "/record/points/0/held_seconds");
  EXPECT_EQ(post("/api/v1/guided-sessions", session_log(), token).status, 201);
  EXPECT_EQ(logged(token), 2U);
  EXPECT_EQ(get("/api/v1/guided-sessions", token).status, 405);
}

TEST_F(SessionRoutes, ALogSentWithTheCookieNeedsThisSitesOrigin) {
  const std::string token = sign_up("pat@example.org");
  const std::string cookie = "hipcoach_session=" + token;
  const std::string body = session_log().dump();
  EXPECT_EQ(
      call({.method = "POST", .target = "/api/v1/sessions-log", .body = body, .cookie = cookie})
          .status,
      403);
  EXPECT_EQ(call({.method = "POST",
                  .target = "/api/v1/sessions-log",
                  .body = body,
                  .cookie = cookie,
                  .origin = "https://evil.example"})
                .status,
            403);
  EXPECT_EQ(logged(token), 0U);
  EXPECT_EQ(call({.method = "POST",
                  .target = "/api/v1/sessions-log",
                  .body = body,
                  .cookie = cookie,
                  .origin = kOwnOrigin})
                .status,
            201);
  EXPECT_EQ(call({.target = "/api/v1/sessions-log", .cookie = cookie}).status, 200);
}

TEST_F(SessionRoutes, RunOnTheDatabaseLane) {
  for (const auto& [method, path] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"GET", "/api/v1/session-plan"},
           {"GET", "/api/v1/sessions-log"},
           {"GET", "/api/v1/sessions-log/3"},
           {"POST", "/api/v1/sessions-log"},
           {"POST", "/api/v1/guided-sessions"}}) {
    EXPECT_TRUE(Api::owns(path)) << path;
    EXPECT_EQ(Api::lane(method, path), Lane::kDatabase) << method << " " << path;
  }
  EXPECT_FALSE(Api::owns("/api/v1/session-planner"));
}

}  // namespace
}  // namespace hipcoach::server
