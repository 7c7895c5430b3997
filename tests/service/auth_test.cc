#include "hipcoach/service/auth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "../storage/test_store.h"
#include "hipcoach/service/accounts.h"
#include "hipcoach/storage/memory_store.h"

namespace hipcoach::service {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using TimePoint = std::chrono::sys_seconds;

// The cheapest costs libsodium accepts keep these tests fast.
const PasswordHashOptions kFast = PasswordHashOptions::minimum();

// A fixed origin: tests pass time in and never read the clock.
const TimePoint kStart = TimePoint{std::chrono::hours(1000)};

TEST(PasswordHash, VerifiesTheSamePassword) {
  const auto hash = hash_password("correct horse battery", kFast);
  ASSERT_TRUE(hash.has_value()) << hash.error().to_string();
  EXPECT_TRUE(verify_password(*hash, "correct horse battery"));
}

TEST(PasswordHash, RejectsAWrongPassword) {
  const auto hash = hash_password("correct horse battery", kFast);
  ASSERT_TRUE(hash.has_value());
  EXPECT_FALSE(verify_password(*hash, "correct horse battery!"));
}

TEST(PasswordHash, StartsWithTheArgon2idPrefix) {
  const auto hash = hash_password("correct horse battery", kFast);
  ASSERT_TRUE(hash.has_value());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0U) << *hash;
}

TEST(PasswordHash, UsesTheInteractiveCostsByDefault) {
  EXPECT_EQ(PasswordHashOptions{}.operations, 2U);
  EXPECT_EQ(PasswordHashOptions{}.memory_bytes, 64U * 1024U * 1024U);
}

TEST(PasswordHash, DiffersForTheSamePasswordBecauseOfTheSalt) {
  const auto first = hash_password("correct horse battery", kFast);
  const auto second = hash_password("correct horse battery", kFast);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(*first, *second);
}

TEST(PasswordHash, AcceptsPasswordsWithNulBytes) {
  const std::string password("before\0after!", 13);
  const auto hash = hash_password(password, kFast);
  ASSERT_TRUE(hash.has_value());
  EXPECT_TRUE(verify_password(*hash, password));
  EXPECT_FALSE(verify_password(*hash, "before"));
}

TEST(PasswordHash, ReportsCostsOutsideLibsodiumsRange) {
  const auto hash = hash_password("correct horse battery", {1, 1024});
  ASSERT_FALSE(hash.has_value());
  EXPECT_EQ(hash.error().code(), core::ErrorCode::kInternal);
  EXPECT_EQ(hash.error().where(), "password hash");
  EXPECT_EQ(hash.error().message(), "argon2id costs are outside libsodium's range");
}

TEST(PasswordVerify, ReturnsFalseForMalformedHashes) {
  const auto hash = hash_password("correct horse battery", kFast);
  ASSERT_TRUE(hash.has_value());
  const std::vector<std::string> malformed = {
      "",
      "not a hash",
      "$argon2id$",
      "$argon2id$v=19$m=8,t=1,p=1$",
      hash->substr(0, hash->size() - 5),
      std::string(*hash).insert(10, 1, '\0'),
      std::string(200, 'a'),
      *hash + std::string(200, 'a'),
  };
  for (const std::string& stored : malformed) {
    EXPECT_FALSE(verify_password(stored, "correct horse battery")) << "stored: " << stored;
  }
}

TEST(PasswordRehash, IsNotNeededForTheSameCosts) {
  const auto hash = hash_password("correct horse battery", kFast);
  ASSERT_TRUE(hash.has_value());
  EXPECT_FALSE(password_needs_rehash(*hash, kFast));
}

TEST(PasswordRehash, IsNeededWhenTheCostsChanged) {
  const auto hash = hash_password("correct horse battery", kFast);
  ASSERT_TRUE(hash.has_value());
  EXPECT_TRUE(password_needs_rehash(*hash, PasswordHashOptions{}));
}

TEST(PasswordRehash, IsNeededForAMalformedHash) {
  EXPECT_TRUE(password_needs_rehash("not a hash", kFast));
  EXPECT_TRUE(password_needs_rehash("", kFast));
}

struct PolicyCase {
  std::string password;
  std::string email;
  std::string message;
};

