#include "router.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "hipcoach/storage/data_files.h"
#include "problem.h"
#include "static_files.h"

namespace hipcoach::server {
namespace {

const std::filesystem::path kFixture = HIPCOACH_SERVER_TESTDATA_DIR;

const Router& router() {
  static const Router kRouter = [] {
    const core::LoadedProtocol loaded = storage::load_protocol_dir(kFixture);
    for (const auto& diagnostic : loaded.diagnostics) ADD_FAILURE() << diagnostic.to_string();
    const auto files = load_static_files(kFixture / "web");
    if (!files) ADD_FAILURE() << files.error().to_string();
    return Router(loaded.protocol, files ? *files : StaticFileMap{});
  }();
  return kRouter;
}

Response get(std::string_view target, std::string_view accept_encoding = "",
             std::string_view if_none_match = "") {
  return router().handle(Request{.method = "GET",
                                 .target = target,
                                 .if_none_match = if_none_match,
                                 .accept_encoding = accept_encoding});
}

nlohmann::json body_json(const Response& response) { return nlohmann::json::parse(*response.body); }

std::string gunzip(const std::string& compressed) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return {};
  std::string out(1024 * 1024, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = inflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return status == Z_STREAM_END ? out : std::string();
}

std::string read_fixture(const std::string& relative) {
  return (*load_static_files(kFixture / "web")).at(relative);
}

TEST(Router, ServesTheWholeProtocolAsJson) {
  const Response response = get("/api/v1/protocol");
  ASSERT_EQ(response.status, 200) << *response.body;
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  EXPECT_EQ(body_json(response)["groups"].size(), 2u);
}

TEST(Router, ServesOneGroupById) {
  const Response response = get("/api/v1/protocol/back-fan");
  ASSERT_EQ(response.status, 200) << *response.body;
  EXPECT_EQ(body_json(response)["group"]["id"], "back-fan");
}

TEST(Router, AnswersNotFoundForUnknownGroupId) {
  const Response response = get("/api/v1/protocol/no-such-group");
  ASSERT_EQ(response.status, 404);
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(body_json(response),
            nlohmann::json::parse(R"({"type":"about:blank","title":"Not Found","status":404,
              "detail":"no muscle group has this id","where":"id"})"));
}

TEST(Router, AnswersHealthCheck) {
  const Response response = get("/healthz");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(body_json(response), nlohmann::json::parse(R"({"status":"ok"})"));
}

TEST(Router, ServesIndexHtmlAtTheRoot) {
  const Response response = get("/");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(*response.body, read_fixture("index.html"));
}

TEST(Router, AnswersNotFoundForUnknownPath) {
  const Response response = get("/no/such/file.html");
  ASSERT_EQ(response.status, 404);
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(body_json(response),
            nlohmann::json::parse(R"({"type":"about:blank","title":"Not Found","status":404,
              "detail":"no resource or file exists at this path","where":"path"})"));
}

TEST(Router, AnswersNotFoundForTrailingSlashOnApiPath) {
  EXPECT_EQ(get("/api/v1/protocol/").status, 404);
}

TEST(Router, AnswersMethodNotAllowedWithAllowHeaderOnExistingRoutes) {
  for (const std::string_view method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get"}) {
    for (const std::string_view target : {"/api/v1/protocol", "/healthz", "/", "/css/app.css"}) {
      const Response response = router().handle(Request{.method = method, .target = target});
      EXPECT_EQ(response.status, 405) << method << " " << target;
      EXPECT_EQ(response.header("Allow"), "GET, HEAD") << method << " " << target;
      EXPECT_EQ(response.header("Content-Type"), "application/problem+json")
          << method << " " << target;
    }
  }
}

TEST(Router, AnswersNotFoundForOtherMethodsOnUnknownPaths) {
  EXPECT_EQ(router().handle(Request{.method = "POST", .target = "/nothing"}).status, 404);
}

TEST(Router, AnswersHeadWithTheLengthButWithoutTheBody) {
  const Response response =
      router().handle(Request{.method = "HEAD", .target = "/api/v1/protocol"});
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.body_mode, BodyMode::kHeadersOnly);
  EXPECT_EQ(response.body->size(), get("/api/v1/protocol").body->size());
  EXPECT_EQ(response.sent_body_bytes(), 0u);
}

TEST(Router, SendsAStrongEtag) {
  const std::string etag(get("/api/v1/protocol").header("ETag"));
  ASSERT_GE(etag.size(), 3u);
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  EXPECT_NE(etag, std::string(get("/healthz").header("ETag")));
}

TEST(Router, AnswersNotModifiedWhenIfNoneMatchHoldsTheEtag) {
  for (const std::string_view target : {"/api/v1/protocol", "/", "/css/app.css", "/healthz"}) {
    const std::string etag(get(target).header("ETag"));
    for (const std::string& if_none_match :
         {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
      const Response response = get(target, "", if_none_match);
      EXPECT_EQ(response.status, 304) << target << " If-None-Match: " << if_none_match;
      EXPECT_EQ(response.body_mode, BodyMode::kNone) << target;
      EXPECT_EQ(response.header("ETag"), etag) << target;
    }
  }
}

TEST(Router, AnswersTheFullBodyWhenIfNoneMatchDiffers) {
  const Response response = get("/api/v1/protocol", "", "\"0000000000000000-1\"");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body_mode, BodyMode::kFull);
}

TEST(Router, CompressesLargeTextWhenTheClientAcceptsGzip) {
  const Response plain = get("/css/app.css");
  const Response compressed = get("/css/app.css", "gzip, deflate, br");
  ASSERT_EQ(compressed.status, 200);
  EXPECT_EQ(compressed.header("Content-Encoding"), "gzip");
  EXPECT_EQ(compressed.header("Vary"), "Accept-Encoding");
  EXPECT_EQ(plain.header("Vary"), "Accept-Encoding");
  EXPECT_LT(compressed.body->size(), plain.body->size());
  EXPECT_EQ(gunzip(*compressed.body), *plain.body);
  EXPECT_NE(compressed.header("ETag"), plain.header("ETag"));
}

TEST(Router, CompressesTheProtocolJson) {
  const Response compressed = get("/api/v1/protocol", "gzip");
  EXPECT_EQ(compressed.header("Content-Encoding"), "gzip");
  EXPECT_EQ(nlohmann::json::parse(gunzip(*compressed.body)), body_json(get("/api/v1/protocol")));
}

TEST(Router, AnswersNotModifiedForTheGzipEtagWhenGzipIsAccepted) {
  const std::string etag(get("/css/app.css", "gzip").header("ETag"));
  EXPECT_EQ(get("/css/app.css", "gzip", etag).status, 304);
  EXPECT_EQ(get("/css/app.css", "", etag).status, 200);
}

TEST(Router, DoesNotCompressWhenTheClientRefusesGzip) {
  for (const std::string_view accept :
       {"", "identity", "gzip;q=0", "br", "*;q=0", "gzip;q=0.000"}) {
    EXPECT_EQ(get("/css/app.css", accept).header("Content-Encoding"), "") << accept;
  }
}

TEST(Router, DoesNotCompressSmallBodiesOrImages) {
  EXPECT_EQ(get("/js/app.mjs", "gzip").header("Content-Encoding"), "");
  EXPECT_EQ(get("/js/app.mjs", "gzip").header("Vary"), "");
  EXPECT_EQ(get("/pixel.png", "gzip").header("Content-Encoding"), "");
}

TEST(Router, SendsTheContentTypeOfEachWebFile) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"/index.html", "text/html; charset=utf-8"},
      {"/css/app.css", "text/css; charset=utf-8"},
      {"/js/app.mjs", "text/javascript; charset=utf-8"},
      {"/pixel.png", "image/png"},
      {"/robots.txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [target, type] : cases) {
    const Response response = get(target);
    EXPECT_EQ(response.status, 200) << target;
    EXPECT_EQ(response.header("Content-Type"), type) << target;
    EXPECT_EQ(response.header("X-Content-Type-Options"), "nosniff") << target;
  }
}

