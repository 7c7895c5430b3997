// Two-step sign-in in Accounts, over the memory store: which stage a
// sign-in starts at, the second step, replay, recovery codes, the rate
// limit, the admin's reset, the export and deleting the account.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "hipcoach/service/accounts.h"
#include "hipcoach/service/export.h"
#include "hipcoach/service/totp.h"
#include "hipcoach/storage/memory_store.h"
#include "records_fixture.h"

namespace hipcoach::service {
namespace {

using storage::SessionStage;
using testing::shipped_protocol;
using testing::utc;

constexpr std::string_view kPassword = "correct horse battery";
constexpr std::string_view kClient = "192.0.2.7";

class TwoFactorAccounts : public ::testing::Test {
 protected:
  TwoFactorAccounts() : accounts_(store_, options()) {}
  static AccountOptions options() {
    AccountOptions options;
    options.hash = PasswordHashOptions::minimum();
    return options;
  }

  SignedIn sign_in(std::string_view email) {
    auto signed_in = accounts_.sign_in(email, kPassword, kClient, now_);
    EXPECT_TRUE(signed_in) << signed_in.error().to_string();
    return signed_in ? *signed_in : SignedIn{};
  }
  Caller caller_of(const SignedIn& signed_in) {
    auto caller = accounts_.authenticate(signed_in.token, now_);
    EXPECT_TRUE(caller) << caller.error().to_string();
    return caller ? *caller : Caller{};
  }
  // Sets up two-step sign-in for `signed_in`; keeps the secret; returns the
  // recovery codes.
  std::vector<std::string> set_up(const SignedIn& signed_in) {
    const Caller caller = caller_of(signed_in);
    auto setup = accounts_.start_two_factor(caller, kPassword, now_);
    EXPECT_TRUE(setup) << setup.error().to_string();
    if (!setup) return {};
    secret_ = *base32_decode(setup->secret, "secret");
    auto codes = accounts_.confirm_two_factor(caller, code(), kClient, now_);
    EXPECT_TRUE(codes) << codes.error().to_string();
    return codes ? *codes : std::vector<std::string>{};
  }
  std::string code() const { return totp_code(secret_, totp_step(now_)); }

  storage::MemoryStore store_;
  Accounts accounts_;
  std::chrono::sys_seconds now_ = utc("2026-11-28T18:00:00Z");
  std::string secret_;
};

TEST_F(TwoFactorAccounts, APatientWithoutItIsSignedInAtOnce) {
  ASSERT_TRUE(
      accounts_.create_account("ana@example.org", kPassword, storage::Role::kPatient, now_));
  EXPECT_EQ(sign_in("ana@example.org").stage, SessionStage::kSignedIn);
}

TEST_F(TwoFactorAccounts, StaffWithoutItMustSetItUp) {
  for (const auto role : {storage::Role::kClinician, storage::Role::kAdmin}) {
    const std::string email = std::string(storage::role_name(role)) + "@clinic.example";
    ASSERT_TRUE(accounts_.create_account(email, kPassword, role, now_));
    const SignedIn signed_in = sign_in(email);
    EXPECT_EQ(signed_in.stage, SessionStage::kNeedsEnrolment) << email;
    EXPECT_EQ(caller_of(signed_in).stage, SessionStage::kNeedsEnrolment) << email;
  }
}

TEST_F(TwoFactorAccounts, ConfirmingSignsTheSessionInAndEndsTheOthers) {
  ASSERT_TRUE(
      accounts_.create_account("doc@clinic.example", kPassword, storage::Role::kClinician, now_));
  const SignedIn other = sign_in("doc@clinic.example");
  const SignedIn here = sign_in("doc@clinic.example");
  EXPECT_EQ(set_up(here).size(), kRecoveryCodeCount);
  EXPECT_EQ(caller_of(here).stage, SessionStage::kSignedIn);
  EXPECT_FALSE(accounts_.authenticate(other.token, now_));
}

TEST_F(TwoFactorAccounts, WithItOnThePasswordAloneNeedsTheCode) {
  ASSERT_TRUE(
      accounts_.create_account("ana@example.org", kPassword, storage::Role::kPatient, now_));
  set_up(sign_in("ana@example.org"));
  const SignedIn half = sign_in("ana@example.org");
  ASSERT_EQ(half.stage, SessionStage::kNeedsCode);
  now_ += kTotpPeriod;
  auto left = accounts_.verify_second_factor(caller_of(half), code(), kClient, now_);
  ASSERT_TRUE(left) << left.error().to_string();
  EXPECT_EQ(*left, 10);
  EXPECT_EQ(caller_of(half).stage, SessionStage::kSignedIn);
}

TEST_F(TwoFactorAccounts, TwoSessionsCannotUseOneCode) {
  ASSERT_TRUE(
      accounts_.create_account("ana@example.org", kPassword, storage::Role::kPatient, now_));
  set_up(sign_in("ana@example.org"));
  now_ += kTotpPeriod;
  const SignedIn first = sign_in("ana@example.org");
  const SignedIn second = sign_in("ana@example.org");
  ASSERT_TRUE(accounts_.verify_second_factor(caller_of(first), code(), kClient, now_));
  auto replay = accounts_.verify_second_factor(caller_of(second), code(), kClient, now_);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().where(), "/code");
  EXPECT_EQ(replay.error().message(), "was used already; wait for the next code");
  EXPECT_EQ(caller_of(second).stage, SessionStage::kNeedsCode);
}

TEST_F(TwoFactorAccounts, FiveWrongCodesLockTheAccount) {
  ASSERT_TRUE(
      accounts_.create_account("ana@example.org", kPassword, storage::Role::kPatient, now_));
  set_up(sign_in("ana@example.org"));
  const Caller half = caller_of(sign_in("ana@example.org"));
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(accounts_.verify_second_factor(half, "000000", kClient, now_));
  }
  auto locked = accounts_.verify_second_factor(half, code(), kClient, now_);
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code(), core::ErrorCode::kRateLimited);
  EXPECT_TRUE(accounts_.sign_in_wait("ana@example.org", kClient, now_));
}

