// Two-step sign-in through the Router, without sockets: a patient sets it
// up, signs in with a code and with a recovery code, regenerates and turns
// it off; a half-signed-in session reaches nothing else; staff must set it
// up before any staff route works and cannot turn it off; wrong codes count
// against the sign-in rate limit; every bad input names its place.
#include "two_factor_routes.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "api_fixture.h"

namespace hipcoach::server {
namespace {

using nlohmann::json;
using testing::kPassword;
using testing::Reply;

class TwoFactorRoutes : public testing::ApiFixture {
 protected:
  Reply sign_in(const std::string& email, std::string_view client = "192.0.2.1") {
    return call({.method = "POST",
                 .target = "/api/v1/sessions",
                 .body = json({{"email", email}, {"password", kPassword}}).dump(),
                 .client = client});
  }
  Reply second_step(const std::string& token, std::string code) {
    return post("/api/v1/sessions/two-factor", {{"code", std::move(code)}}, token);
  }
  Reply del_with(std::string target, const json& body, std::string token) {
    return call({.method = "DELETE",
                 .target = std::move(target),
                 .body = body.dump(),
                 .token = std::move(token)});
  }
  // A patient with two-step sign-in on; returns the recovery codes.
  std::vector<std::string> patient_with_two_factor(const std::string& email) {
    const std::string token = sign_up(email);
    return set_up_two_factor(email, token);
  }
  void expect_problem(const Reply& reply, int status, std::string_view where,
                      std::string_view detail) {
    EXPECT_EQ(reply.status, status) << reply.raw;
    EXPECT_EQ(reply.header("Content-Type"), "application/problem+json");
    EXPECT_EQ(reply.body.value("where", ""), where) << reply.raw;
    EXPECT_EQ(reply.body.value("detail", ""), detail) << reply.raw;
  }
};

TEST_F(TwoFactorRoutes, StartingShowsTheSecretTheUriAndAQrCode) {
  const std::string token = sign_up("ana@example.org");
  const Reply started = post("/api/v1/me/two-factor", {{"password", kPassword}}, token);
  ASSERT_EQ(started.status, 201) << started.raw;
  const std::string secret = started.body.at("secret");
  EXPECT_EQ(secret.size(), 32U);
  EXPECT_EQ(started.body.at("otpauth_uri"),
            "otpauth://totp/HipCoach:ana%40example.org?secret=" + secret +
                "&issuer=HipCoach&algorithm=SHA1&digits=6&period=30");
  const std::string svg = started.body.at("qr_svg");
  EXPECT_EQ(svg.rfind("<svg ", 0), 0U);
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_EQ(started.header("Cache-Control"), "no-store");
  EXPECT_EQ(get("/api/v1/me/two-factor", token).body,
            json::parse(R"({"enabled": false, "pending": true, "recovery_codes_left": 0})"));
}

TEST_F(TwoFactorRoutes, StartingNeedsTheRightPassword) {
  const std::string token = sign_up("ana@example.org");
  expect_problem(post("/api/v1/me/two-factor", {{"password", "not it at all"}}, token), 400,
                 "/password", "is not your password");
  expect_problem(post("/api/v1/me/two-factor", json::object(), token), 400, "/password",
                 "is required: a string");
  expect_problem(post("/api/v1/me/two-factor", json::array(), token), 400, "/",
                 "must be a JSON object");
  EXPECT_EQ(store_.get_two_factor(store_.find_user_by_email("ana@example.org")->id).error().code(),
            core::ErrorCode::kNotFound);
}

TEST_F(TwoFactorRoutes, ConfirmingTurnsItOnAndShowsTenRecoveryCodesOnce) {
  const std::string token = sign_up("ana@example.org");
  const std::vector<std::string> codes = set_up_two_factor("ana@example.org", token);
  ASSERT_EQ(codes.size(), 10U);
  for (const std::string& code : codes) {
    EXPECT_EQ(code.size(), 11U) << code;
    EXPECT_EQ(code[5], '-') << code;
  }
  EXPECT_EQ(get("/api/v1/me/two-factor", token).body,
            json::parse(R"({"enabled": true, "pending": false, "recovery_codes_left": 10})"));
  const Reply me = get("/api/v1/me", token);
  EXPECT_EQ(me.body.at("two_factor"), true);
  EXPECT_EQ(me.body.at("two_factor_required"), false);
  // Only hashes are kept.
  const auto stored = *store_.list_recovery_codes(me.body.at("id"));
  for (const auto& kept : stored) {
    for (const std::string& code : codes) EXPECT_EQ(kept.code_hash.find(code), std::string::npos);
  }
}

TEST_F(TwoFactorRoutes, ConfirmingRefusesAWrongCodeAndBadShapes) {
  const std::string token = sign_up("ana@example.org");
  ASSERT_EQ(post("/api/v1/me/two-factor", {{"password", kPassword}}, token).status, 201);
  expect_problem(post("/api/v1/me/two-factor/confirm", {{"code", "000000"}}, token), 400, "/code",
                 "is not the current code of your authenticator app; check that its clock is "
                 "right and try the next code");
  expect_problem(post("/api/v1/me/two-factor/confirm", {{"code", "abcde-fghij"}}, token), 400,
                 "/code", "must be the 6-digit code from your authenticator app");
  expect_problem(post("/api/v1/me/two-factor/confirm", {{"code", 123456}}, token), 400, "/code",
                 "is required: a string");
  EXPECT_EQ(get("/api/v1/me/two-factor", token).body.at("enabled"), false);
}

TEST_F(TwoFactorRoutes, ConfirmingWithoutStartingIsAConflict) {
  const std::string token = sign_up("ana@example.org");
  expect_problem(post("/api/v1/me/two-factor/confirm", {{"code", "123456"}}, token), 409,
                 "two_factor", "start setting up two-step sign-in first");
}

TEST_F(TwoFactorRoutes, StartingAgainWhenItIsOnIsAConflict) {
  const std::string token = sign_up("ana@example.org");
  set_up_two_factor("ana@example.org", token);
  expect_problem(post("/api/v1/me/two-factor", {{"password", kPassword}}, token), 409, "two_factor",
                 "two-step sign-in is on already");
}

TEST_F(TwoFactorRoutes, TurningItOnSignsOutTheOtherSessions) {
  const std::string first = sign_up("ana@example.org");
  const std::string other = sign_in("ana@example.org").body.at("token");
  set_up_two_factor("ana@example.org", first);
  EXPECT_EQ(get("/api/v1/me", other).status, 401);
  EXPECT_EQ(get("/api/v1/me", first).status, 200);
}

TEST_F(TwoFactorRoutes, ThePasswordAloneOpensAHalfSignedInSession) {
  patient_with_two_factor("ana@example.org");
  const Reply half = sign_in("ana@example.org");
  ASSERT_EQ(half.status, 201) << half.raw;
  EXPECT_EQ(half.body.at("two_factor_required"), true);
  EXPECT_EQ(half.body.at("two_factor_setup_required"), false);
  EXPECT_EQ(half.body.at("user").at("two_factor"), true);
  EXPECT_FALSE(half.body.contains("notifications"));
  EXPECT_NE(half.header("Set-Cookie").find("hipcoach_session="), std::string::npos);
  const std::string token = half.body.at("token");

  const Reply me = get("/api/v1/me", token);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.body.at("two_factor_required"), true);
  for (const std::string path : {"/api/v1/diary", "/api/v1/me/export", "/api/v1/progress",
                                 "/api/v1/me/reminders", "/api/v1/me/two-factor"}) {
    expect_problem(get(path, token), 401, "two_factor",
                   "enter the code from your authenticator app first "
                   "(POST /api/v1/sessions/two-factor)");
  }
  expect_problem(post("/api/v1/diary", {{"pain", 3}}, token), 401, "two_factor",
                 "enter the code from your authenticator app first "
                 "(POST /api/v1/sessions/two-factor)");
  EXPECT_EQ(del("/api/v1/me", token).status, 401);
  EXPECT_TRUE(store_.find_user_by_email("ana@example.org"));
}

TEST_F(TwoFactorRoutes, TheCodeCompletesTheSignIn) {
  patient_with_two_factor("ana@example.org");
  const std::string token = sign_in("ana@example.org").body.at("token");
  now_ += service::kTotpPeriod;
  const Reply done = second_step(token, authenticator_code("ana@example.org"));
  ASSERT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(done.body.at("two_factor_required"), false);
  EXPECT_EQ(done.body.at("recovery_codes_left"), 10);
  EXPECT_EQ(get("/api/v1/diary", token).status, 200);
  EXPECT_EQ(get("/api/v1/me", token).body.at("two_factor_required"), false);
}

TEST_F(TwoFactorRoutes, ACodeOfTheStepBeforeOrAfterIsAccepted) {
  patient_with_two_factor("ana@example.org");
  now_ += std::chrono::minutes{10};
  const std::string early = sign_in("ana@example.org").body.at("token");
  EXPECT_EQ(
      second_step(early, authenticator_code("ana@example.org", now_ - service::kTotpPeriod)).status,
      200);
  const std::string late = sign_in("ana@example.org").body.at("token");
  EXPECT_EQ(
      second_step(late, authenticator_code("ana@example.org", now_ + service::kTotpPeriod)).status,
      200);
}

TEST_F(TwoFactorRoutes, ACodeAlreadyUsedIsRefused) {
  patient_with_two_factor("ana@example.org");
  now_ += service::kTotpPeriod;
  const std::string code = authenticator_code("ana@example.org");
  const std::string first = sign_in("ana@example.org").body.at("token");
  ASSERT_EQ(second_step(first, code).status, 200);
  const std::string second = sign_in("ana@example.org").body.at("token");
  expect_problem(second_step(second, code), 400, "/code",
                 "was used already; wait for the next code");
  EXPECT_EQ(get("/api/v1/diary", second).status, 401);
}

TEST_F(TwoFactorRoutes, ARecoveryCodeWorksOnceInAnyCase) {
  const std::vector<std::string> codes = patient_with_two_factor("ana@example.org");
  const std::string token = sign_in("ana@example.org").body.at("token");
  std::string upper = codes[3];
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const Reply done = second_step(token, upper);
  ASSERT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(done.body.at("recovery_codes_left"), 9);
  const std::string again = sign_in("ana@example.org").body.at("token");
  expect_problem(second_step(again, codes[3]), 400, "/code",
                 "is not the current code of your authenticator app or an unused recovery code");
}

TEST_F(TwoFactorRoutes, TheSecondStepRefusesBadInputWithItsPlace) {
  patient_with_two_factor("ana@example.org");
  const std::string token = sign_in("ana@example.org").body.at("token");
  for (const json& body : {json{{"code", "12345"}}, json{{"code", "hello"}}}) {
    expect_problem(post("/api/v1/sessions/two-factor", body, token), 400, "/code",
                   "must be the 6-digit code from your authenticator app, or a recovery code "
                   "like abcde-fghij");
  }
  expect_problem(post("/api/v1/sessions/two-factor", json::object(), token), 400, "/code",
                 "is required: a string");
  const Reply text = call({.method = "POST",
                           .target = "/api/v1/sessions/two-factor",
                           .body = "code=123456",
                           .token = token,
                           .content_type = "text/plain"});
  EXPECT_EQ(text.status, 415);
  EXPECT_EQ(get("/api/v1/sessions/two-factor", token).status, 405);
}

TEST_F(TwoFactorRoutes, ASessionThatNeedsNoCodeIsToldSo) {
  const std::string token = sign_up("ana@example.org");
  expect_problem(second_step(token, "123456"), 409, "two_factor", "this session needs no code");
}

TEST_F(TwoFactorRoutes, WrongCodesCountAgainstTheSignInLimit) {
  patient_with_two_factor("ana@example.org");
  const std::string token = sign_in("ana@example.org").body.at("token");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(second_step(token, "000000").status, 400) << i;
  }
  const Reply locked = second_step(token, authenticator_code("ana@example.org"));
  EXPECT_EQ(locked.status, 429) << locked.raw;
  EXPECT_EQ(locked.header("Retry-After"), "900");
  EXPECT_EQ(locked.body.at("detail"), "too many sign-in attempts; try again in 900 s");
  // The password step is locked as well.
  EXPECT_EQ(sign_in("ana@example.org").status, 429);
  now_ += std::chrono::minutes{15};
  EXPECT_EQ(second_step(token, authenticator_code("ana@example.org")).status, 200);
}