TEST(PasswordPolicy, RejectsBadPasswordsWithExactMessages) {
  const std::vector<PolicyCase> cases = {
      {"short", "a@example.com", "must be at least 10 characters, got 5"},
      {"", "a@example.com", "must be at least 10 characters, got 0"},
      // Nine code points in 18 bytes: characters are counted, not bytes.
      {"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", "a@example.com",
       "must be at least 10 characters, got 9"},
      {std::string(1025, 'x'), "a@example.com", "must be at most 1024 bytes, got 1025 bytes"},
      {"long enough \xFF password", "a@example.com",
       "must be valid UTF-8, found an invalid byte at offset 12"},
      {"Someone@Example.com", "someone@example.com", "must not be the same as the email address"},
  };
  for (const PolicyCase& row : cases) {
    const auto result = check_new_password(row.password, row.email);
    ASSERT_FALSE(result.has_value()) << "password: " << row.password;
    EXPECT_EQ(result.error().code(), core::ErrorCode::kInvalidInput) << row.password;
    EXPECT_EQ(result.error().where(), "/password") << row.password;
    EXPECT_EQ(result.error().message(), row.message) << row.password;
  }
}

TEST(PasswordPolicy, NeverEchoesThePassword) {
  const auto result = check_new_password("hunter2", "a@example.com");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().to_string().find("hunter2"), std::string::npos);
}

TEST(PasswordPolicy, AcceptsAGoodPassword) {
  EXPECT_TRUE(check_new_password("correct horse battery", "a@example.com").has_value());
  EXPECT_TRUE(check_new_password(std::string(1024, 'x'), "a@example.com").has_value());
  EXPECT_TRUE(check_new_password("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                                 "\xC3\xA9\xC3\xA9",
                                 "a@example.com")
                  .has_value());
}

TEST(SessionToken, HasFortyThreeBase64UrlCharacters) {
  const std::string token = new_session_token();
  EXPECT_EQ(token.size(), kSessionTokenLength);
  EXPECT_EQ(token.size(), 43U);
  EXPECT_TRUE(std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  })) << token;
  EXPECT_TRUE(is_well_formed_session_token(token));
}

TEST(SessionToken, DiffersEachTime) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 100; ++i) {
    tokens.push_back(new_session_token());
  }
  std::sort(tokens.begin(), tokens.end());
  EXPECT_EQ(std::adjacent_find(tokens.begin(), tokens.end()), tokens.end());
}

TEST(SessionToken, RejectsMalformedTokens) {
  const std::string good = new_session_token();
  EXPECT_FALSE(is_well_formed_session_token(""));
  EXPECT_FALSE(is_well_formed_session_token(good.substr(1)));
  EXPECT_FALSE(is_well_formed_session_token(good + "A"));
  EXPECT_FALSE(is_well_formed_session_token(std::string(42, 'A') + "="));
  EXPECT_FALSE(is_well_formed_session_token(std::string(42, 'A') + "+"));
}

TEST(TokenHash, IsDeterministicLowercaseHex) {
  const std::string token = new_session_token();
  const std::string hash = token_hash(token);
  EXPECT_EQ(hash, token_hash(token));
  EXPECT_EQ(hash.size(), 64U);
  EXPECT_TRUE(std::all_of(hash.begin(), hash.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  })) << hash;
  EXPECT_NE(hash, token_hash(new_session_token()));
}

