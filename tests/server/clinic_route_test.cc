#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "hipcoach/storage/data_files.h"
#include "router.h"

namespace hipcoach::server {
namespace {

// The shipped data (with data/clinic.toml) and the server fixture (without one).
const Router& router_with_clinic() {
  static const Router kRouter = [] {
    const core::LoadedProtocol loaded =
        storage::load_protocol_dir(std::filesystem::path(HIPCOACH_SOURCE_DIR) / "data");
    for (const auto& diagnostic : loaded.diagnostics) ADD_FAILURE() << diagnostic.to_string();
    return Router(loaded.protocol, StaticFileMap{});
  }();
  return kRouter;
}

const Router& router_without_clinic() {
  static const Router kRouter = [] {
    const core::LoadedProtocol loaded = storage::load_protocol_dir(HIPCOACH_SERVER_TESTDATA_DIR);
    for (const auto& diagnostic : loaded.diagnostics) ADD_FAILURE() << diagnostic.to_string();
    return Router(loaded.protocol, StaticFileMap{});
  }();
  return kRouter;
}

Response send(const Router& router, std::string_view method, std::string_view if_none_match = "") {
  return router.handle(
      Request{.method = method, .target = "/api/v1/clinic", .if_none_match = if_none_match});
}

TEST(ClinicRoute, ServesTheClinicsSettingsAsJson) {
  const Response response = send(router_with_clinic(), "GET");
  ASSERT_EQ(response.status, 200) << *response.body;
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  const nlohmann::json body = nlohmann::json::parse(*response.body);
  EXPECT_EQ(body["name"], "More 4 Life Physical Therapy");
  EXPECT_EQ(body["address"], "St. Louis, MO");
  EXPECT_EQ(body["phone"], "314-941-3970");
  EXPECT_EQ(body["tel"], "3149413970");
  EXPECT_EQ(body["hours"], nlohmann::json::array());
  EXPECT_EQ(body["emergency_number"], "911");
  ASSERT_EQ(body["appointment_types"].size(), 2u);
  EXPECT_EQ(body["appointment_types"][0],
            nlohmann::json::parse(
                R"({"id": "initial-assessment", "name": "Initial assessment", "minutes": 60})"));
  EXPECT_EQ(body["offers"], nlohmann::json::array());
}

TEST(ClinicRoute, IsPublicAndRevalidatedWithAnEtag) {
  const Response response = send(router_with_clinic(), "GET");
  EXPECT_EQ(response.header("Cache-Control"), "no-cache");
  const std::string etag(response.header("ETag"));
  ASSERT_FALSE(etag.empty());
  const Response again = send(router_with_clinic(), "GET", etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body_mode, BodyMode::kNone);
}

TEST(ClinicRoute, CanOnlyBeRead) {
  const Response response = send(router_with_clinic(), "POST");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.header("Allow"), "GET, HEAD");
}

TEST(ClinicRoute, AnswersNotFoundWhenTheDataHasNoClinic) {
  const Response response = send(router_without_clinic(), "GET");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
  const nlohmann::json body = nlohmann::json::parse(*response.body);
  EXPECT_EQ(body["where"], "clinic");
  EXPECT_EQ(body["detail"], "this server's data has no clinic settings");
}

}  // namespace
}  // namespace hipcoach::server
