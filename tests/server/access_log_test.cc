#include "access_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace hipcoach::server {
namespace {

nlohmann::json parse_record(const AccessRecord& record) {
  return nlohmann::json::parse("{" + format_access_record(record) + "}");
}

TEST(AccessLog, WritesOneJsonObjectWithEveryField) {
  const auto line = parse_record({.request_id = "3f9c01ab-7",
                                  .method = "GET",
                                  .target = "/api/v1/protocol",
                                  .status = 200,
                                  .bytes = 1234,
                                  .duration_ms = 0.25});
  EXPECT_EQ(line,
            nlohmann::json::parse(R"({"event":"access","request_id":"3f9c01ab-7","method":"GET",
    "path":"/api/v1/protocol","status":200,"bytes":1234,"duration_ms":0.25})"));
}

TEST(AccessLog, NeverWritesTheQueryString) {
  const std::string line = format_access_record({.request_id = "3f9c01ab-1",
                                                 .method = "GET",
                                                 .target = "/css/app.css?token=secret",
                                                 .status = 200});
  EXPECT_EQ(line.find("secret"), std::string::npos);
  EXPECT_EQ(parse_record({.method = "GET", .target = "/css/app.css?token=secret"})["path"],
            "/css/app.css");
}

TEST(AccessLog, EscapesAnyBytesIntoValidJson) {
  const auto line = parse_record({.method = "G\"ET", .target = "/a\\b\n\x01\xff"});
  EXPECT_EQ(line["method"], "G\"ET");
  EXPECT_EQ(line["path"], "/a\\b\n\x01\xC3\xBF");
}

TEST(AccessLog, CutsVeryLongPaths) {
  const std::string target = "/" + std::string(5000, 'a');
  EXPECT_EQ(parse_record({.method = "GET", .target = target})["path"].get<std::string>().size(),
            kMaxLoggedPathBytes);
}

}  // namespace
}  // namespace hipcoach::server