TEST(TokenHash, IsBlake2b256) {
  // BLAKE2b-256 of the empty string, from the BLAKE2 reference implementation.
  EXPECT_EQ(token_hash(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

TEST(TokenComparison, ChecksContentAndLengthInConstantTime) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

// The limiter keeps its counts in a store, as every server process on one
// database does.
class SignInLimiterTest : public ::testing::Test {
 protected:
  // What check says, or a test failure when the store does not answer.
  std::optional<seconds> wait(const SignInLimiter& limiter, std::string_view account,
                              std::string_view client, TimePoint now) {
    auto checked = limiter.check(account, client, now);
    EXPECT_TRUE(checked) << checked.error().to_string();
    return checked ? *checked : std::nullopt;
  }
  void fail(SignInLimiter& limiter, std::string_view account, std::string_view client,
            TimePoint now) {
    auto counted = limiter.record_failure(account, client, now);
    EXPECT_TRUE(counted) << counted.error().to_string();
  }

  storage::MemoryStore store_;
};

TEST_F(SignInLimiterTest, AllowsAFreshAccount) {
  const SignInLimiter limiter(store_);
  EXPECT_EQ(wait(limiter, "a@example.com", "192.0.2.1", kStart), std::nullopt);
}

TEST_F(SignInLimiterTest, LocksAnAccountAfterFiveFailures) {
  SignInLimiter limiter(store_);
  for (int i = 0; i < 4; ++i) {
    fail(limiter, "a@example.com", "192.0.2.1", kStart + seconds(i));
    EXPECT_EQ(wait(limiter, "a@example.com", "192.0.2.1", kStart + seconds(i)), std::nullopt) << i;
  }
  fail(limiter, "a@example.com", "192.0.2.1", kStart + seconds(4));
  EXPECT_EQ(wait(limiter, "a@example.com", "192.0.2.1", kStart + seconds(4)), seconds(900));
  EXPECT_EQ(wait(limiter, "a@example.com", "198.51.100.7", kStart + seconds(64)), seconds(840));
}

TEST_F(SignInLimiterTest, SaysAtLeastOneSecondWhileLocked) {
  SignInLimiter limiter(store_, {.max_account_failures = 1, .lockout = seconds(0)});
  fail(limiter, "a@example.com", "192.0.2.1", kStart);
  EXPECT_EQ(wait(limiter, "a@example.com", "192.0.2.1", kStart), std::nullopt);
  SignInLimiter locking(store_, {.max_account_failures = 1});
  fail(locking, "b@example.com", "192.0.2.1", kStart);
  EXPECT_EQ(wait(locking, "b@example.com", "192.0.2.1", kStart + seconds(899)), seconds(1));
}

TEST_F(SignInLimiterTest, TreatsTheAccountCaseInsensitively) {
  SignInLimiter limiter(store_, {.max_account_failures = 1});
  fail(limiter, "A@Example.COM", "192.0.2.1", kStart);
  EXPECT_EQ(wait(limiter, "a@example.com", "198.51.100.7", kStart), seconds(900));
}

TEST_F(SignInLimiterTest, LocksAClientAfterTwentyFailuresAcrossAccounts) {
  SignInLimiter limiter(store_);
  for (int i = 0; i < 20; ++i) {
    const std::string account = "user" + std::to_string(i) + "@example.com";
    EXPECT_EQ(wait(limiter, account, "192.0.2.1", kStart), std::nullopt) << i;
    fail(limiter, account, "192.0.2.1", kStart);
  }
  EXPECT_EQ(wait(limiter, "someone-else@example.com", "192.0.2.1", kStart + seconds(10)),
            seconds(890));
  EXPECT_EQ(wait(limiter, "someone-else@example.com", "198.51.100.7", kStart + seconds(10)),
            std::nullopt);
}

TEST_F(SignInLimiterTest, ClearsTheAccountOnSuccess) {
  SignInLimiter limiter(store_);
  for (int i = 0; i < 4; ++i) {
    fail(limiter, "a@example.com", "192.0.2.1", kStart);
  }
  ASSERT_TRUE(limiter.record_success("a@example.com", "192.0.2.1"));
  fail(limiter, "a@example.com", "192.0.2.1", kStart);
  EXPECT_EQ(wait(limiter, "a@example.com", "192.0.2.1", kStart), std::nullopt);
}

TEST_F(SignInLimiterTest, KeepsTheClientCountOnSuccess) {
  SignInLimiter limiter(store_, {.max_client_failures = 2});
  fail(limiter, "a@example.com", "192.0.2.1", kStart);
  ASSERT_TRUE(limiter.record_success("b@example.com", "192.0.2.1"));
  fail(limiter, "c@example.com", "192.0.2.1", kStart);
  EXPECT_EQ(wait(limiter, "d@example.com", "192.0.2.1", kStart), seconds(900));
}

TEST_F(SignInLimiterTest, UnlocksWhenTheLockoutHasPassed) {
  SignInLimiter limiter(store_);
  for (int i = 0; i < 5; ++i) {
    fail(limiter, "a@example.com", "192.0.2.1", kStart);
  }
  EXPECT_EQ(wait(limiter, "a@example.com", "192.0.2.1", kStart + minutes(15) - seconds(1)),
            seconds(1));
  EXPECT_EQ(wait(limiter, "a@example.com", "192.0.2.1", kStart + minutes(15)), std::nullopt);
}

TEST_F(SignInLimiterTest, StartsANewWindowAfterTheOldOneEnds) {
  SignInLimiter limiter(store_);
  for (int i = 0; i < 4; ++i) {
    fail(limiter, "a@example.com", "192.0.2.1", kStart);
  }
  // Four more failures in a new window stay under the limit of five.
  for (int i = 0; i < 4; ++i) {
    fail(limiter, "a@example.com", "192.0.2.1", kStart + minutes(15));
  }
  EXPECT_EQ(wait(limiter, "a@example.com", "192.0.2.1", kStart + minutes(15)), std::nullopt);
}

TEST_F(SignInLimiterTest, TwoLimitersOnOneStoreShareTheirCounts) {
  // Two server processes on one database.
  SignInLimiter first(store_);
  SignInLimiter second(store_);
  for (int i = 0; i < 5; ++i) {
    fail(i % 2 == 0 ? first : second, "a@example.com", "192.0.2.1", kStart + seconds(i));
  }
  EXPECT_EQ(wait(first, "a@example.com", "198.51.100.7", kStart + seconds(4)), seconds(900));
  EXPECT_EQ(wait(second, "a@example.com", "198.51.100.7", kStart + seconds(4)), seconds(900));
  ASSERT_TRUE(first.record_success("a@example.com", "192.0.2.1"));
  EXPECT_EQ(wait(second, "a@example.com", "198.51.100.7", kStart + seconds(5)), std::nullopt);
}

TEST_F(SignInLimiterTest, CountsFailuresFromManyThreads) {
  SignInLimiter limiter(store_);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&limiter, t] {
      for (int i = 0; i < 5; ++i) {
        (void)limiter.record_failure("user" + std::to_string(t) + "@example.com", "192.0.2.1",
                                     kStart);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(wait(limiter, "other@example.com", "192.0.2.1", kStart), seconds(900));
}

TEST_F(SignInLimiterTest, StoresAHashOfEachKeyNeverTheEmailOrAddress) {
  SignInLimiter limiter(store_);
  fail(limiter, "A@Example.com", "192.0.2.1", kStart);
  using storage::SignInKeyKind;
  EXPECT_FALSE(store_.find_sign_in_failures(SignInKeyKind::kAccount, "a@example.com"));
  EXPECT_FALSE(store_.find_sign_in_failures(SignInKeyKind::kClient, "192.0.2.1"));
  EXPECT_TRUE(store_.find_sign_in_failures(SignInKeyKind::kAccount, token_hash("a@example.com")));
  EXPECT_TRUE(store_.find_sign_in_failures(SignInKeyKind::kClient, token_hash("192.0.2.1")));
}

TEST_F(SignInLimiterTest, FailsClosedWhenTheStoreCannotAnswer) {
  storage::testing::FailingStore failing(store_, 1);
  const SignInLimiter limiter(failing);
  auto checked = limiter.check("a@example.com", "192.0.2.1", kStart);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code(), core::ErrorCode::kUnavailable);
}

TEST_F(SignInLimiterTest, ASignInIsNotTriedWhenTheLimitCannotBeChecked) {
  AccountOptions options;
  options.hash = kFast;
  Accounts accounts(store_, options);
  ASSERT_TRUE(accounts.sign_up("a@example.com", "correct horse battery", kStart));
  storage::testing::FailingStore failing(store_, 1);
  Accounts failing_accounts(failing, options);
  auto signed_in =
      failing_accounts.sign_in("a@example.com", "correct horse battery", "192.0.2.1", kStart);
  ASSERT_FALSE(signed_in);
  EXPECT_EQ(signed_in.error().code(), core::ErrorCode::kUnavailable);
  EXPECT_EQ(failing.calls(), 1);
}

}  // namespace
}  // namespace hipcoach::service
