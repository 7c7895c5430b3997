#include "problem.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace hipcoach::server {
namespace {

TEST(ProblemJson, FollowsRfc9457) {
  EXPECT_EQ(nlohmann::json::parse(problem_json(405, "method", "only GET")),
            nlohmann::json::parse(R"({"type":"about:blank","title":"Method Not Allowed",
              "status":405,"detail":"only GET","where":"method"})"));
}

TEST(ProblemJson, LeavesOutAnEmptyWhere) {
  EXPECT_FALSE(nlohmann::json::parse(problem_json(500, "", "x")).contains("where"));
}

TEST(ProblemJson, ReplacesInvalidUtf8) {
  const auto document = nlohmann::json::parse(problem_json(400, "path", "bad \xff byte"));
  EXPECT_EQ(document["detail"], "bad \xEF\xBF\xBD byte");
}

TEST(ProblemResponse, MapsErrorCodesToStatuses) {
  EXPECT_EQ(problem_response(core::Error::invalid_input("a", "b")).status, 400);
  EXPECT_EQ(problem_response(core::Error::not_found("a", "b")).status, 404);
  EXPECT_EQ(problem_response(core::Error::conflict("a", "b")).status, 409);
  EXPECT_EQ(problem_response(core::Error::unavailable("a", "b")).status, 503);
}

TEST(ProblemResponse, HidesTheDetailsOfInternalErrors) {
  const Response response = problem_response(core::Error::internal("db", "password=hunter2"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(response.body->find("hunter2"), std::string::npos);
  EXPECT_EQ(response.body->find("db"), std::string::npos);
}

TEST(ProblemResponse, AFullDiskIs507WithAFixedDetailThatNamesNoFile) {
  const Response response = problem_response(
      core::Error::storage_full("diary_entries", "the disk is full (ENOSPC): /srv/db.sqlite"));
  EXPECT_EQ(response.status, 507);
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
  const auto document = nlohmann::json::parse(*response.body);
  EXPECT_EQ(document["title"], "Insufficient Storage");
  EXPECT_EQ(document["detail"], "the server's storage is full; nothing was saved. Try again later");
  EXPECT_EQ(document["where"], "diary_entries");
  EXPECT_EQ(response.body->find("db.sqlite"), std::string::npos);
}

}  // namespace
}  // namespace hipcoach::server
