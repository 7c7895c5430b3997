// The server on 127.0.0.1 with port 0, run in-process on a thread and stopped
// through its ServerControl. After every hostile client, the test checks that
// the server still answers GET /healthz.
#include "http_server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "running_server.h"
#include "test_client.h"

namespace hipcoach::server {
namespace {

using testing::http_get;
using testing::TestClient;

const std::filesystem::path kFixture = HIPCOACH_SERVER_TESTDATA_DIR;

// The shared socket-test options, without a database.
ServerOptions fixture_options() {
  ServerOptions options = testing::running_server_options();
  options.db_url.clear();
  return options;
}

class HttpServer : public ::testing::Test {
 protected:
  void SetUp() override { start(fixture_options()); }

  // Short enough that the idle-client tests end quickly; nothing asserts
  // on the duration.
  virtual std::chrono::milliseconds read_timeout() const { return std::chrono::milliseconds(300); }

  void start(const ServerOptions& options) {
    ServeTuning tuning;
    tuning.read_timeout = read_timeout();
    tuning.shutdown_grace = std::chrono::milliseconds(3000);
    thread_ = std::thread([this, options, tuning] {
      exit_code_ = run_server(options, tuning, out_, err_, &control_);
    });
    const auto port = control_.wait_for_port();
    ASSERT_TRUE(port.has_value()) << err_.str();
    port_ = *port;
  }

  void TearDown() override {
    stop();
    EXPECT_EQ(exit_code_, 0) << err_.str();
  }

  void stop() {
    if (!thread_.joinable()) return;
    control_.request_stop();
    thread_.join();
  }

  void expect_healthy() {
    const auto response = http_get(port_, "/healthz");
    ASSERT_TRUE(response.has_value()) << "no answer to GET /healthz";
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, R"({"status":"ok"})");
  }

  ServerControl control_;
  std::ostringstream out_;
  std::ostringstream err_;
  std::thread thread_;
  int exit_code_ = -1;
  std::uint16_t port_ = 0;
};

// For requests with a large body: under a sanitizer on a busy machine, sending
// 1 MiB can take longer than the idle tests' short read timeout.
class HttpServerLargeBody : public HttpServer {
 protected:
  std::chrono::milliseconds read_timeout() const override { return std::chrono::seconds(10); }
};

TEST_F(HttpServer, AnswersTheHealthCheck) { expect_healthy(); }

// The value of the sample line that starts with `series` (name and labels)
// in a /metrics text, or -1 when there is none.
double sample_value(const std::string& text, const std::string& series) {
  const std::string start = series + " ";
  std::size_t at = text.starts_with(start) ? 0 : text.find("\n" + start);
  if (at == std::string::npos) return -1;
  if (at != 0) ++at;
  const std::size_t value_at = at + start.size();
  return std::stod(text.substr(value_at, text.find('\n', value_at) - value_at));
}

TEST_F(HttpServer, CountsRequestsByRouteTemplateInMetrics) {
  const std::string healthz =
      R"(hipcoach_http_requests_total{route="/healthz",method="GET",status="200"})";
  const std::string diary =
      R"(hipcoach_http_requests_total{route="/api/v1/diary/{id}",method="GET",status="503"})";
  const std::string healthz_count =
      R"(hipcoach_http_request_duration_seconds_count{route="/healthz"})";
  const std::string healthz_inf =
      R"(hipcoach_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"})";
  const auto first = http_get(port_, "/metrics");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const double healthz_before = std::max(0.0, sample_value(first->body, healthz));
  const double diary_before = std::max(0.0, sample_value(first->body, diary));

  for (int i = 0; i < 3; ++i) expect_healthy();
  // This server has no database: the diary answers 503, counted under its template.
  const auto record = http_get(port_, "/api/v1/diary/12345?email=pat@example.org");
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->status, 503);

  const auto second = http_get(port_, "/metrics");
  ASSERT_TRUE(second.has_value());
  const std::string& text = second->body;
  EXPECT_EQ(sample_value(text, healthz), healthz_before + 3);
  EXPECT_EQ(sample_value(text, diary), diary_before + 1);
  EXPECT_EQ(sample_value(text, healthz_count), sample_value(text, healthz_inf));
  EXPECT_GE(sample_value(text, healthz_count), 3);
  // The connection that asks is open.
  EXPECT_GE(sample_value(text, "hipcoach_connections_open"), 1);
  EXPECT_GE(sample_value(text, "hipcoach_sign_in_failures_total"), 0);
  EXPECT_GE(sample_value(text, "hipcoach_database_seconds"), 0);
  EXPECT_EQ(text.find("12345"), std::string::npos);
  EXPECT_EQ(text.find("example.org"), std::string::npos);
}

