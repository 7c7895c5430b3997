#include "hipcoach/service/auth.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace hipcoach::service {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using TimePoint = SignInLimiter::Clock::time_point;

// The cheapest costs libsodium accepts keep these tests fast.
const PasswordHashOptions kFast = PasswordHashOptions::minimum();

// A fixed origin: tests pass time in and never read the clock.
const TimePoint kStart = TimePoint{} + std::chrono::hours(1000);

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

TEST(SignInLimiter, AllowsAFreshAccount) {
  const SignInLimiter limiter;
  EXPECT_EQ(limiter.check("a@example.com", "192.0.2.1", kStart), std::nullopt);
}

TEST(SignInLimiter, LocksAnAccountAfterFiveFailures) {
  SignInLimiter limiter;
  for (int i = 0; i < 4; ++i) {
    limiter.record_failure("a@example.com", "192.0.2.1", kStart + seconds(i));
    EXPECT_EQ(limiter.check("a@example.com", "192.0.2.1", kStart + seconds(i)), std::nullopt) << i;
  }
  limiter.record_failure("a@example.com", "192.0.2.1", kStart + seconds(4));
  EXPECT_EQ(limiter.check("a@example.com", "192.0.2.1", kStart + seconds(4)), seconds(900));
  EXPECT_EQ(limiter.check("a@example.com", "198.51.100.7", kStart + seconds(64)), seconds(840));
}

