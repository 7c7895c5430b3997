// Two-step sign-in primitives: time-based one-time passwords (TOTP, RFC 6238
// over HOTP, RFC 4226) as the usual authenticator apps make them (HMAC-SHA1,
// 6 digits, 30 s steps), base32 (RFC 4648) for the secret, the otpauth://
// URI an app scans, and recovery codes.
//
// HMAC-SHA1 comes from OpenSSL's one-shot HMAC(); randomness from libsodium.
// Neither appears in this header. Every function is thread-safe and reads no
// clock: the time comes in as an argument.
//
// Nothing here logs, and no error message ever holds a secret or a code.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/result.h"

namespace hipcoach::service {

// The parameters authenticator apps assume when an otpauth URI names none.
inline constexpr std::size_t kTotpSecretBytes = 20;  // 160 bits, as RFC 4226 recommends.
inline constexpr int kTotpDigits = 6;
inline constexpr std::chrono::seconds kTotpPeriod{30};
// Codes of the current step and of one step either side are accepted, for
// clocks that drift and codes typed as the step turns.
inline constexpr std::int64_t kTotpWindowSteps = 1;
inline constexpr std::string_view kTotpIssuer = "HipCoach";

// ---------------------------------------------------------------------------
// Base32 (RFC 4648, section 6)

// `bytes` in base32 with the upper-case alphabet A-Z2-7 and no '=' padding.
std::string base32_encode(std::string_view bytes);

// The bytes `text` encodes. Accepts upper or lower case, ignores spaces and
// '-' (as people type a secret in groups), and accepts '=' padding at the
// end. kInvalidInput with `where` and one of:
//   "must not be empty"
//   "must be base32 (letters A-Z and digits 2-7), found 'C' at character N"
//   "has a length no base32 text can have (N letters)"
//   "has padding in the middle"
// ('C' is the offending character; N counts from 1 in `text`.)
core::Result<std::string> base32_decode(std::string_view text, std::string_view where);

// ---------------------------------------------------------------------------
// HOTP and TOTP

// The HOTP value (RFC 4226, section 5.3) of `key` at `counter`, with
// `digits` decimal digits (REQUIRES: 6 <= digits <= 8), left-padded with
// zeros: HMAC-SHA1, dynamic truncation, modulo 10^digits.
std::string hotp(std::string_view key, std::uint64_t counter, int digits = kTotpDigits);

// The TOTP time step of `now`: whole periods since the Unix epoch (T0 = 0),
// floor((now - T0) / period). Negative before 1970.
std::int64_t totp_step(std::chrono::sys_seconds now, std::chrono::seconds period = kTotpPeriod);

// The TOTP code of `key` for time step `step` (REQUIRES: step >= 0).
std::string totp_code(std::string_view key, std::int64_t step, int digits = kTotpDigits);

// What check_totp found.
struct TotpCheck {
  enum class Outcome {
    kAccepted,  // `step` is the step whose code matched.
    kWrong,     // No step in the window has this code.
    kReused,    // It matched, but a step no later than last_used_step: a replay.
  };
  Outcome outcome = Outcome::kWrong;
  std::int64_t step = 0;
};

// Checks the 6-digit `code` against `key` for the steps of `now` within
// kTotpWindowSteps either side. A step at or before `last_used_step` cannot
// be accepted (replay protection): the caller stores the accepted step as
// the new last used one. Every step of the window is compared, in constant
// time, whatever matches first. `code` must already be 6 ASCII digits
// (parse_second_factor does that); anything else is kWrong.
TotpCheck check_totp(std::string_view key, std::string_view code, std::chrono::sys_seconds now,
                     std::optional<std::int64_t> last_used_step);

// ---------------------------------------------------------------------------
// Secrets and the otpauth URI

// A new TOTP secret: kTotpSecretBytes from libsodium's CSPRNG, raw bytes.
std::string new_totp_secret();

// The key URI authenticator apps read from a QR code (Google Authenticator's
// "Key Uri Format"):
//   otpauth://totp/HipCoach:EMAIL?secret=BASE32&issuer=HipCoach&algorithm=SHA1&digits=6&period=30
// The label's account name is percent-encoded (every byte but A-Z a-z 0-9
// - . _ ~), so "ana@example.org" becomes "ana%40example.org".
std::string otpauth_uri(std::string_view email, std::string_view secret);

// ---------------------------------------------------------------------------
// Recovery codes

// Recovery codes made at each enrolment or regeneration.
inline constexpr std::size_t kRecoveryCodeCount = 10;
// Letters in a recovery code: 10 from the 32 of lowercase base32 (50 bits).
inline constexpr std::size_t kRecoveryCodeLetters = 10;

// A new recovery code, "xxxxx-xxxxx" in lowercase base32 (a-z, 2-7), every
// letter uniformly random from libsodium's CSPRNG.
std::string new_recovery_code();

// The hash kept in the store for the recovery code whose letters are
// `normalized` (as parse_second_factor returns them), for `user_id`: the
// BLAKE2b-256 hash, as for session tokens, of the user id and the letters,
// so that equal codes of two people hash apart. 64 hex characters.
std::string recovery_code_hash(std::int64_t user_id, std::string_view normalized);

// What a person typed at the second step.
struct SecondFactor {
  enum class Kind { kTotp, kRecoveryCode };
  Kind kind = Kind::kTotp;
  // kTotp: the 6 digits. kRecoveryCode: the 10 letters, lowercase, without
  // the hyphen.
  std::string value;
};

// Reads a code typed at the second step: 6 digits (spaces ignored) are a
// TOTP code; 10 base32 letters (any case, spaces and hyphens ignored) are a
// recovery code. kInvalidInput with `where` and
//   "must be the 6-digit code from your authenticator app, or a recovery code like abcde-fghij"
// for anything else (the message never repeats what was typed).
core::Result<SecondFactor> parse_second_factor(std::string_view text, std::string_view where);

}  // namespace hipcoach::service
