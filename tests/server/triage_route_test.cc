// POST /api/v1/triage and GET /api/v1/triage/questions, on the shipped data.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "hipcoach/storage/data_files.h"
#include "router.h"
#include "static_files.h"

namespace hipcoach::server {
namespace {

const Router& router() {
  static const Router kRouter = [] {
    const core::LoadedProtocol loaded =
        storage::load_protocol_dir(std::filesystem::path(HIPCOACH_SOURCE_DIR) / "data");
    for (const auto& diagnostic : loaded.diagnostics) ADD_FAILURE() << diagnostic.to_string();
    return Router(loaded.protocol, StaticFileMap{});
  }();
  return kRouter;
}

constexpr std::string_view kAnswers = R"({"age": 54, "side": "left",
  "locations": ["outer_hip"], "pain_now": 4, "worst_pain_week": 6, "duration_weeks": 3,
  "aggravators": ["lying_on_side"], "red_flags": [], "cautions": []})";

Response post(std::string_view body, std::string_view content_type = "application/json",
              std::string_view origin = "http://127.0.0.1:8080") {
  return router().handle(Request{.method = "POST",
                                 .target = "/api/v1/triage",
                                 .content_type = content_type,
                                 .origin = origin,
                                 .host = "127.0.0.1:8080",
                                 .body = body});
}

nlohmann::json body_json(const Response& response) { return nlohmann::json::parse(*response.body); }

TEST(TriageRoute, AnswersWithTheDispositionReasonsAndGroups) {
  const Response response = post(kAnswers);
  ASSERT_EQ(response.status, 200) << *response.body;
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  EXPECT_EQ(response.header("Cache-Control"), "no-store");
  const auto json = body_json(response);
  EXPECT_EQ(json["disposition"], "self_care");
  EXPECT_EQ(json["groups"][0]["id"], "gluteus-medius-minimus");
  EXPECT_FALSE(json["sources"].empty());
}

TEST(TriageRoute, SendsAFallWithoutWeightBearingToUrgentCare) {
  std::string answers(kAnswers);
  answers.replace(answers.find("\"red_flags\": []"), 15,
                  R"("red_flags": ["fall_or_injury", "cannot_bear_weight"])");
  const auto json = body_json(post(answers));
  EXPECT_EQ(json["disposition"], "urgent");
  EXPECT_TRUE(json["groups"].empty());
}

TEST(TriageRoute, NamesTheBadFieldInAProblemDocument) {
  std::string answers(kAnswers);
  answers.replace(answers.find("\"pain_now\": 4"), 13, "\"pain_now\": 12");
  const Response response = post(answers);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
  const auto json = body_json(response);
  EXPECT_EQ(json["where"], "/pain_now");
  EXPECT_EQ(json["detail"], "must be an integer 0..10, got 12");
}

TEST(TriageRoute, ListsEveryMissingAnswer) {
  const auto json = body_json(post(R"({"age": 40})"));
  EXPECT_EQ(json["status"], 400);
  EXPECT_EQ(json["detail"],
            "missing answers: side, locations, pain_now, worst_pain_week, duration_weeks, "
            "aggravators, red_flags, cautions");
}

TEST(TriageRoute, RefusesBrokenJsonAndOtherMediaTypes) {
  EXPECT_EQ(post("{\"age\": ").status, 400);
  EXPECT_EQ(post(kAnswers, "text/plain").status, 415);
  EXPECT_EQ(post(kAnswers, "").status, 415);
  EXPECT_EQ(post(kAnswers, "Application/JSON; charset=utf-8").status, 200);
}

TEST(TriageRoute, RefusesAnotherSitesOrigin) {
  const Response response = post(kAnswers, "application/json", "https://evil.example");
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(post(kAnswers, "application/json", "").status, 200);  // Not a browser.
}

TEST(TriageRoute, AllowsOnlyPost) {
  const Response response = router().handle(Request{.method = "GET", .target = "/api/v1/triage"});
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("Allow"), "POST");
}

TEST(TriageRoute, ServesTheQuestionsInOrder) {
  const Response response =
      router().handle(Request{.method = "GET", .target = "/api/v1/triage/questions"});
  ASSERT_EQ(response.status, 200);
  const auto json = body_json(response);
  ASSERT_EQ(json["questions"].size(), 9u);
  EXPECT_EQ(json["questions"][0]["id"], "age");
  EXPECT_EQ(json["questions"][7]["id"], "red_flags");
  EXPECT_EQ(json["questions"][7]["options"].size(), 15u);
}

}  // namespace
}  // namespace hipcoach::server
