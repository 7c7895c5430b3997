// Account security primitives: password hashing (argon2id), the new-password
// policy, session tokens and the sign-in rate limiter.
//
// Everything here is built on libsodium, which stays out of this header. The
// free functions are thread-safe: each one initialises libsodium once
// (std::call_once) before its first use, and aborts through HIPCOACH_CHECK if
// libsodium cannot start, since no secure operation is possible without it.
// SignInLimiter is as thread-safe as its Store.
//
// Hashing a password is slow on purpose (about 0.1 s with the defaults on a
// 2-core machine): callers must run hash_password and verify_password off the
// network threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hipcoach/core/result.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::service {

// ---------------------------------------------------------------------------
// Passwords

// The argon2id cost of a password hash. The defaults equal libsodium's
// crypto_pwhash_OPSLIMIT_INTERACTIVE and crypto_pwhash_MEMLIMIT_INTERACTIVE
// (checked by a static_assert in auth.cc).
struct PasswordHashOptions {
  // Number of argon2id passes over memory. Default: 2.
  std::uint64_t operations = 2;
  // Memory used by one hash, in bytes. Default: 64 MiB (67108864).
  std::size_t memory_bytes = std::size_t{64} * 1024 * 1024;

  // The smallest costs libsodium accepts (crypto_pwhash_OPSLIMIT_MIN = 1 pass,
  // crypto_pwhash_MEMLIMIT_MIN = 8 KiB). For tests only: such hashes are cheap
  // to crack.
  static PasswordHashOptions minimum() { return {1, 8192}; }
};

// Returns the argon2id hash of `password` in libsodium's self-describing
// string form ("$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>", ASCII, under
// 128 bytes), with a fresh random salt. The caller owns the string and stores
// it as is.
// Errors: kInvalidInput (where "/password") when `password` is longer than
// libsodium allows; kInternal (where "password hash") when `options` are out
// of libsodium's range or the memory cannot be allocated.
// Does not apply the password policy: call check_new_password first.
core::Result<std::string> hash_password(std::string_view password,
                                        const PasswordHashOptions& options = {});

// Returns true when `password` matches `stored_hash` (a string made by
// hash_password, or any argon2 string libsodium reads). Returns false when it
// does not match, and also when `stored_hash` is malformed, empty, too long or
// contains a NUL byte. Never throws. The comparison inside libsodium is
// constant-time.
bool verify_password(std::string_view stored_hash, std::string_view password);

// Returns true when `stored_hash` is not an argon2id hash with exactly the
// costs in `options`, so that it should be replaced (after a successful
// verify_password, hash the password again). A malformed hash also returns
// true.
bool password_needs_rehash(std::string_view stored_hash, const PasswordHashOptions& options = {});

// The new-password policy. The minimum of 10 characters is HipCoach's own
// product rule, not taken from a standard; the byte cap stops a multi-megabyte
// "password" from costing memory before hashing.
inline constexpr std::size_t kMinPasswordCharacters = 10;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// Checks a password chosen at sign-up or at a password change. Returns
// success, or kInvalidInput with where "/password" and one of these messages
// (checked in this order; none ever contains the password):
//   "must be at most 1024 bytes, got N bytes"
//   "must be valid UTF-8, found an invalid byte at offset N"
//   "must be at least 10 characters, got N"  (characters are Unicode code points)
//   "must not be the same as the email address"  (compared ignoring ASCII case)
core::Result<void> check_new_password(std::string_view password, std::string_view email);

// ---------------------------------------------------------------------------
// Session tokens

// Length of a token from new_session_token: 32 bytes in unpadded base64url.
inline constexpr std::size_t kSessionTokenLength = 43;

// Returns a new session token: 32 bytes (256 bits) from libsodium's CSPRNG
// (randombytes_buf), encoded as URL-safe base64 without padding, so 43
// characters of [A-Za-z0-9_-]. Safe in a cookie value and a Bearer header.
// The token is shown to the client once and never stored: store token_hash.
std::string new_session_token();

// Returns true when `token` has the shape new_session_token produces (43
// characters of the base64url alphabet). A cheap filter before any lookup; it
// says nothing about whether the session exists.
bool is_well_formed_session_token(std::string_view token);

// Returns the BLAKE2b-256 hash (crypto_generichash, no key) of `token` as 64
// lowercase hex characters. Deterministic: the store keeps only this value
// and looks sessions up by it, so a leaked database holds no usable token.
// A fast hash suffices because the token carries 256 random bits.
std::string token_hash(std::string_view token);

// Returns true when `a` and `b` are equal, comparing equal-length inputs in
// constant time (sodium_memcmp). Inputs of different lengths return false at
// once: the length is not secret.
bool constant_time_equal(std::string_view a, std::string_view b);

// ---------------------------------------------------------------------------
// Sign-in rate limiting

struct SignInLimiterOptions {
  // Failed sign-ins one account may have within `window` before it is locked.
  // Default: 5.
  int max_account_failures = 5;
  // Failed sign-ins one client (IP address) may have within `window`, across
  // all accounts, before it is locked. Default: 20.
  int max_client_failures = 20;
  // The counting window, starting at a key's first failure. Default: 15 min.
  std::chrono::seconds window = std::chrono::minutes(15);
  // How long a key stays locked once it reaches its limit, counted from the
  // failure that reached it. Default: 15 min.
  std::chrono::seconds lockout = std::chrono::minutes(15);
};

// Counts failed sign-ins per account (email, lowercased in ASCII) and per
// client (the IP address as a string), and says when either is locked. The
// counts live in the Store (Store::count_sign_in_failure), so that every
// server process on one database shares them: failures spread over several
// processes lock an account as they would on one. The store keeps only a
// hash of each key (token_hash), never the email or the address.
//
// Typical use, per sign-in attempt:
//   if (auto wait = limiter.check(email, ip, now); wait && *wait) -> answer
//   "try again in (*wait)->count() s" without checking the password;
//   else verify, then record_failure or record_success.
//
// Time is passed in (wall clock: the times are shared across processes and
// stored), nothing is slept on. Keys longer than 320 bytes are cut to 320
// bytes. Thread-safe as far as the Store is; every call is one or two store
// calls, each an indexed lookup or upsert.
class SignInLimiter {
 public:
  // REQUIRES: `store` outlives the limiter; every maximum and the window > 0.
  explicit SignInLimiter(storage::Store& store, SignInLimiterOptions options = {});
  SignInLimiter(const SignInLimiter&) = delete;
  SignInLimiter& operator=(const SignInLimiter&) = delete;

  // Returns nullopt when a sign-in for `account` from `client` may go ahead,
  // else how long to wait, rounded up to whole seconds (at least 1 s): the
  // longer of the two locks when both are locked. The store's errors as
  // they come.
  [[nodiscard]] core::Result<std::optional<std::chrono::seconds>> check(
      std::string_view account, std::string_view client, std::chrono::sys_seconds now) const;

  // Counts one failed sign-in against both the account and the client.
  core::Result<void> record_failure(std::string_view account, std::string_view client,
                                    std::chrono::sys_seconds now);

  // Clears the account's failures. The client's count stays, so one valid
  // account cannot be used to reset an address that guesses at others.
  core::Result<void> record_success(std::string_view account, std::string_view client);

 private:
  storage::SignInFailureRule rule(int max_failures) const;

  storage::Store& store_;
  const SignInLimiterOptions options_;
};

}  // namespace hipcoach::service