TEST_F(TwoFactorAccounts, TheAdminsResetRemovesItAndEndsEverySession) {
  auto doc =
      accounts_.create_account("doc@clinic.example", kPassword, storage::Role::kClinician, now_);
  ASSERT_TRUE(doc);
  const SignedIn signed_in = sign_in("doc@clinic.example");
  set_up(signed_in);
  ASSERT_TRUE(accounts_.reset_two_factor(doc->id));
  EXPECT_FALSE(accounts_.authenticate(signed_in.token, now_));
  EXPECT_FALSE(accounts_.two_factor_state(doc->id)->enabled);
  EXPECT_EQ(sign_in("doc@clinic.example").stage, SessionStage::kNeedsEnrolment);
  EXPECT_EQ(accounts_.reset_two_factor(doc->id).error().code(), core::ErrorCode::kNotFound);
}

TEST_F(TwoFactorAccounts, TheExportSaysWhetherItIsOnAndHoldsNoSecret) {
  auto ana = accounts_.create_account("ana@example.org", kPassword, storage::Role::kPatient, now_);
  ASSERT_TRUE(ana);
  auto before = export_json(shipped_protocol(), store_, *ana, now_);
  ASSERT_TRUE(before) << before.error().to_string();
  EXPECT_EQ(
      (*before)["two_step_sign_in"],
      nlohmann::json::parse(R"({"enabled": false, "enabled_at": null, "recovery_codes_left": 0})"));
  const std::vector<std::string> codes = set_up(sign_in("ana@example.org"));
  const SignedIn half = sign_in("ana@example.org");
  ASSERT_TRUE(accounts_.verify_second_factor(caller_of(half), codes[0], kClient, now_));
  auto after = export_json(shipped_protocol(), store_, *ana, now_);
  ASSERT_TRUE(after);
  EXPECT_EQ((*after)["two_step_sign_in"],
            nlohmann::json::parse(R"({"enabled": true, "enabled_at": "2026-11-28T18:00:00Z",
                                      "recovery_codes_left": 9})"));
  const std::string text = after->dump();
  EXPECT_EQ(text.find(base32_encode(secret_)), std::string::npos);
  const auto kept_codes = *store_.list_recovery_codes(ana->id);
  for (const auto& kept : kept_codes) {
    EXPECT_EQ(text.find(kept.code_hash), std::string::npos);
  }
}

TEST_F(TwoFactorAccounts, DeletingTheAccountDeletesItsTwoStepSignIn) {
  auto ana = accounts_.create_account("ana@example.org", kPassword, storage::Role::kPatient, now_);
  ASSERT_TRUE(ana);
  set_up(sign_in("ana@example.org"));
  ASSERT_TRUE(accounts_.delete_account(ana->id));
  EXPECT_FALSE(store_.get_two_factor(ana->id));
  EXPECT_TRUE(store_.list_recovery_codes(ana->id)->empty());
}

}  // namespace
}  // namespace hipcoach::service