TEST_F(TwoFactorRoutes, NoCodeOrSecretAppearsInAnError) {
  const std::vector<std::string> codes = patient_with_two_factor("ana@example.org");
  const std::string token = sign_in("ana@example.org").body.at("token");
  const std::string secret = authenticator_secrets_["ana@example.org"];
  const Reply wrong = second_step(token, "987654");
  EXPECT_EQ(wrong.raw.find("987654"), std::string::npos);
  EXPECT_EQ(wrong.raw.find(service::base32_encode(secret)), std::string::npos);
}

TEST_F(TwoFactorRoutes, RegeneratingReplacesEveryRecoveryCode) {
  const std::string token = sign_up("ana@example.org");
  const std::vector<std::string> old_codes = set_up_two_factor("ana@example.org", token);
  now_ += service::kTotpPeriod;
  const Reply fresh = post("/api/v1/me/two-factor/recovery-codes",
                           {{"code", authenticator_code("ana@example.org")}}, token);
  ASSERT_EQ(fresh.status, 200) << fresh.raw;
  const auto new_codes = fresh.body.at("recovery_codes").get<std::vector<std::string>>();
  ASSERT_EQ(new_codes.size(), 10U);
  const std::string half = sign_in("ana@example.org").body.at("token");
  EXPECT_EQ(second_step(half, old_codes[0]).status, 400);
  EXPECT_EQ(second_step(half, new_codes[0]).status, 200);
  expect_problem(post("/api/v1/me/two-factor/recovery-codes", {{"code", "000000"}}, token), 400,
                 "/code",
                 "is not the current code of your authenticator app or an unused recovery code");
}