TEST(Router, AsksToRevalidateHtmlAndTheApi) {
  for (const std::string_view target :
       {"/", "/index.html", "/api/v1/protocol", "/api/v1/protocol/front-band"}) {
    EXPECT_EQ(get(target).header("Cache-Control"), "no-cache") << target;
  }
}

TEST(Router, IgnoresTheQueryStringOfStaticFiles) {
  const Response response = get("/css/app.css?v=3&token=secret");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(*response.body, read_fixture("css/app.css"));
}

TEST(Router, DecodesPercentEncodedPaths) { EXPECT_EQ(get("/css/%61pp.css").status, 200); }

TEST(Router, RefusesPathTraversalInEveryEncoding) {
  const std::string_view targets[] = {
      "/../etc/passwd",
      "/css/../../etc/passwd",
      "/%2e%2e/etc/passwd",
      "/%2E%2E/etc/passwd",
      "/..%2fetc%2fpasswd",
      "/css/..%2f..%2fetc/passwd",
      "/%2e%2e%5cetc%5cpasswd",
      "/..\\etc\\passwd",
      "/%252e%252e/etc/passwd",
      "/%252e%252e%252fetc",
      "/.%2e/etc/passwd",
      "/css/%2e%2e",
      "/..",
      "/./index.html",
      "/css/%00app.css",
      "/css/app.css%00.png",
      "/%",
      "/%2",
      "/%zz",
  };
  for (const std::string_view target : targets) {
    const Response response = get(target);
    EXPECT_EQ(response.status, 400) << target;
    EXPECT_EQ(body_json(response)["where"], "path") << target;
  }
}

TEST(Router, RefusesTargetsThatAreNotAbsolutePaths) {
  for (const std::string_view target : {"", "*", "index.html", "http://example.org/", "../x"}) {
    const Response response = get(target);
    EXPECT_EQ(response.status, 400) << target;
    EXPECT_EQ(body_json(response)["detail"],
              "the request target must be an absolute path starting with '/'")
        << target;
  }
}

TEST(Router, NeverEchoesTheTargetInAnError) {
  const Response response = get("/%2e%2e/secret-token-123");
  EXPECT_EQ(response.body->find("secret-token-123"), std::string::npos);
}

}  // namespace
}  // namespace hipcoach::server
