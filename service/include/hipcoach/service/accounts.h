// Accounts and sessions over a Store: sign-up, sign-in with rate limiting,
// sign-out, authentication of a token, password change, staff accounts and
// deleting an account with everything in it.
//
// Thread-safe (the Store and the SignInLimiter are). sign_up, sign_in,
// create_account and change_password hash or verify a password with argon2id:
// they take tens of milliseconds and a few MiB, so the server runs them on
// its hashing threads, never on a network thread. authenticate is a single
// store lookup and cheap.
//
// Time: `now` (wall clock, for session expiry) and `steady_now` (for the
// rate limiter) come from the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hipcoach/core/result.h"
#include "hipcoach/service/auth.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::service {

struct AccountOptions {
  PasswordHashOptions hash = interactive_hash_options();
  std::chrono::seconds session_lifetime = std::chrono::days{30};
  SignInLimiterOptions limiter;
  // How long a session found in the store is remembered in memory, so that
  // the next requests with the same token skip the lookup. This process
  // forgets a session at once when it is ended here (sign-out, password
  // change, deleted account); another server process sharing the database
  // may go on honouring it for up to this long. Zero: no cache.
  std::chrono::seconds session_cache_ttl{10};
  std::size_t session_cache_entries = 10'000;

  // The argon2id cost the server uses: 3 passes over 12 MiB, one of OWASP's
  // equivalent argon2id configurations (Password Storage Cheat Sheet), chosen
  // over libsodium's 64 MiB "interactive" preset to keep memory small.
  static PasswordHashOptions interactive_hash_options() {
    return {3, std::size_t{12} * 1024 * 1024};
  }
};

// A new session: the token is shown to the client once and never stored.
struct SignedIn {
  storage::User user;
  std::string token;
  std::chrono::sys_seconds expires_at;
};

// The caller of a request, after authenticate(): who, and by which session.
// The account itself is read only where a route needs it (find_user), so
// that the hot routes cost one lookup.
struct Caller {
  std::int64_t user_id = 0;
  std::string token_hash;  // Of the session used, e.g. to end it.
};

class Accounts {
 public:
  Accounts(storage::Store& store, AccountOptions options = {});
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  // Creates a patient account and signs it in. kInvalidInput for a malformed
  // email (where "/email") or a password the policy refuses ("/password");
  // kConflict (where "/email") when the email has an account.
  core::Result<SignedIn> sign_up(std::string_view email, std::string_view password,
                                 std::chrono::sys_seconds now);

  // Creates an account with `role` without signing in (hipcoach user add).
  core::Result<storage::User> create_account(std::string_view email, std::string_view password,
                                             storage::Role role, std::chrono::sys_seconds now);

  // How long `client` must wait before trying to sign in to `email`, or
  // nullopt when it may try now.
  std::optional<std::chrono::seconds> sign_in_wait(
      std::string_view email, std::string_view client,
      std::chrono::steady_clock::time_point steady_now) const;

  // Checks the password and starts a session. kRateLimited ("too many
  // sign-in attempts; try again in N s") when locked, checked before the
  // password; kUnauthenticated "the email or password is wrong" for an
  // unknown email or a wrong password, told apart neither in the message nor
  // in the time taken (an unknown email is checked against a dummy hash).
  core::Result<SignedIn> sign_in(std::string_view email, std::string_view password,
                                 std::string_view client, std::chrono::sys_seconds now,
                                 std::chrono::steady_clock::time_point steady_now);

  // The caller holding `token` at `now`. kUnauthenticated "sign in first" when
  // the token is malformed, unknown, ended or expired (never told apart).
  core::Result<Caller> authenticate(std::string_view token, std::chrono::sys_seconds now);

  // Ends the session with `token_hash`.
  core::Result<void> sign_out(std::string_view token_hash);

  // Checks `current_password`, sets `new_password` and ends every other
  // session of the caller. kInvalidInput "/current_password" when it is
  // wrong; the policy's errors name "/new_password".
  core::Result<void> change_password(const Caller& caller, std::string_view current_password,
                                     std::string_view new_password);

  // Deletes the account and all its data.
  core::Result<void> delete_account(std::int64_t user_id);

 private:
  struct CachedSession {
    std::int64_t user_id = 0;
    std::chrono::sys_seconds expires_at;                // The session's own expiry.
    std::chrono::steady_clock::time_point fresh_until;  // When to ask the store again.
  };
  // Forgets the cached sessions of `user_id` but the one with `keep_hash`.
  // Called after the store has ended them.
  void forget_sessions(std::int64_t user_id, std::string_view keep_hash);
  void forget_session(std::string_view hash);
  const std::string& dummy_hash();

  storage::Store& store_;
  const AccountOptions options_;
  SignInLimiter limiter_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // Verified against for unknown emails; made on first use.
  std::mutex cache_mutex_;
  std::unordered_map<std::string, CachedSession> session_cache_;  // Guarded by cache_mutex_.
  // Counts the times sessions were forgotten (guarded by cache_mutex_): a
  // lookup that raced with an ending does not cache what it read.
  std::uint64_t cache_generation_ = 0;
};

// Checks the shape of an email address: 3..254 bytes, one '@' with text on
// both sides, no spaces or control characters. Returns kInvalidInput with
// `where`. Deliverability is not checked.
core::Result<void> check_email(std::string_view email, std::string_view where);

}  // namespace hipcoach::service