TEST(SignInLimiter, RoundsTheRetryAfterUp) {
  SignInLimiter limiter({.max_account_failures = 1});
  limiter.record_failure("a@example.com", "192.0.2.1", kStart);
  EXPECT_EQ(
      limiter.check("a@example.com", "192.0.2.1", kStart + std::chrono::milliseconds(899'001)),
      seconds(1));
}

TEST(SignInLimiter, TreatsTheAccountCaseInsensitively) {
  SignInLimiter limiter({.max_account_failures = 1});
  limiter.record_failure("A@Example.COM", "192.0.2.1", kStart);
  EXPECT_EQ(limiter.check("a@example.com", "198.51.100.7", kStart), seconds(900));
}

TEST(SignInLimiter, LocksAClientAfterTwentyFailuresAcrossAccounts) {
  SignInLimiter limiter;
  for (int i = 0; i < 20; ++i) {
    const std::string account = "user" + std::to_string(i) + "@example.com";
    EXPECT_EQ(limiter.check(account, "192.0.2.1", kStart), std::nullopt) << i;
    limiter.record_failure(account, "192.0.2.1", kStart);
  }
  EXPECT_EQ(limiter.check("someone-else@example.com", "192.0.2.1", kStart + seconds(10)),
            seconds(890));
  EXPECT_EQ(limiter.check("someone-else@example.com", "198.51.100.7", kStart + seconds(10)),
            std::nullopt);
}

TEST(SignInLimiter, ClearsTheAccountOnSuccess) {
  SignInLimiter limiter;
  for (int i = 0; i < 4; ++i) {
    limiter.record_failure("a@example.com", "192.0.2.1", kStart);
  }
  limiter.record_success("a@example.com", "192.0.2.1", kStart);
  limiter.record_failure("a@example.com", "192.0.2.1", kStart);
  EXPECT_EQ(limiter.check("a@example.com", "192.0.2.1", kStart), std::nullopt);
}

TEST(SignInLimiter, KeepsTheClientCountOnSuccess) {
  SignInLimiter limiter({.max_client_failures = 2});
  limiter.record_failure("a@example.com", "192.0.2.1", kStart);
  limiter.record_success("b@example.com", "192.0.2.1", kStart);
  limiter.record_failure("c@example.com", "192.0.2.1", kStart);
  EXPECT_EQ(limiter.check("d@example.com", "192.0.2.1", kStart), seconds(900));
}

TEST(SignInLimiter, UnlocksWhenTheLockoutHasPassed) {
  SignInLimiter limiter;
  for (int i = 0; i < 5; ++i) {
    limiter.record_failure("a@example.com", "192.0.2.1", kStart);
  }
  EXPECT_EQ(limiter.check("a@example.com", "192.0.2.1", kStart + minutes(15) - seconds(1)),
            seconds(1));
  EXPECT_EQ(limiter.check("a@example.com", "192.0.2.1", kStart + minutes(15)), std::nullopt);
}

TEST(SignInLimiter, StartsANewWindowAfterTheOldOneEnds) {
  SignInLimiter limiter;
  for (int i = 0; i < 4; ++i) {
    limiter.record_failure("a@example.com", "192.0.2.1", kStart);
  }
  // Four more failures in a new window stay under the limit of five.
  for (int i = 0; i < 4; ++i) {
    limiter.record_failure("a@example.com", "192.0.2.1", kStart + minutes(15));
  }
  EXPECT_EQ(limiter.check("a@example.com", "192.0.2.1", kStart + minutes(15)), std::nullopt);
}

TEST(SignInLimiter, CountsFailuresFromManyThreads) {
  SignInLimiter limiter;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&limiter, t] {
      for (int i = 0; i < 5; ++i) {
        limiter.record_failure("user" + std::to_string(t) + "@example.com", "192.0.2.1", kStart);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(limiter.check("other@example.com", "192.0.2.1", kStart), seconds(900));
  EXPECT_EQ(limiter.tracked_keys(), 5U);
}

TEST(SignInLimiter, PrunesExpiredEntries) {
  SignInLimiter limiter;
  limiter.record_failure("a@example.com", "192.0.2.1", kStart);
  EXPECT_EQ(limiter.tracked_keys(), 2U);
  limiter.prune(kStart + minutes(14));
  EXPECT_EQ(limiter.tracked_keys(), 2U);
  limiter.prune(kStart + minutes(15));
  EXPECT_EQ(limiter.tracked_keys(), 0U);
}

TEST(SignInLimiter, CapsTheNumberOfTrackedKeys) {
  SignInLimiter limiter({.max_client_failures = 1000, .max_tracked_keys = 10});
  for (int i = 0; i < 100; ++i) {
    limiter.record_failure("user" + std::to_string(i) + "@example.com", "192.0.2.1",
                           kStart + seconds(i));
  }
  EXPECT_EQ(limiter.tracked_keys(), 11U);  // Ten accounts and one client.
}

TEST(SignInLimiter, DropsTheOldestEntryWhenFull) {
  SignInLimiter limiter({.max_account_failures = 1, .max_tracked_keys = 2});
  limiter.record_failure("old@example.com", "192.0.2.1", kStart);
  limiter.record_failure("mid@example.com", "192.0.2.2", kStart + seconds(1));
  limiter.record_failure("new@example.com", "192.0.2.3", kStart + seconds(2));
  EXPECT_EQ(limiter.check("old@example.com", "198.51.100.7", kStart + seconds(2)), std::nullopt);
  EXPECT_EQ(limiter.check("mid@example.com", "198.51.100.7", kStart + seconds(2)), seconds(899));
  EXPECT_EQ(limiter.check("new@example.com", "198.51.100.7", kStart + seconds(2)), seconds(900));
}

TEST(SignInLimiter, ReusesTheSlotsOfExpiredEntriesFirst) {
  SignInLimiter limiter(
      {.max_account_failures = 2, .lockout = std::chrono::hours(1), .max_tracked_keys = 2});
  // The oldest window, but still locked.
  limiter.record_failure("locked@example.com", "192.0.2.1", kStart);
  limiter.record_failure("locked@example.com", "192.0.2.1", kStart);
  // A newer window that is over by the time the table is full.
  limiter.record_failure("expired@example.com", "192.0.2.1", kStart + minutes(1));
  limiter.record_failure("new@example.com", "192.0.2.1", kStart + minutes(20));
  EXPECT_EQ(limiter.check("locked@example.com", "198.51.100.7", kStart + minutes(20)), minutes(40));
}

}  // namespace
}  // namespace hipcoach::service
