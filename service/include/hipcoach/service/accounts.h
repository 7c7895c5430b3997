// Accounts and sessions over a Store: sign-up, sign-in with rate limiting,
// two-step sign-in (TOTP and recovery codes, totp.h), sign-out,
// authentication of a token, password change, staff accounts and deleting
// an account with everything in it.
//
// Two-step sign-in: a session starts at a stage (storage::SessionStage).
// The right password opens a kNeedsCode session for an account with
// two-step sign-in on, which verify_second_factor moves to kSignedIn; a
// staff account (clinician, admin) without it gets a kNeedsEnrolment
// session, which confirm_two_factor moves to kSignedIn; everyone else is
// kSignedIn at once. The server lets a session that is not kSignedIn call
// only what its stage needs. Wrong codes count against the sign-in rate
// limiter, like wrong passwords. No secret, code or recovery code is ever
// logged or put in an error message.
//
// Thread-safe (the Store and the SignInLimiter are). Nothing that another
// server process needs is kept here: sessions, two-step sign-in (with the
// last used code step) and the sign-in failure counts are all in the Store,
// read on every call, so that any number of processes may share one
// PostgreSQL database behind a load balancer. sign_up, sign_in,
// create_account and change_password hash or verify a password with argon2id:
// they take tens of milliseconds and a few MiB, so the server runs them on
// its hashing threads, never on a network thread. authenticate is a single
// store lookup and cheap.
//
// Time: `now` (wall clock, for session expiry, TOTP steps and the rate
// limiter) comes from the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hipcoach/core/result.h"
#include "hipcoach/service/auth.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::service {

struct AccountOptions {
  PasswordHashOptions hash = interactive_hash_options();
  std::chrono::seconds session_lifetime = std::chrono::days{30};
  SignInLimiterOptions limiter;

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
  // How far sign-in has come: kNeedsCode when the account has two-step
  // sign-in on, kNeedsEnrolment for staff without it.
  storage::SessionStage stage = storage::SessionStage::kSignedIn;
};

// The caller of a request, after authenticate(): who, and by which session.
// The account itself is read only where a route needs it (find_user), so
// that the hot routes cost one lookup.
struct Caller {
  std::int64_t user_id = 0;
  std::string token_hash;  // Of the session used, e.g. to end it.
  storage::SessionStage stage = storage::SessionStage::kSignedIn;
};

// What setting up two-step sign-in shows once, for an authenticator app.
struct TwoFactorSetup {
  std::string secret;       // The key in base32 (RFC 4648, no padding), to type in.
  std::string otpauth_uri;  // otpauth://totp/HipCoach:EMAIL?secret=...
  std::string qr_svg;       // The URI as a QR code (qr_svg.h).
};

// A person's two-step sign-in as their account page shows it.
struct TwoFactorState {
  bool enabled = false;
  bool pending = false;  // Set up started, not confirmed.
  int recovery_codes_left = 0;
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
  // nullopt also when the store cannot say.
  std::optional<std::chrono::seconds> sign_in_wait(std::string_view email, std::string_view client,
                                                   std::chrono::sys_seconds now) const;

  // Checks the password and starts a session. kRateLimited ("too many
  // sign-in attempts; try again in N s") when locked, checked before the
  // password; kUnauthenticated "the email or password is wrong" for an
  // unknown email or a wrong password, told apart neither in the message nor
  // in the time taken (an unknown email is checked against a dummy hash).
  core::Result<SignedIn> sign_in(std::string_view email, std::string_view password,
                                 std::string_view client, std::chrono::sys_seconds now);

  // The caller holding `token` at `now`: one store lookup by the token's
  // hash, never remembered, so that a session ended by any process is
  // refused at once. kUnauthenticated "sign in first" when the token is
  // malformed, unknown, ended or expired (never told apart).
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

  // Two-step sign-in. `client` is for the rate limiter, as in sign_in; `now` picks the TOTP time
  // step and times the limiter. A wrong code is kInvalidInput (where "/code") "is not the current
  // code of your authenticator app or an unused recovery code" (or, for a code whose step was used,
  // "was used already; wait for the next code") and counts as a failed sign-in; once locked,
  // kRateLimited as sign_in.

  // The second step of sign-in: `code` is a TOTP code or a recovery code
  // (used up). Moves the caller's session to kSignedIn and returns how many
  // unused recovery codes are left. kConflict (where "two_factor") when the
  // session needs no code.
  core::Result<int> verify_second_factor(const Caller& caller, std::string_view code,
                                         std::string_view client, std::chrono::sys_seconds now);

  // Starts setting up two-step sign-in: checks `password` (kInvalidInput
  // "/password" "is not your password"), makes a new secret (replacing one
  // not yet confirmed) and returns it with its URI and QR code. kConflict
  // (where "two_factor") when it is on already.
  core::Result<TwoFactorSetup> start_two_factor(const Caller& caller, std::string_view password,
                                                std::chrono::sys_seconds now);

  // Turns two-step sign-in on with a TOTP `code` of the secret being set up,
  // moves the caller's session to kSignedIn, ends the caller's other
  // sessions, and returns the kRecoveryCodeCount new recovery codes (shown
  // once; only their hashes are kept). kConflict (where "two_factor") when
  // none is being set up or it is on already.
  core::Result<std::vector<std::string>> confirm_two_factor(const Caller& caller,
                                                            std::string_view code,
                                                            std::string_view client,
                                                            std::chrono::sys_seconds now);

  // Replaces every recovery code after checking `code` (TOTP or recovery
  // code); returns the new ones. kConflict (where "two_factor") when two-step
  // sign-in is not on.
  core::Result<std::vector<std::string>> regenerate_recovery_codes(const Caller& caller,
                                                                   std::string_view code,
                                                                   std::string_view client,
                                                                   std::chrono::sys_seconds now);

  // Turns two-step sign-in off after checking `password` and `code`.
  // kConflict (where "two_factor") for staff, who need it, or when it is
  // not on.
  core::Result<void> turn_off_two_factor(const Caller& caller, std::string_view password,
                                         std::string_view code, std::string_view client,
                                         std::chrono::sys_seconds now);

  // The admin's escape hatch (hipcoach user reset-two-factor): removes the
  // user's two-step sign-in and recovery codes and ends every session of
  // theirs. kNotFound when the user has none.
  core::Result<void> reset_two_factor(std::int64_t user_id);

  // The user's two-step sign-in as the account page shows it.
  core::Result<TwoFactorState> two_factor_state(std::int64_t user_id);

 private:
  const std::string& dummy_hash();
  // Checks a code typed for `user`: a TOTP code (its step recorded as used)
  // or, when `allow_recovery`, a recovery code (used up). Rate limited and
  // counted as sign_in counts passwords. Returns the unused recovery codes
  // left.
  core::Result<int> check_code(const storage::User& user, std::string_view code,
                               bool allow_recovery, std::string_view client,
                               std::chrono::sys_seconds now);
  // New recovery codes for `user_id` and their hashes.
  static std::pair<std::vector<std::string>, std::vector<std::string>> new_recovery_codes(
      std::int64_t user_id);

  storage::Store& store_;
  const AccountOptions options_;
  SignInLimiter limiter_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // Verified against for unknown emails; made on first use.
};

// Checks the shape of an email address: 3..254 bytes, one '@' with text on
// both sides, no spaces or control characters. Returns kInvalidInput with
// `where`. Deliverability is not checked.
core::Result<void> check_email(std::string_view email, std::string_view where);

}  // namespace hipcoach::service
