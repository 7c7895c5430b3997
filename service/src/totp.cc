#include "hipcoach/service/totp.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <climits>

#include "hipcoach/core/check.h"
#include "hipcoach/service/auth.h"

namespace hipcoach::service {
namespace {

using core::Error;

constexpr std::string_view kUpperAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kLowerAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

// The 5-bit value of a base32 letter (either case), or -1.
int base32_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void initialize_sodium() {
  // sodium_init is idempotent and thread-safe; auth.cc aborts if it fails.
  HIPCOACH_CHECK(sodium_init() >= 0);
}

}  // namespace

std::string base32_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8U) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kUpperAlphabet[(buffer >> static_cast<unsigned>(bits)) & 0x1FU]);
    }
  }
  if (bits > 0) {
    out.push_back(kUpperAlphabet[(buffer << static_cast<unsigned>(5 - bits)) & 0x1FU]);
  }
  return out;
}

core::Result<std::string> base32_decode(std::string_view text, std::string_view where) {
  const auto bad = [&](std::string message) {
    return Error::invalid_input(std::string(where), std::move(message));
  };
  std::string letters;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '-') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (base32_value(c) < 0) {
      const bool printable = c > 0x20 && c < 0x7F;
      return bad(printable ? fmt::format("must be base32 (letters A-Z and digits 2-7), found '{}' "
                                         "at character {}",
                                         c, i + 1)
                           : fmt::format("must be base32 (letters A-Z and digits 2-7), found a "
                                         "byte that is not a letter at character {}",
                                         i + 1));
    }
    if (padding > 0) return bad("has padding in the middle");
    letters.push_back(c);
  }
  if (letters.empty()) return bad("must not be empty");
  // Whole bytes end after 2, 4, 5, 7 or 8 letters of a group of 8.
  const std::size_t tail = letters.size() % 8;
  if (tail == 1 || tail == 3 || tail == 6) {
    return bad(fmt::format("has a length no base32 text can have ({} letters)", letters.size()));
  }
  std::string out;
  out.reserve(letters.size() * 5 / 8);
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : letters) {
    buffer = (buffer << 5U) | static_cast<unsigned>(base32_value(c));
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU));
    }
  }
  return out;
}

std::string hotp(std::string_view key, std::uint64_t counter, int digits) {
  HIPCOACH_CHECK(digits >= 6 && digits <= 8);
  HIPCOACH_CHECK(key.size() <= static_cast<std::size_t>(INT_MAX));
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xFFU);
    counter >>= 8U;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const unsigned char* made = HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
                                   message.data(), message.size(), digest.data(), &length);
  HIPCOACH_CHECK(made != nullptr && length == 20);
  // Dynamic truncation (RFC 4226, section 5.3).
  const std::size_t offset = digest[19] & 0x0FU;
  const std::uint32_t binary = ((digest[offset] & 0x7FU) << 24U) |
                               (static_cast<std::uint32_t>(digest[offset + 1]) << 16U) |
                               (static_cast<std::uint32_t>(digest[offset + 2]) << 8U) |
                               static_cast<std::uint32_t>(digest[offset + 3]);
  std::uint32_t modulo = 1;
  for (int i = 0; i < digits; ++i) modulo *= 10;
  return fmt::format("{:0{}}", binary % modulo, digits);
}

std::int64_t totp_step(std::chrono::sys_seconds now, std::chrono::seconds period) {
  HIPCOACH_CHECK(period.count() > 0);
  const std::int64_t seconds = now.time_since_epoch().count();
  const std::int64_t length = period.count();
  // Floor division, so that a time before 1970 falls in the step before.
  return seconds >= 0 ? seconds / length : -((-seconds + length - 1) / length);
}

std::string totp_code(std::string_view key, std::int64_t step, int digits) {
  HIPCOACH_CHECK(step >= 0);
  return hotp(key, static_cast<std::uint64_t>(step), digits);
}

TotpCheck check_totp(std::string_view key, std::string_view code, std::chrono::sys_seconds now,
                     std::optional<std::int64_t> last_used_step) {
  TotpCheck result;
  if (code.size() != static_cast<std::size_t>(kTotpDigits) ||
      !std::all_of(code.begin(), code.end(), is_digit)) {
    return result;
  }
  const std::int64_t current = totp_step(now);
  bool reused = false;
  std::optional<std::int64_t> accepted;
  for (std::int64_t step = current - kTotpWindowSteps; step <= current + kTotpWindowSteps; ++step) {
    if (step < 0) continue;
    if (!constant_time_equal(totp_code(key, step), code)) continue;
    if (last_used_step && step <= *last_used_step) {
      reused = true;
    } else if (!accepted) {
      accepted = step;
    }
  }
  if (accepted) {
    result.outcome = TotpCheck::Outcome::kAccepted;
    result.step = *accepted;
  } else if (reused) {
    result.outcome = TotpCheck::Outcome::kReused;
  }
  return result;
}

std::string new_totp_secret() {
  initialize_sodium();
  std::string secret(kTotpSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string otpauth_uri(std::string_view email, std::string_view secret) {
  std::string label;
  for (const char c : email) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      label.push_back(c);
    } else {
      label += fmt::format("%{:02X}", byte);
    }
  }
  return fmt::format(
      "otpauth://totp/{0}:{1}?secret={2}&issuer={0}&algorithm=SHA1&digits={3}"
      "&period={4}",
      kTotpIssuer, label, base32_encode(secret), kTotpDigits, kTotpPeriod.count());
}

std::string new_recovery_code() {
  initialize_sodium();
  std::string code;
  code.reserve(kRecoveryCodeLetters + 1);
  for (std::size_t i = 0; i < kRecoveryCodeLetters; ++i) {
    if (i == kRecoveryCodeLetters / 2) code.push_back('-');
    code.push_back(kLowerAlphabet[randombytes_uniform(32)]);
  }
  return code;
}

std::string recovery_code_hash(std::int64_t user_id, std::string_view normalized) {
  return token_hash(fmt::format("recovery-code:{}:{}", user_id, normalized));
}

core::Result<SecondFactor> parse_second_factor(std::string_view text, std::string_view where) {
  const auto bad = [&] {
    return Error::invalid_input(std::string(where),
                                "must be the 6-digit code from your authenticator app, or a "
                                "recovery code like abcde-fghij");
  };
  // Long enough for a code typed with spaces; a longer text is not a code.
  if (text.size() > 64) return bad();
  std::string kept;
  for (const char c : text) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    kept.push_back(c);
  }
  if (kept.size() == static_cast<std::size_t>(kTotpDigits) &&
      std::all_of(kept.begin(), kept.end(), is_digit) && text.find('-') == std::string_view::npos) {
    return SecondFactor{SecondFactor::Kind::kTotp, std::move(kept)};
  }
  if (kept.size() == kRecoveryCodeLetters &&
      std::all_of(kept.begin(), kept.end(), [](char c) { return base32_value(c) >= 0; })) {
    for (char& c : kept) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return SecondFactor{SecondFactor::Kind::kRecoveryCode, std::move(kept)};
  }
  return bad();
}

}  // namespace hipcoach::service
