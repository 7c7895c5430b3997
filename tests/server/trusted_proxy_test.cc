// `hipcoach serve --trusted-proxy`: behind a reverse proxy, each client is
// counted by the address the proxy forwards, not as the proxy.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "hipcoach/server/server.h"
#include "running_server.h"
#include "test_client.h"

namespace hipcoach::server {
namespace {

using testing::http_get;
using testing::RunningServer;
using testing::TestClient;

class TrustedProxy : public ::testing::Test {
 protected:
  void start(std::vector<std::string> trusted) {
    ServerOptions options = testing::running_server_options();
    options.trusted_proxies = std::move(trusted);
    server_.emplace(options);
    ASSERT_TRUE(server_->port().has_value()) << server_->err();
    port_ = *server_->port();
  }

  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0) << server_->err();
    }
  }

  // POST /api/v1/sessions with a wrong password, from `forwarded_for`.
  int failed_sign_in(const std::string& email, const std::string& forwarded_for) {
    const std::string body = R"({"email":")" + email + R"(","password":"not-the-password-1"})";
    TestClient client(port_);
    EXPECT_TRUE(
        client.send("POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Content-Type: application/json\r\nX-Forwarded-For: " +
                    forwarded_for + "\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\nConnection: close\r\n\r\n" + body));
    const auto response = client.read_response();
    return response ? response->status : 0;
  }

  std::optional<RunningServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(TrustedProxy, MetricsStayClosedToAClientBehindALocalProxy) {
  start({"127.0.0.1"});
  const auto direct = http_get(port_, "/metrics");
  ASSERT_TRUE(direct.has_value());
  EXPECT_EQ(direct->status, 200) << "the machine itself still scrapes";
  const auto forwarded = http_get(port_, "/metrics", "X-Forwarded-For: 203.0.113.7\r\n");
  ASSERT_TRUE(forwarded.has_value());
  EXPECT_EQ(forwarded->status, 404);
  // A client's own header before the proxy's entry changes nothing.
  const auto spoofed = http_get(port_, "/metrics", "X-Forwarded-For: 127.0.0.1, 203.0.113.7\r\n");
  ASSERT_TRUE(spoofed.has_value());
  EXPECT_EQ(spoofed->status, 404);
}

TEST_F(TrustedProxy, WithoutTrustedProxiesTheHeaderIsIgnored) {
  start({});
  const auto forwarded = http_get(port_, "/metrics", "X-Forwarded-For: 203.0.113.7\r\n");
  ASSERT_TRUE(forwarded.has_value());
  EXPECT_EQ(forwarded->status, 200);
}

TEST_F(TrustedProxy, SignInFailuresAreCountedPerForwardedClient) {
  start({"127.0.0.1"});
  // 20 failures from one client, each on another account (under the
  // per-account limit of 5), lock that client out...
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(failed_sign_in("person" + std::to_string(i) + "@example.org", "203.0.113.7"), 401)
        << "attempt " << i + 1;
  }
  EXPECT_EQ(failed_sign_in("person-next@example.org", "203.0.113.7"), 429);
  // ...but not everyone else behind the same proxy.
  EXPECT_EQ(failed_sign_in("person-next@example.org", "198.51.100.4"), 401);
}

TEST(TrustedProxyOption, AnAddressThatIsNotOneIsRefusedByName) {
  const auto checked = check_trusted_proxies({"127.0.0.1", "proxy.example"});
  ASSERT_FALSE(checked.has_value());
  EXPECT_EQ(checked.error().where(), "--trusted-proxy");
  EXPECT_NE(checked.error().message().find("proxy.example"), std::string::npos);
  EXPECT_TRUE(check_trusted_proxies({"::1", "10.0.0.2"}).has_value());
}

}  // namespace
}  // namespace hipcoach::server