TEST_F(HttpServer, SaysItIsReadyWithoutADatabase) {
  const auto response = http_get(port_, "/readyz");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"status":"ready","database":"none"})");
  EXPECT_EQ(response->header("cache-control"), "no-store");
}

TEST_F(HttpServer, PrintsTheListeningLineWithTheRealPort) {
  stop();
  EXPECT_EQ(out_.str(), "HipCoach listening on http://127.0.0.1:" + std::to_string(port_) + "/\n");
}

TEST_F(HttpServer, ServesTheProtocolWithGzipAndEtag) {
  const auto response = http_get(port_, "/api/v1/protocol", "Accept-Encoding: gzip\r\n");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("content-encoding"), "gzip");
  EXPECT_EQ(response->header("vary"), "Accept-Encoding");
  EXPECT_FALSE(response->header("date").empty());
  const auto again =
      http_get(port_, "/api/v1/protocol",
               "Accept-Encoding: gzip\r\nIf-None-Match: " + response->header("etag") + "\r\n");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->status, 304);
}

TEST_F(HttpServer, AnswersHeadWithContentLengthAndNoBody) {
  TestClient client(port_);
  ASSERT_TRUE(client.send(
      "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto head = client.read_response(false);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "15");
  // The next response follows at once: the HEAD response had no body bytes.
  const auto get = client.read_response();
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->body, R"({"status":"ok"})");
}

TEST_F(HttpServer, PassesAPostBodyToTheRouter) {
  // The fixture has no triage rules: the body reaches the router, which says so.
  TestClient client(port_);
  const std::string body = R"({"age": 54})";
  ASSERT_TRUE(
      client.send("POST /api/v1/triage HTTP/1.1\r\nHost: x\r\n"
                  "Content-Type: application/json\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body));
  const auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 503);
  expect_healthy();
}

TEST_F(HttpServer, AnswersProblemJsonForUnknownPaths) {
  const auto response = http_get(port_, "/nothing/here");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 404);
  EXPECT_EQ(response->header("content-type"), "application/problem+json");
}

// Pages, API answers, problem documents and the parser's own errors: each
// carries the security headers.
TEST_F(HttpServer, EveryResponseCarriesTheSecurityHeaders) {
  std::vector<testing::ParsedResponse> responses;
  for (const char* target :
       {"/", "/index.html", "/api/v1/protocol", "/healthz", "/nothing/here", "/api/v1/diary"}) {
    auto response = http_get(port_, target);
    ASSERT_TRUE(response.has_value()) << target;
    responses.push_back(std::move(*response));
  }
  TestClient client(port_);
  ASSERT_TRUE(client.send("GET /healthz HTTP/9 9\r\nHost: x\r\n\r\n"));
  auto malformed = client.read_response();
  ASSERT_TRUE(malformed.has_value());
  EXPECT_EQ(malformed->status, 400);
  responses.push_back(std::move(*malformed));

  for (const auto& response : responses) {
    const std::string csp = response.header("content-security-policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << response.status;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << response.status;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(response.header("x-content-type-options"), "nosniff") << response.status;
    EXPECT_EQ(response.header("referrer-policy"), "no-referrer") << response.status;
    EXPECT_EQ(response.header("x-frame-options"), "DENY") << response.status;
  }
}

TEST_F(HttpServer, AnswersRequestHeaderFieldsTooLargeForOversizedHeaders) {
  TestClient client(port_);
  ASSERT_TRUE(client.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') +
                          "\r\n\r\n"));
  const auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 431);
  EXPECT_EQ(response->header("content-type"), "application/problem+json");
  EXPECT_EQ(response->header("connection"), "close");
  EXPECT_TRUE(client.wait_for_close());
  expect_healthy();
}

TEST_F(HttpServer, AnswersBadRequestForAMalformedRequestLine) {
  TestClient client(port_);
  ASSERT_TRUE(client.send("GET /healthz HTTP/9 9\r\nHost: x\r\n\r\n"));
  const auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->header("content-type"), "application/problem+json");
  EXPECT_TRUE(client.wait_for_close());
  expect_healthy();
}

TEST_F(HttpServerLargeBody, AnswersContentTooLargeForAHugeBody) {
  TestClient client(port_);
  ASSERT_TRUE(client.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n" +
                          std::string(64 * 1024, 'x')));
  const auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  EXPECT_TRUE(client.wait_for_close());
  expect_healthy();
}

