#include "hipcoach/service/auth.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <mutex>
#include <utility>

#include "hipcoach/core/check.h"
#include "hipcoach/core/utf8.h"

namespace hipcoach::service {
namespace {

static_assert(PasswordHashOptions{}.operations == crypto_pwhash_OPSLIMIT_INTERACTIVE);
static_assert(PasswordHashOptions{}.memory_bytes == crypto_pwhash_MEMLIMIT_INTERACTIVE);
static_assert(crypto_pwhash_OPSLIMIT_MIN == 1);
static_assert(crypto_pwhash_MEMLIMIT_MIN == 8192);

constexpr std::size_t kTokenBytes = 32;
static_assert(kSessionTokenLength ==
              sodium_base64_ENCODED_LEN(kTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1);

constexpr std::size_t kTokenHashBytes = 32;  // BLAKE2b-256.

// Long enough for any real email address (at most 254 bytes) or IP address.
constexpr std::size_t kMaxLimiterKeyBytes = 320;

void initialize_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    // sodium_init returns 1 when already initialised by someone else, which is fine.
    if (sodium_init() < 0) {
      std::fputs("hipcoach: libsodium failed to initialise; cannot hash passwords or make tokens\n",
                 stderr);
      HIPCOACH_CHECK(false && "sodium_init() failed");
    }
  });
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

// REQUIRES: `text` is valid UTF-8, so every code point starts with exactly one
// byte that is not a continuation byte (10xxxxxx).
std::size_t count_code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

bool is_base64url_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

core::Result<std::string> hash_password(std::string_view password,
                                        const PasswordHashOptions& options) {
  initialize_sodium();
  if (password.size() > crypto_pwhash_PASSWD_MAX) {
    return core::Error::invalid_input("/password", "is longer than the hash function accepts");
  }
  if (options.operations < crypto_pwhash_OPSLIMIT_MIN ||
      options.operations > crypto_pwhash_OPSLIMIT_MAX ||
      options.memory_bytes < crypto_pwhash_MEMLIMIT_MIN ||
      options.memory_bytes > crypto_pwhash_MEMLIMIT_MAX) {
    return core::Error::internal("password hash", "argon2id costs are outside libsodium's range");
  }
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), options.operations,
                            options.memory_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // The only failure left once the costs are in range is an allocation failure.
    return core::Error::internal("password hash", "could not allocate memory for argon2id");
  }
  return std::string(out.data());
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
  initialize_sodium();
  // libsodium reads a NUL-terminated string of fewer than crypto_pwhash_STRBYTES bytes.
  if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES ||
      stored_hash.find('\0') != std::string_view::npos) {
    return false;
  }
  const std::string terminated(stored_hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view stored_hash, const PasswordHashOptions& options) {
  initialize_sodium();
  if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES ||
      stored_hash.find('\0') != std::string_view::npos) {
    return true;
  }
  const std::string terminated(stored_hash);
  // 0: same algorithm and costs; 1: different costs; -1: not an argon2id string.
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), options.operations,
                                        options.memory_bytes) != 0;
}

core::Result<void> check_new_password(std::string_view password, std::string_view email) {
  if (password.size() > kMaxPasswordBytes) {
    return core::Error::invalid_input(
        "/password", "must be at most " + std::to_string(kMaxPasswordBytes) + " bytes, got " +
                         std::to_string(password.size()) + " bytes");
  }
  if (const auto invalid = core::find_invalid_utf8(password)) {
    return core::Error::invalid_input(
        "/password",
        "must be valid UTF-8, found an invalid byte at offset " + std::to_string(invalid->offset));
  }
  const std::size_t characters = count_code_points(password);
  if (characters < kMinPasswordCharacters) {
    return core::Error::invalid_input("/password",
                                      "must be at least " + std::to_string(kMinPasswordCharacters) +
                                          " characters, got " + std::to_string(characters));
  }
  if (equal_ignoring_ascii_case(password, email)) {
    return core::Error::invalid_input("/password", "must not be the same as the email address");
  }
  return {};
}

