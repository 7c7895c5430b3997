// The fixture the API route tests share: the Router over the real Api, without
// sockets, on a MemoryStore with the shipped data, cheap password hashes and
// clocks the tests move. Each route test derives its own fixture from
// ApiFixture and adds the helpers for its routes.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api.h"
#include "hipcoach/service/totp.h"
#include "hipcoach/storage/data_files.h"
#include "hipcoach/storage/memory_store.h"
#include "router.h"
#include "test_store.h"

namespace hipcoach::server::testing {

// The protocol from the repository's data folder, loaded once.
inline const core::Protocol& shipped_protocol() {
  static const core::LoadedProtocol kLoaded =
      storage::load_protocol_dir(std::string(HIPCOACH_SOURCE_DIR) + "/data");
  return kLoaded.protocol;
}

inline constexpr std::string_view kHost = "127.0.0.1:8080";
inline constexpr std::string_view kOwnOrigin = "http://127.0.0.1:8080";
inline constexpr std::string_view kPassword = "correct horse battery";

// A response with its body as text and, when it is JSON, parsed (a discarded
// value otherwise).
struct Reply {
  int status = 0;
  nlohmann::json body;
  std::string raw;
  Response response;
  std::string header(std::string_view name) const { return std::string(response.header(name)); }
};

class ApiFixture : public ::testing::Test {
 protected:
  // Wednesday 2026-11-25, 15:00 UTC.
  static constexpr std::chrono::sys_seconds kWednesdayAfternoon =
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + std::chrono::hours{15};

  ApiFixture() : ApiFixture(kWednesdayAfternoon) {}
  // The wall clock starts at `start`; tests move it through now_.
  explicit ApiFixture(std::chrono::sys_seconds start) : now_(start) {
    service::AccountOptions account_options;
    account_options.hash = service::PasswordHashOptions::minimum();
    accounts_ = std::make_unique<service::Accounts>(store_, account_options);
    ApiOptions options;
    options.now = [this] { return now_; };
    api_ = std::make_unique<server::Api>(shipped_protocol(), store_, *accounts_, options);
    router_ = std::make_unique<Router>(shipped_protocol(), StaticFileMap{}, api_.get());
  }

  struct Call {
    std::string_view method = "GET";
    std::string target{};
    std::string body{};
    std::string token{};   // Sent as Bearer when set.
    std::string cookie{};  // The Cookie header, when set.
    std::string_view origin{};
    std::string_view if_none_match{};
    std::string_view content_type = "application/json";
    std::string_view client = "192.0.2.1";
  };

  Reply call(const Call& c) {
    const std::string authorization = c.token.empty() ? "" : "Bearer " + c.token;
    Reply reply;
    reply.response = router_->handle(Request{.method = c.method,
                                             .target = c.target,
                                             .if_none_match = c.if_none_match,
                                             .content_type = c.content_type,
                                             .origin = c.origin,
                                             .host = kHost,
                                             .authorization = authorization,
                                             .cookie = c.cookie,
                                             .client = c.client,
                                             .body = c.body});
    reply.status = reply.response.status;
    reply.raw = *reply.response.body;
    reply.body = nlohmann::json::parse(reply.raw, nullptr, false);
    return reply;
  }

  Reply post(std::string target, const nlohmann::json& body, std::string token = "") {
    return call({.method = "POST",
                 .target = std::move(target),
                 .body = body.dump(),
                 .token = std::move(token)});
  }
  Reply get(std::string target, std::string token) {
    return call({.target = std::move(target), .token = std::move(token)});
  }
  Reply del(std::string target, std::string token) {
    return call({.method = "DELETE", .target = std::move(target), .token = std::move(token)});
  }