TEST_F(HttpServerLargeBody, AnswersContentTooLargeForAHugeChunkedBody) {
  TestClient client(port_);
  ASSERT_TRUE(
      client.send("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
  for (int i = 0; i < 17; ++i) {
    if (!client.send(chunk)) break;  // The server may already have answered and closed.
  }
  const auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  expect_healthy();
}

TEST_F(HttpServer, AnswersMethodNotAllowedForASmallBody) {
  TestClient client(port_);
  ASSERT_TRUE(client.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
  const auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->header("allow"), "GET, HEAD");
  expect_healthy();
}

TEST_F(HttpServer, AnswersBadRequestForGarbageBytes) {
  TestClient client(port_);
  ASSERT_TRUE(client.send(std::string("\x00\x01\x02\xff\xfe garbage \r\n\r\n", 17)));
  const auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 400);
  EXPECT_TRUE(client.wait_for_close());
  expect_healthy();
}

TEST_F(HttpServer, ClosesAnIdleConnectionAfterTheReadTimeout) {
  TestClient client(port_);
  EXPECT_TRUE(client.wait_for_close());
  expect_healthy();
}

TEST_F(HttpServer, ClosesASlowClientThatNeverFinishesItsHeaders) {
  TestClient client(port_);
  ASSERT_TRUE(client.send("GET /healthz HTTP/1.1\r\nHo"));
  EXPECT_TRUE(client.wait_for_close());
  expect_healthy();
}

TEST_F(HttpServer, KeepsServingAfterAClientDisconnectsMidRequest) {
  {
    TestClient client(port_);
    ASSERT_TRUE(client.send("GET /api/v1/protocol HTTP/1.1\r\nHost: x\r\nAccept-"));
  }
  {
    TestClient client(port_);
    ASSERT_TRUE(client.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"));
  }
  expect_healthy();
}

TEST_F(HttpServer, KeepsAnHttp11ConnectionAliveBetweenRequests) {
  TestClient client(port_);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto response = client.read_response();
    ASSERT_TRUE(response.has_value()) << "request " << i;
    EXPECT_EQ(response->status, 200);
  }
}

TEST_F(HttpServer, AnswersPipelinedRequestsInOrder) {
  TestClient client(port_);
  ASSERT_TRUE(
      client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                  "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"
                  "GET /js/app.mjs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const int expected[] = {200, 404, 200};
  for (const int status : expected) {
    const auto response = client.read_response();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, status);
  }
  EXPECT_TRUE(client.wait_for_close());
}

TEST_F(HttpServer, ClosesAnHttp10ConnectionAfterTheResponse) {
  TestClient client(port_);
  ASSERT_TRUE(client.send("GET /healthz HTTP/1.0\r\n\r\n"));
  const auto response = client.read_response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(client.wait_for_close());
}

TEST_F(HttpServer, KeepsAnHttp10ConnectionAliveWhenAsked) {
  TestClient client(port_);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(client.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const auto response = client.read_response();
    ASSERT_TRUE(response.has_value()) << "request " << i;
    EXPECT_EQ(response->header("connection"), "keep-alive");
  }
}

TEST_F(HttpServer, ClosesIdleKeepAliveConnectionsWhenStopping) {
  TestClient client(port_);
  ASSERT_TRUE(client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(client.read_response().has_value());
  stop();
  EXPECT_TRUE(client.wait_for_close());
  EXPECT_EQ(exit_code_, 0);
}

TEST_F(HttpServer, StopsCleanlyOnSigterm) {
  std::raise(SIGTERM);
  thread_.join();
  EXPECT_EQ(exit_code_, 0);
}

TEST_F(HttpServer, RefusesAPortInUse) {
  ServerOptions options = fixture_options();
  options.port = port_;
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_server(options, ServeTuning{}, out, err, nullptr), 1);
  EXPECT_EQ(err.str().rfind("cannot listen on 127.0.0.1:" + std::to_string(port_) + ": ", 0), 0u)
      << err.str();
  EXPECT_EQ(out.str(), "");
}

TEST(RunServer, PrintsEachDiagnosticAndFailsOnInvalidData) {
  ServerOptions options = fixture_options();
  options.data_dir = kFixture / "no-such-data";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_server(options, out, err), 1);
  EXPECT_NE(err.str().find("no-such-data"), std::string::npos) << err.str();
  EXPECT_EQ(out.str(), "");
}

TEST(RunServer, FailsWhenTheWebDirectoryIsMissing) {
  ServerOptions options = fixture_options();
  options.web_dir = kFixture / "no-such-web";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_server(options, out, err), 1);
  EXPECT_EQ(err.str(), "web directory: " + (kFixture / "no-such-web").string() +
                           ": the web directory does not exist or is not a directory\n");
}

TEST(RunServer, FailsOnAnAddressItCannotResolve) {
  ServerOptions options = fixture_options();
  options.host = "no-such-host.invalid";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_server(options, out, err), 1);
  EXPECT_EQ(err.str().rfind("cannot listen on no-such-host.invalid:0: ", 0), 0u) << err.str();
}

}  // namespace
}  // namespace hipcoach::server