std::string new_session_token() {
  initialize_sodium();
  std::array<unsigned char, kTokenBytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, kSessionTokenLength + 1> encoded{};
  sodium_bin2base64(encoded.data(), encoded.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes.data(), bytes.size());
  return std::string(encoded.data(), kSessionTokenLength);
}

bool is_well_formed_session_token(std::string_view token) {
  return token.size() == kSessionTokenLength &&
         std::all_of(token.begin(), token.end(), is_base64url_character);
}

std::string token_hash(std::string_view token) {
  initialize_sodium();
  std::array<unsigned char, kTokenHashBytes> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(token.data()),  // NOLINT
                     token.size(), nullptr, 0);
  std::array<char, kTokenHashBytes * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), kTokenHashBytes * 2);
}

namespace {

// The key a limiter stores for `text`: a hash, so that the table holds no
// email or address.
std::string limiter_key(std::string_view text, bool lowercase) {
  std::string key(text.substr(0, kMaxLimiterKeyBytes));
  if (lowercase) {
    std::transform(key.begin(), key.end(), key.begin(), ascii_lower);
  }
  return token_hash(key);
}

}  // namespace

bool constant_time_equal(std::string_view a, std::string_view b) {
  initialize_sodium();
  if (a.size() != b.size()) {
    return false;
  }
  return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

SignInLimiter::SignInLimiter(storage::Store& store, SignInLimiterOptions options)
    : store_(store), options_(options) {
  HIPCOACH_CHECK(options_.max_account_failures > 0);
  HIPCOACH_CHECK(options_.max_client_failures > 0);
  HIPCOACH_CHECK(options_.window.count() > 0);
  HIPCOACH_CHECK(options_.lockout.count() >= 0);
}

storage::SignInFailureRule SignInLimiter::rule(int max_failures) const {
  storage::SignInFailureRule rule;
  rule.window = options_.window;
  rule.lockout = options_.lockout;
  rule.max_failures = max_failures;
  return rule;
}

core::Result<std::optional<std::chrono::seconds>> SignInLimiter::check(
    std::string_view account, std::string_view client, std::chrono::sys_seconds now) const {
  std::optional<std::chrono::sys_seconds> locked_until;
  for (const auto& [kind, key] :
       {std::pair{storage::SignInKeyKind::kAccount, limiter_key(account, true)},
        std::pair{storage::SignInKeyKind::kClient, limiter_key(client, false)}}) {
    auto failures = store_.find_sign_in_failures(kind, key);
    if (!failures) {
      if (failures.error().code() == core::ErrorCode::kNotFound) continue;
      return failures.error();
    }
    if (failures->locked_until && (!locked_until || *failures->locked_until > *locked_until)) {
      locked_until = failures->locked_until;
    }
  }
  if (!locked_until || *locked_until <= now) return std::optional<std::chrono::seconds>{};
  return std::optional{std::max(std::chrono::seconds{1}, *locked_until - now)};
}

core::Result<void> SignInLimiter::record_failure(std::string_view account, std::string_view client,
                                                 std::chrono::sys_seconds now) {
  if (auto counted =
          store_.count_sign_in_failure(storage::SignInKeyKind::kAccount, limiter_key(account, true),
                                       rule(options_.max_account_failures), now);
      !counted) {
    return counted.error();
  }
  if (auto counted =
          store_.count_sign_in_failure(storage::SignInKeyKind::kClient, limiter_key(client, false),
                                       rule(options_.max_client_failures), now);
      !counted) {
    return counted.error();
  }
  return {};
}

core::Result<void> SignInLimiter::record_success(std::string_view account,
                                                 std::string_view /*client*/) {
  return store_.clear_sign_in_failures(storage::SignInKeyKind::kAccount,
                                       limiter_key(account, true));
}

}  // namespace hipcoach::service