  // GETs `target` with `token` through an Api of its own over a FailingStore
  // on the fixture's store whose call number `failing_call` fails (-1: none),
  // and sets `*calls` to the store calls the request made. Read only the
  // answer's status and body: its headers may point into that Api.
  Response get_with_failing_store(int failing_call, const std::string& target,
                                  const std::string& token, int* calls) {
    storage::testing::FailingStore failing(store_, failing_call);
    service::AccountOptions account_options;
    account_options.hash = service::PasswordHashOptions::minimum();
    service::Accounts accounts(failing, account_options);
    ApiOptions options;
    options.now = [this] { return now_; };
    const Api api(shipped_protocol(), failing, accounts, options);
    const std::string authorization = "Bearer " + token;
    Response response = api.handle(
        Request{.method = "GET", .target = target, .host = kHost, .authorization = authorization},
        target, "");
    *calls = failing.calls();
    return response;
  }

  // Signs up with kPassword and returns the token.
  std::string sign_up(const std::string& email) {
    const Reply reply = post("/api/v1/accounts", {{"email", email}, {"password", kPassword}});
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.body.value("token", "");
  }

  // Makes a staff account, signs it in and sets up two-step sign-in with a
  // code from the fixture's clock, as a clinician does in their authenticator
  // app; returns the token of the fully signed-in session.
  std::string sign_in_staff(const std::string& email,
                            storage::Role role = storage::Role::kClinician) {
    EXPECT_TRUE(accounts_->create_account(email, kPassword, role, now_));
    const Reply reply = post("/api/v1/sessions", {{"email", email}, {"password", kPassword}});
    EXPECT_EQ(reply.status, 201) << reply.raw;
    const std::string token = reply.body.value("token", "");
    set_up_two_factor(email, token);
    return token;
  }

  // Sets up two-step sign-in for the account `email` signed in with
  // `token`, keeping its secret for authenticator_code; returns the
  // recovery codes.
  std::vector<std::string> set_up_two_factor(const std::string& email, const std::string& token) {
    const Reply started = post("/api/v1/me/two-factor", {{"password", kPassword}}, token);
    EXPECT_EQ(started.status, 201) << started.raw;
    auto secret = service::base32_decode(started.body.value("secret", ""), "secret");
    EXPECT_TRUE(secret.has_value());
    if (!secret) return {};
    authenticator_secrets_[email] = *secret;
    const Reply confirmed =
        post("/api/v1/me/two-factor/confirm", {{"code", authenticator_code(email)}}, token);
    EXPECT_EQ(confirmed.status, 200) << confirmed.raw;
    return confirmed.body.value("recovery_codes", std::vector<std::string>{});
  }

  // What the authenticator app of `email` shows at `at` (default: now_).
  std::string authenticator_code(const std::string& email,
                                 std::optional<std::chrono::sys_seconds> at = std::nullopt) {
    return service::totp_code(authenticator_secrets_[email], service::totp_step(at.value_or(now_)));
  }

  // Signs `email` in with kPassword and the next code of its authenticator
  // app (the clock moves on one 30 s step first, so that the code is not one
  // already used); returns the token.
  std::string sign_in_with_code(const std::string& email) {
    const Reply half = post("/api/v1/sessions", {{"email", email}, {"password", kPassword}});
    EXPECT_EQ(half.status, 201) << half.raw;
    const std::string token = half.body.value("token", "");
    now_ += service::kTotpPeriod;
    const Reply full =
        post("/api/v1/sessions/two-factor", {{"code", authenticator_code(email)}}, token);
    EXPECT_EQ(full.status, 200) << full.raw;
    return token;
  }

  storage::MemoryStore store_;
  std::unique_ptr<service::Accounts> accounts_;
  // The TOTP secrets of the accounts set up by set_up_two_factor, by email.
  std::map<std::string, std::string> authenticator_secrets_;
  std::unique_ptr<server::Api> api_;
  std::unique_ptr<Router> router_;
  std::chrono::sys_seconds now_;  // The wall clock the Api sees (it also times the sign-in limit).
};

}  // namespace hipcoach::server::testing
