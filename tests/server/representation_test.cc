#include "representation.h"

#include <gtest/gtest.h>

#include <string>

namespace hipcoach::server {
namespace {

TEST(AcceptsGzip, ReadsTheAcceptEncodingHeader) {
  const std::pair<std::string_view, bool> cases[] = {
      {"", false},
      {"gzip", true},
      {"GZIP", true},
      {"x-gzip", true},
      {"deflate, gzip;q=0.5", true},
      {"gzip;q=0", false},
      {"gzip; q=0.0", false},
      {"gzip;q=0.001", true},
      {"identity", false},
      {"*", true},
      {"*;q=0", false},
      {"gzip;q=0, *", false},
      {"br, *;q=0.1", true},
  };
  for (const auto& [header, expected] : cases) {
    EXPECT_EQ(accepts_gzip(header), expected) << "Accept-Encoding: " << header;
  }
}

TEST(MatchesIfNoneMatch, UsesTheWeakComparison) {
  const std::string etag = "\"abc-1\"";
  const std::pair<std::string_view, bool> cases[] = {
      {"\"abc-1\"", true},  {"W/\"abc-1\"", true}, {"\"x\", \"abc-1\"", true},  {"*", true},
      {"\"abc-2\"", false}, {"abc-1", false},      {"\"x\",W/\"abc-1\"", true},
  };
  for (const auto& [header, expected] : cases) {
    EXPECT_EQ(matches_if_none_match(header, etag), expected) << "If-None-Match: " << header;
  }
}

TEST(StrongEtag, ChangesWithTheContent) {
  EXPECT_EQ(strong_etag("abc"), strong_etag("abc"));
  EXPECT_NE(strong_etag("abc"), strong_etag("abd"));
  EXPECT_NE(strong_etag(""), strong_etag(std::string(1, '\0')));
}

TEST(MakeRepresentation, KeepsSmallBodiesUncompressed) {
  const Representation representation =
      make_representation(std::string(kMinGzipBytes, 'a'), "text/plain", "no-cache");
  EXPECT_EQ(representation.gzip_body, nullptr);
  EXPECT_TRUE(representation.gzip_etag.empty());
}

TEST(MakeRepresentation, CompressesLargeCompressibleBodies) {
  const Representation representation =
      make_representation(std::string(4096, 'a'), "application/json", "no-cache");
  ASSERT_NE(representation.gzip_body, nullptr);
  EXPECT_LT(representation.gzip_body->size(), 100u);
  EXPECT_NE(representation.gzip_etag, representation.etag);
}

TEST(MakeRepresentation, DoesNotCompressImages) {
  const Representation representation =
      make_representation(std::string(4096, 'a'), "image/png", "no-cache");
  EXPECT_EQ(representation.gzip_body, nullptr);
}

TEST(IsCompressible, KnowsTextFormats) {
  EXPECT_TRUE(is_compressible("text/html; charset=utf-8"));
  EXPECT_TRUE(is_compressible("application/json"));
  EXPECT_TRUE(is_compressible("image/svg+xml"));
  EXPECT_TRUE(is_compressible("application/manifest+json"));
  EXPECT_FALSE(is_compressible("image/png"));
  EXPECT_FALSE(is_compressible("application/octet-stream"));
}

}  // namespace
}  // namespace hipcoach::server
