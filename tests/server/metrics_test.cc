// The /metrics counters and text, the route templates, and /readyz and
// /metrics through the Router (without sockets).
#include "metrics.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "../storage/test_store.h"
#include "api_fixture.h"
#include "router.h"

namespace hipcoach::server {
namespace {

using testing::Reply;

TEST(RouteTemplate, ReplacesIdsWithATemplate) {
  EXPECT_EQ(route_template("/api/v1/diary/42", 200), "/api/v1/diary/{id}");
  EXPECT_EQ(route_template("/api/v1/diary/42", 404), "/api/v1/diary/{id}");
  EXPECT_EQ(route_template("/api/v1/appointments/7/ical", 200), "/api/v1/appointments/{id}/ical");
  EXPECT_EQ(route_template("/api/v1/patients/3/diary", 200), "/api/v1/patients/{id}/diary");
  EXPECT_EQ(route_template("/api/v1/protocol/quadriceps", 200), "/api/v1/protocol/{id}");
  EXPECT_EQ(route_template("/api/v1/questionnaires/koos-12/responses", 201),
            "/api/v1/questionnaires/{id}/responses");
  // Whatever the segment holds, even an email, only the template is kept.
  EXPECT_EQ(route_template("/api/v1/diary/pat%40example.org", 404), "/api/v1/diary/{id}");
}

TEST(RouteTemplate, PrefersALiteralSegmentAndKeepsFixedPaths) {
  EXPECT_EQ(route_template("/api/v1/sessions/current", 204), "/api/v1/sessions/current");
  EXPECT_EQ(route_template("/api/v1/me/reminders/feed", 200), "/api/v1/me/reminders/feed");
  EXPECT_EQ(route_template("/api/v1/me", 200), "/api/v1/me");
  EXPECT_EQ(route_template("/healthz", 200), "/healthz");
  EXPECT_EQ(route_template("/readyz", 503), "/readyz");
  EXPECT_EQ(route_template("/metrics", 200), "/metrics");
}

TEST(RouteTemplate, NamesWebFilesStaticAndEverythingElseOther) {
  EXPECT_EQ(route_template("/", 200), "static");
  EXPECT_EQ(route_template("/app.js", 304), "static");
  EXPECT_EQ(route_template("/diary/index.html", 200), "static");
  EXPECT_EQ(route_template("/no-such-file.txt", 404), "other");
  EXPECT_EQ(route_template("/api/v1/no-such-route", 404), "other");
  EXPECT_EQ(route_template("/api/v1/diary/42/extra", 404), "other");
  EXPECT_EQ(route_template("/api/v1/diary/", 404), "other");
  EXPECT_EQ(route_template("/api/v1/diary//", 404), "other");
  EXPECT_EQ(route_template("", 400), "other");
  EXPECT_EQ(route_template("*", 400), "other");
}

TEST(RouteTemplate, EveryTemplateNamesItself) {
  for (std::size_t i = 2; i < kRouteCount; ++i) {
    const std::string_view name = kRouteTemplates[i];
    if (name.find('{') != std::string_view::npos) continue;
    EXPECT_EQ(route_index(name, 200), i) << name;
  }
}

TEST(Loopback, KnowsLoopbackAddresses) {
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("127.1.2.3"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_TRUE(is_loopback("::ffff:127.0.0.1"));
  EXPECT_FALSE(is_loopback("192.0.2.1"));
  EXPECT_FALSE(is_loopback("::ffff:192.0.2.1"));
  EXPECT_FALSE(is_loopback("2001:db8::1"));
  EXPECT_FALSE(is_loopback("1127.0.0.1"));
  EXPECT_FALSE(is_loopback(""));
}

// One sample line: name, labels and value.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses the exposition text; every line must be a HELP, a TYPE or a
// well-formed sample, and the text must end with a newline.
std::vector<Sample> parse(const std::string& text) {
  static const std::regex kSample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$)");
  static const std::regex kLabel(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)")re");
  static const std::regex kComment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$)");
  EXPECT_TRUE(text.empty() || text.back() == '\n');
  std::vector<Sample> samples;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("#")) {
      EXPECT_TRUE(std::regex_match(line, kComment)) << line;
      continue;
    }
    std::smatch match;
    if (!std::regex_match(line, match, kSample)) {
      ADD_FAILURE() << "not a sample: " << line;
      continue;
    }
    Sample sample;
    sample.name = match[1];
    const std::string labels = match[3];
    std::string rest = labels;
    for (std::smatch label; std::regex_search(rest, label, kLabel);) {
      EXPECT_EQ(label.position(0), 0) << line;
      sample.labels[label[1]] = label[2];
      rest = label.suffix();
      if (!rest.empty()) {
        EXPECT_EQ(rest.front(), ',') << line;
        rest.erase(0, 1);
      }
    }
    EXPECT_TRUE(rest.empty()) << line;
    std::size_t used = 0;
    const std::string value = match[4];
    sample.value = value == "+Inf" ? 1e300 : std::stod(value, &used);
    if (value != "+Inf") {
      EXPECT_EQ(used, value.size()) << line;
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

double value_of(const std::vector<Sample>& samples, const std::string& name,
                const std::map<std::string, std::string>& labels = {}) {
  for (const Sample& sample : samples) {
    if (sample.name == name && sample.labels == labels) return sample.value;
  }
  return 0;
}

TEST(MetricsText, IsWellFormedAndCountsRequests) {
  Metrics metrics;
  const auto before = parse(metrics.render());
  EXPECT_EQ(value_of(before, "hipcoach_sign_in_failures_total"), 0);
  EXPECT_EQ(value_of(before, "hipcoach_connections_open"), 0);

  metrics.record_request("GET", "/api/v1/diary/42", 200, 0.0004);
  metrics.record_request("GET", "/api/v1/diary/43", 200, 0.003);
  metrics.record_request("DELETE", "/api/v1/diary/43", 404, 2);
  metrics.record_request("BREW", "/healthz", 418, 10);
  metrics.record_sign_in_failure();
  metrics.record_database_time(0.5);
  metrics.connection_opened();
  metrics.connection_opened();
  metrics.connection_closed();

  const std::string text = metrics.render();
  const auto after = parse(text);
  EXPECT_EQ(value_of(after, "hipcoach_http_requests_total",
                     {{"route", "/api/v1/diary/{id}"}, {"method", "GET"}, {"status", "200"}}),
            2);
  EXPECT_EQ(value_of(after, "hipcoach_http_requests_total",
                     {{"route", "/api/v1/diary/{id}"}, {"method", "DELETE"}, {"status", "404"}}),
            1);
  // An unknown method and status have a bounded label of their own.
  EXPECT_EQ(value_of(after, "hipcoach_http_requests_total",
                     {{"route", "/healthz"}, {"method", "other"}, {"status", "other"}}),
            1);
  EXPECT_EQ(value_of(after, "hipcoach_sign_in_failures_total"), 1);
  EXPECT_DOUBLE_EQ(value_of(after, "hipcoach_database_seconds"), 0.5);
  EXPECT_EQ(value_of(after, "hipcoach_connections_open"), 1);
  EXPECT_EQ(text.find("42"), std::string::npos) << "an id reached a label";
  EXPECT_NE(text.find("# TYPE hipcoach_http_request_duration_seconds histogram\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE hipcoach_http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE hipcoach_connections_open gauge\n"), std::string::npos);
  EXPECT_NE(text.find("approximation"), std::string::npos);

  // The histogram of the diary route: cumulative buckets, +Inf equal to _count.
  const std::string route = "/api/v1/diary/{id}";
  const std::vector<std::string> bounds = {"0.001", "0.0025", "0.005", "0.01", "0.025",
                                           "0.05",  "0.1",    "0.25",  "0.5",  "1",
                                           "2.5",   "5",      "+Inf"};
  std::vector<double> buckets;
  for (const std::string& le : bounds) {
    buckets.push_back(value_of(after, "hipcoach_http_request_duration_seconds_bucket",
                               {{"route", route}, {"le", le}}));
  }
  for (std::size_t i = 1; i < buckets.size(); ++i) EXPECT_LE(buckets[i - 1], buckets[i]);
  EXPECT_EQ(buckets[0], 1);                  // 0.4 ms
  EXPECT_EQ(buckets[2], 2);                  // 3 ms
  EXPECT_EQ(buckets[bounds.size() - 3], 3);  // 2 s <= 2.5
  const double count =
      value_of(after, "hipcoach_http_request_duration_seconds_count", {{"route", route}});
  EXPECT_EQ(count, 3);
  EXPECT_EQ(buckets.back(), count);
  EXPECT_NEAR(value_of(after, "hipcoach_http_request_duration_seconds_sum", {{"route", route}}),
              2.0034, 1e-6);
  // Past the last finite bucket, only +Inf holds it.
  EXPECT_EQ(value_of(after, "hipcoach_http_request_duration_seconds_bucket",
                     {{"route", "/healthz"}, {"le", "5"}}),
            0);
  EXPECT_EQ(value_of(after, "hipcoach_http_request_duration_seconds_bucket",
                     {{"route", "/healthz"}, {"le", "+Inf"}}),
            1);
}

class Operations : public testing::ApiFixture {};

TEST_F(Operations, MetricsAnswerOnlyLoopbackClients) {
  const Reply unknown = call({.target = "/no-such-path", .client = "192.0.2.1"});
  const Reply refused = call({.target = "/metrics", .client = "192.0.2.1"});
  EXPECT_EQ(refused.status, 404);
  EXPECT_EQ(refused.raw, unknown.raw);
  EXPECT_EQ(refused.header("Content-Type"), unknown.header("Content-Type"));
  EXPECT_EQ(call({.target = "/metrics", .client = ""}).status, 404);

  const Reply local = call({.target = "/metrics", .client = "127.0.0.1"});
  EXPECT_EQ(local.status, 200);
  EXPECT_EQ(local.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(local.header("Cache-Control"), "no-store");
  parse(local.raw);
  EXPECT_EQ(call({.target = "/metrics", .client = "::1"}).status, 200);
  EXPECT_EQ(call({.method = "POST", .target = "/metrics", .client = "127.0.0.1"}).status, 405);
}

TEST_F(Operations, ReadinessAsksTheDatabaseOnItsLane) {
  const Request request{.method = "GET", .target = "/readyz"};
  EXPECT_EQ(router_->lane(request), Lane::kDatabase);
  const Reply ready = call({.target = "/readyz"});
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.raw, R"({"status":"ready"})");
  EXPECT_EQ(ready.header("Cache-Control"), "no-store");
  EXPECT_EQ(call({.method = "POST", .target = "/readyz"}).status, 405);
}

TEST_F(Operations, AFailedSignInIsCounted) {
  const auto failures = [] {
    return value_of(parse(metrics().render()), "hipcoach_sign_in_failures_total");
  };
  sign_up("pat@example.org");
  const double before = failures();
  EXPECT_EQ(post("/api/v1/sessions", {{"email", "pat@example.org"}, {"password", "wrong-password"}})
                .status,
            401);
  EXPECT_EQ(failures(), before + 1);
  EXPECT_EQ(metrics().render().find("pat@example.org"), std::string::npos);
}

TEST(OperationsWithFailingDatabase, ReadinessSaysUnavailableWithoutDetail) {
  storage::MemoryStore memory;
  // The first call, the readiness check's, fails; the next reaches the store.
  storage::testing::FailingStore store(memory, 1);
  service::AccountOptions account_options;
  account_options.hash = service::PasswordHashOptions::minimum();
  service::Accounts accounts(memory, account_options);
  const Api api(testing::shipped_protocol(), store, accounts);
  const Router router(testing::shipped_protocol(), StaticFileMap{}, &api);
  const Request request{.method = "GET", .target = "/readyz"};

  const Response down = router.handle(request);
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(*down.body, R"({"status":"unavailable"})");
  EXPECT_EQ(down.header("Cache-Control"), "no-store");
  const Response up = router.handle(request);
  EXPECT_EQ(up.status, 200);
  EXPECT_EQ(*up.body, R"({"status":"ready"})");
}

TEST(OperationsWithoutDatabase, ReadinessSaysThereIsNone) {
  const Router router(testing::shipped_protocol(), StaticFileMap{});
  const Request request{.method = "GET", .target = "/readyz"};
  EXPECT_EQ(router.lane(request), Lane::kInline);
  const Response response = router.handle(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(*response.body, R"({"status":"ready","database":"none"})");
  EXPECT_EQ(router.handle(Request{.method = "GET", .target = "/healthz"}).status, 200);
}

}  // namespace
}  // namespace hipcoach::server