TEST_F(TwoFactorRoutes, APatientTurnsItOffWithPasswordAndCode) {
  const std::string token = sign_up("ana@example.org");
  set_up_two_factor("ana@example.org", token);
  now_ += service::kTotpPeriod;
  expect_problem(
      del_with("/api/v1/me/two-factor",
               {{"password", "wrong password"}, {"code", authenticator_code("ana@example.org")}},
               token),
      400, "/password", "is not your password");
  expect_problem(del_with("/api/v1/me/two-factor", {{"password", kPassword}}, token), 400, "/code",
                 "is required: a string");
  const Reply off =
      del_with("/api/v1/me/two-factor",
               {{"password", kPassword}, {"code", authenticator_code("ana@example.org")}}, token);
  ASSERT_EQ(off.status, 204) << off.raw;
  EXPECT_EQ(get("/api/v1/me", token).body.at("two_factor"), false);
  const Reply plain = sign_in("ana@example.org");
  EXPECT_EQ(plain.body.at("two_factor_required"), false);
  EXPECT_EQ(get("/api/v1/diary", plain.body.at("token")).status, 200);
}

TEST_F(TwoFactorRoutes, StaffWithoutItMayOnlySetItUp) {
  ASSERT_TRUE(
      accounts_->create_account("doc@clinic.example", kPassword, storage::Role::kClinician, now_));
  const Reply signed_in = sign_in("doc@clinic.example");
  ASSERT_EQ(signed_in.status, 201);
  EXPECT_EQ(signed_in.body.at("two_factor_setup_required"), true);
  EXPECT_EQ(signed_in.body.at("two_factor_required"), false);
  const std::string token = signed_in.body.at("token");
  EXPECT_EQ(get("/api/v1/me", token).body.at("two_factor_setup_required"), true);
  const std::string refusal =
      "set up two-step sign-in first: staff accounts need it (Account, Two-step sign-in)";
  expect_problem(get("/api/v1/patients", token), 403, "two_factor", refusal);
  expect_problem(get("/api/v1/audit", token), 403, "two_factor", refusal);
  expect_problem(get("/api/v1/appointments", token), 403, "two_factor", refusal);
  expect_problem(call({.method = "PATCH",
                       .target = "/api/v1/appointments/1",
                       .body = R"({"action": "decline"})",
                       .token = token}),
                 403, "two_factor", refusal);
  expect_problem(get("/api/v1/diary", token), 403, "two_factor", refusal);

  set_up_two_factor("doc@clinic.example", token);
  EXPECT_EQ(get("/api/v1/patients", token).status, 200);
  EXPECT_EQ(get("/api/v1/me", token).body.at("two_factor_setup_required"), false);
}

