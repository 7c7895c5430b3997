#include "target.h"

#include <gtest/gtest.h>

namespace hipcoach::server {
namespace {

TEST(Target, SplitsThePathFromTheQuery) {
  const auto target = parse_target("/api/v1/protocol?lang=en&x=1");
  ASSERT_TRUE(target) << target.error().to_string();
  EXPECT_EQ(target->path, "/api/v1/protocol");
  EXPECT_EQ(target->query, "lang=en&x=1");
}

TEST(Target, DecodesPercentEscapesInThePath) {
  const auto target = parse_target("/css/my%20file%2Ecss");
  ASSERT_TRUE(target) << target.error().to_string();
  EXPECT_EQ(target->path, "/css/my file.css");
}

TEST(Target, KeepsDotsInsideNames) {
  const auto target = parse_target("/js/app..min.js");
  ASSERT_TRUE(target) << target.error().to_string();
  EXPECT_EQ(target->path, "/js/app..min.js");
}

TEST(Target, ExplainsEachRefusal) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"index.html", "the request target must be an absolute path starting with '/'"},
      {"/a%4", "malformed percent escape: '%' must be followed by two hex digits"},
      {"/a%g0", "malformed percent escape: '%' must be followed by two hex digits"},
      {"/a%00", "the path must not contain a NUL byte"},
      {"/a%0a", "the path must not contain control characters"},
      {"/a%5cb", "the path must not contain a backslash"},
      {"/a%2541", "the path must not be percent-encoded twice"},
      {"/a/../b", "the path must not contain '.' or '..' segments"},
      {"/a/%2e/b", "the path must not contain '.' or '..' segments"},
      {"/a/..%2fb", "the path must not contain '.' or '..' segments"},
  };
  for (const auto& [input, message] : cases) {
    const auto target = parse_target(input);
    ASSERT_FALSE(target) << input;
    EXPECT_EQ(target.error().code(), core::ErrorCode::kInvalidInput) << input;
    EXPECT_EQ(target.error().where(), "path") << input;
    EXPECT_EQ(target.error().message(), message) << input;
  }
}

TEST(Target, GivesTheRawPathWithoutTheQuery) {
  EXPECT_EQ(raw_path("/a/b?token=secret"), "/a/b");
  EXPECT_EQ(raw_path("/a/b"), "/a/b");
}

}  // namespace
}  // namespace hipcoach::server