TEST_F(TwoFactorRoutes, StaffSignInAfterwardsNeedsTheCode) {
  sign_in_staff("doc@clinic.example");
  const Reply half = sign_in("doc@clinic.example");
  EXPECT_EQ(half.body.at("two_factor_required"), true);
  EXPECT_EQ(get("/api/v1/patients", half.body.at("token")).status, 401);
  const std::string token = sign_in_with_code("doc@clinic.example");
  EXPECT_EQ(get("/api/v1/patients", token).status, 200);
}

TEST_F(TwoFactorRoutes, StaffCannotTurnItOff) {
  const std::string token = sign_in_staff("doc@clinic.example", storage::Role::kAdmin);
  now_ += service::kTotpPeriod;
  expect_problem(
      del_with("/api/v1/me/two-factor",
               {{"password", kPassword}, {"code", authenticator_code("doc@clinic.example")}},
               token),
      409, "two_factor", "staff accounts need two-step sign-in; it cannot be turned off");
  EXPECT_EQ(get("/api/v1/me", token).body.at("two_factor"), true);
}

TEST_F(TwoFactorRoutes, AHalfSignedInSessionCanSignOut) {
  patient_with_two_factor("ana@example.org");
  const std::string token = sign_in("ana@example.org").body.at("token");
  EXPECT_EQ(del("/api/v1/sessions/current", token).status, 204);
  EXPECT_EQ(get("/api/v1/me", token).status, 401);
}

TEST_F(TwoFactorRoutes, AChangeWithTheCookieStillNeedsThisSitesOrigin) {
  patient_with_two_factor("ana@example.org");
  const std::string token = sign_in("ana@example.org").body.at("token");
  const Reply refused = call({.method = "POST",
                              .target = "/api/v1/sessions/two-factor",
                              .body = R"({"code": "123456"})",
                              .cookie = "hipcoach_session=" + token});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body.at("where"), "Origin");
}

}  // namespace
}  // namespace hipcoach::server
