#include "hipcoach/service/accounts.h"

#include <fmt/format.h>

#include <algorithm>

#include "hipcoach/core/check.h"
#include "hipcoach/service/qr_svg.h"
#include "hipcoach/service/totp.h"

namespace hipcoach::service {
namespace {

using core::Error;

constexpr std::string_view kWrongCredentials = "the email or password is wrong";
constexpr std::string_view kSignInFirst = "sign in first";
constexpr std::string_view kWrongCode =
    "is not the current code of your authenticator app or an unused recovery code";
constexpr std::string_view kQrLabel = "QR code to scan with your authenticator app";

bool is_staff(storage::Role role) { return role != storage::Role::kPatient; }

Error rate_limited(std::chrono::seconds wait) {
  return Error::rate_limited(
      "", fmt::format("too many sign-in attempts; try again in {} s", wait.count()));
}

}  // namespace

core::Result<void> check_email(std::string_view email, std::string_view where) {
  const auto bad = [&](std::string_view what) {
    return Error::invalid_input(std::string(where), std::string(what));
  };
  if (email.size() < 3) return bad("must be an email address like name@example.org");
  if (email.size() > storage::kMaxEmailBytes) {
    return bad(fmt::format("must be at most {} bytes", storage::kMaxEmailBytes));
  }
  for (const char c : email) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F) {
      return bad("must not contain spaces or control characters");
    }
  }
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == email.size() ||
      email.find('@', at + 1) != std::string_view::npos) {
    return bad("must be an email address like name@example.org");
  }
  return {};
}

Accounts::Accounts(storage::Store& store, AccountOptions options)
    : store_(store), options_(std::move(options)), limiter_(store, options_.limiter) {}

const std::string& Accounts::dummy_hash() {
  // The dummy costs what a real hash costs, so that an unknown email takes
  // as long to refuse as a wrong password. Made on first need, on a hashing
  // thread, rather than delaying the start.
  std::call_once(dummy_once_, [this] {
    auto dummy = hash_password("not a password of anyone's", options_.hash);
    HIPCOACH_CHECK(dummy.has_value());
    dummy_hash_ = std::move(*dummy);
  });
  return dummy_hash_;
}

core::Result<storage::User> Accounts::create_account(std::string_view email,
                                                     std::string_view password, storage::Role role,
                                                     std::chrono::sys_seconds now) {
  if (auto ok = check_email(email, "/email"); !ok) return ok.error();
  if (auto ok = check_new_password(password, email); !ok) return ok.error();
  // Refuse a taken email before paying for the hash.
  if (auto existing = store_.find_user_by_email(email); existing) {
    return Error::conflict("/email", "an account with this email exists; sign in instead");
  } else if (existing.error().code() != core::ErrorCode::kNotFound) {
    return existing.error();
  }
  auto hash = hash_password(password, options_.hash);
  if (!hash) return hash.error();
  storage::User user;
  user.email = std::string(email);
  user.role = role;
  user.password_hash = std::move(*hash);
  user.created_at = now;
  auto created = store_.create_user(user);
  if (!created && created.error().code() == core::ErrorCode::kConflict) {
    return Error::conflict("/email", "an account with this email exists; sign in instead");
  }
  return created;
}

core::Result<SignedIn> Accounts::sign_up(std::string_view email, std::string_view password,
                                         std::chrono::sys_seconds now) {
  auto user = create_account(email, password, storage::Role::kPatient, now);
  if (!user) return user.error();
  SignedIn signed_in{std::move(*user), new_session_token(), now + options_.session_lifetime};
  const storage::Session session{token_hash(signed_in.token), signed_in.user.id, now,
                                 signed_in.expires_at};
  if (auto ok = store_.create_session(session); !ok) return ok.error();
  return signed_in;
}

std::optional<std::chrono::seconds> Accounts::sign_in_wait(std::string_view email,
                                                           std::string_view client,
                                                           std::chrono::sys_seconds now) const {
  auto wait = limiter_.check(email, client, now);
  return wait ? *wait : std::nullopt;
}

core::Result<SignedIn> Accounts::sign_in(std::string_view email, std::string_view password,
                                         std::string_view client, std::chrono::sys_seconds now) {
  const auto wait = limiter_.check(email, client, now);
  if (!wait) return wait.error();
  if (*wait) return rate_limited(**wait);
  auto user = store_.find_user_by_email(email);
  if (!user && user.error().code() != core::ErrorCode::kNotFound) return user.error();
  const bool known = user.has_value();
  const bool matches =
      verify_password(known ? user->password_hash : dummy_hash(), password) && known;
  if (!matches) {
    if (auto counted = limiter_.record_failure(email, client, now); !counted) {
      return counted.error();
    }
    return Error::unauthenticated("", std::string(kWrongCredentials));
  }
  if (auto cleared = limiter_.record_success(email, client); !cleared) return cleared.error();
  if (password_needs_rehash(user->password_hash, options_.hash)) {
    // The cost was raised (or lowered) since this hash was made; a failure
    // here only postpones the upgrade to the next sign-in.
    if (auto rehashed = hash_password(password, options_.hash)) {
      (void)store_.update_password_hash(user->id, *rehashed);
    }
  }
  // Which step comes next is read after the password, so that it says
  // nothing about an account to someone who does not know the password.
  storage::SessionStage stage = storage::SessionStage::kSignedIn;
  if (auto two_factor = store_.get_two_factor(user->id); two_factor && two_factor->enabled) {
    stage = storage::SessionStage::kNeedsCode;
  } else if (!two_factor && two_factor.error().code() != core::ErrorCode::kNotFound) {
    return two_factor.error();
  } else if (is_staff(user->role)) {
    stage = storage::SessionStage::kNeedsEnrolment;
  }
  SignedIn signed_in{std::move(*user), new_session_token(), now + options_.session_lifetime, stage};
  const storage::Session session{token_hash(signed_in.token), signed_in.user.id, now,
                                 signed_in.expires_at, stage};
  if (auto ok = store_.create_session(session); !ok) return ok.error();
  return signed_in;
}

core::Result<Caller> Accounts::authenticate(std::string_view token, std::chrono::sys_seconds now) {
  if (!is_well_formed_session_token(token)) {
    return Error::unauthenticated("", std::string(kSignInFirst));
  }
  std::string hash = token_hash(token);
  auto session = store_.find_session(hash, now);
  if (!session) {
    if (session.error().code() == core::ErrorCode::kNotFound) {
      return Error::unauthenticated("", std::string(kSignInFirst));
    }
    return session.error();
  }
  // Deleting a user deletes their sessions in the same transaction, so a
  // live session always has its user.
  return Caller{session->user_id, std::move(hash), session->stage};
}

core::Result<void> Accounts::sign_out(std::string_view hash) {
  auto ended = store_.delete_session(hash);
  if (!ended && ended.error().code() == core::ErrorCode::kNotFound) return {};  // Already ended.
  return ended;
}

core::Result<void> Accounts::change_password(const Caller& caller,
                                             std::string_view current_password,
                                             std::string_view new_password) {
  auto user = store_.find_user(caller.user_id);
  if (!user) return user.error();
  if (!verify_password(user->password_hash, current_password)) {
    return Error::invalid_input("/current_password", "is not your current password");
  }
  if (auto ok = check_new_password(new_password, user->email); !ok) {
    return Error::invalid_input("/new_password", ok.error().message());
  }
  auto hash = hash_password(new_password, options_.hash);
  if (!hash) return hash.error();
  if (auto ok = store_.update_password_hash(caller.user_id, *hash); !ok) return ok.error();
  auto ended = store_.delete_user_sessions(caller.user_id, caller.token_hash);
  if (!ended) return ended.error();
  return {};
}

core::Result<void> Accounts::delete_account(std::int64_t user_id) {
  return store_.delete_user(user_id);
}

std::pair<std::vector<std::string>, std::vector<std::string>> Accounts::new_recovery_codes(
    std::int64_t user_id) {
  std::vector<std::string> codes;
  std::vector<std::string> hashes;
  for (std::size_t i = 0; i < kRecoveryCodeCount; ++i) {
    codes.push_back(new_recovery_code());
    auto letters = parse_second_factor(codes.back(), "/code");
    HIPCOACH_CHECK(letters.has_value());
    hashes.push_back(recovery_code_hash(user_id, letters->value));
  }
  return {std::move(codes), std::move(hashes)};
}

core::Result<int> Accounts::check_code(const storage::User& user, std::string_view code,
                                       bool allow_recovery, std::string_view client,
                                       std::chrono::sys_seconds now) {
  const auto wait = limiter_.check(user.email, client, now);
  if (!wait) return wait.error();
  if (*wait) return rate_limited(**wait);
  auto typed = parse_second_factor(code, "/code");
  if (!typed) return typed.error();
  if (!allow_recovery && typed->kind != SecondFactor::Kind::kTotp) {
    return Error::invalid_input("/code", "must be the 6-digit code from your authenticator app");
  }
  auto two_factor = store_.get_two_factor(user.id);
  if (!two_factor || !two_factor->enabled) {
    if (!two_factor && two_factor.error().code() != core::ErrorCode::kNotFound) {
      return two_factor.error();
    }
    return Error::conflict("two_factor", "two-step sign-in is not on for this account");
  }
  const auto refuse = [&](std::string_view message) -> core::Result<int> {
    if (auto counted = limiter_.record_failure(user.email, client, now); !counted) {
      return counted.error();
    }
    return Error::invalid_input("/code", std::string(message));
  };
  if (typed->kind == SecondFactor::Kind::kTotp) {
    const TotpCheck check =
        check_totp(two_factor->secret, typed->value, now, two_factor->last_used_step);
    if (check.outcome == TotpCheck::Outcome::kReused) {
      return refuse("was used already; wait for the next code");
    }
    if (check.outcome == TotpCheck::Outcome::kWrong) return refuse(kWrongCode);
    if (auto used = store_.use_two_factor_step(user.id, check.step); !used) {
      // Another request used this step since it was read: a replay.
      if (used.error().code() == core::ErrorCode::kConflict) {
        return refuse("was used already; wait for the next code");
      }
      return used.error();
    }
  } else if (auto used =
                 store_.use_recovery_code(user.id, recovery_code_hash(user.id, typed->value), now);
             !used) {
    if (used.error().code() == core::ErrorCode::kNotFound) return refuse(kWrongCode);
    return used.error();
  }
  if (auto cleared = limiter_.record_success(user.email, client); !cleared) {
    return cleared.error();
  }
  auto codes = store_.list_recovery_codes(user.id);
  if (!codes) return codes.error();
  return static_cast<int>(std::count_if(codes->begin(), codes->end(),
                                        [](const auto& c) { return !c.used_at.has_value(); }));
}

core::Result<int> Accounts::verify_second_factor(const Caller& caller, std::string_view code,
                                                 std::string_view client,
                                                 std::chrono::sys_seconds now) {
  if (caller.stage != storage::SessionStage::kNeedsCode) {
    return Error::conflict("two_factor", "this session needs no code");
  }
  auto user = store_.find_user(caller.user_id);
  if (!user) return user.error();
  auto left = check_code(*user, code, true, client, now);
  if (!left) return left.error();
  auto moved = store_.set_session_stage(caller.token_hash, storage::SessionStage::kSignedIn);
  if (!moved) return moved.error();
  return left;
}

core::Result<TwoFactorSetup> Accounts::start_two_factor(const Caller& caller,
                                                        std::string_view password,
                                                        std::chrono::sys_seconds now) {
  auto user = store_.find_user(caller.user_id);
  if (!user) return user.error();
  if (!verify_password(user->password_hash, password)) {
    return Error::invalid_input("/password", "is not your password");
  }
  storage::TwoFactor pending;
  pending.user_id = user->id;
  pending.secret = new_totp_secret();
  pending.created_at = now;
  if (auto ok = store_.start_two_factor(pending); !ok) {
    if (ok.error().code() == core::ErrorCode::kConflict) {
      return Error::conflict("two_factor", "two-step sign-in is on already");
    }
    return ok.error();
  }
  TwoFactorSetup setup;
  setup.secret = base32_encode(pending.secret);
  setup.otpauth_uri = otpauth_uri(user->email, pending.secret);
  auto svg = qr_svg(setup.otpauth_uri, kQrLabel);
  if (!svg) return svg.error();
  setup.qr_svg = std::move(*svg);
  return setup;
}

core::Result<std::vector<std::string>> Accounts::confirm_two_factor(const Caller& caller,
                                                                    std::string_view code,
                                                                    std::string_view client,
                                                                    std::chrono::sys_seconds now) {
  auto user = store_.find_user(caller.user_id);
  if (!user) return user.error();
  const auto wait = limiter_.check(user->email, client, now);
  if (!wait) return wait.error();
  if (*wait) return rate_limited(**wait);
  auto typed = parse_second_factor(code, "/code");
  if (!typed || typed->kind != SecondFactor::Kind::kTotp) {
    return Error::invalid_input("/code", "must be the 6-digit code from your authenticator app");
  }
  auto pending = store_.get_two_factor(user->id);
  if (!pending) {
    if (pending.error().code() != core::ErrorCode::kNotFound) return pending.error();
    return Error::conflict("two_factor", "start setting up two-step sign-in first");
  }
  if (pending->enabled) return Error::conflict("two_factor", "two-step sign-in is on already");
  const TotpCheck check = check_totp(pending->secret, typed->value, now, std::nullopt);
  if (check.outcome != TotpCheck::Outcome::kAccepted) {
    if (auto counted = limiter_.record_failure(user->email, client, now); !counted) {
      return counted.error();
    }
    return Error::invalid_input("/code",
                                "is not the current code of your authenticator app; check that "
                                "its clock is right and try the next code");
  }
  if (auto cleared = limiter_.record_success(user->email, client); !cleared) {
    return cleared.error();
  }
  auto [codes, hashes] = new_recovery_codes(user->id);
  if (auto ok = store_.enable_two_factor(user->id, check.step, hashes, now); !ok) {
    if (ok.error().code() == core::ErrorCode::kConflict) {
      return Error::conflict("two_factor", "two-step sign-in is on already");
    }
    return ok.error();
  }
  // This session is now signed in with both steps; every other session of
  // the account was opened with the password alone, so it ends.
  auto moved = store_.set_session_stage(caller.token_hash, storage::SessionStage::kSignedIn);
  if (!moved) return moved.error();
  auto ended = store_.delete_user_sessions(user->id, caller.token_hash);
  if (!ended) return ended.error();
  return std::move(codes);
}

core::Result<std::vector<std::string>> Accounts::regenerate_recovery_codes(
    const Caller& caller, std::string_view code, std::string_view client,
    std::chrono::sys_seconds now) {
  auto user = store_.find_user(caller.user_id);
  if (!user) return user.error();
  if (auto left = check_code(*user, code, true, client, now); !left) {
    return left.error();
  }
  auto [codes, hashes] = new_recovery_codes(user->id);
  if (auto ok = store_.replace_recovery_codes(user->id, hashes, now); !ok) return ok.error();
  return std::move(codes);
}

core::Result<void> Accounts::turn_off_two_factor(const Caller& caller, std::string_view password,
                                                 std::string_view code, std::string_view client,
                                                 std::chrono::sys_seconds now) {
  auto user = store_.find_user(caller.user_id);
  if (!user) return user.error();
  if (is_staff(user->role)) {
    return Error::conflict("two_factor",
                           "staff accounts need two-step sign-in; it cannot be turned off");
  }
  if (!verify_password(user->password_hash, password)) {
    return Error::invalid_input("/password", "is not your password");
  }
  if (auto left = check_code(*user, code, true, client, now); !left) {
    return left.error();
  }
  if (auto ok = store_.delete_two_factor(user->id); !ok) {
    if (ok.error().code() == core::ErrorCode::kNotFound) {
      return Error::conflict("two_factor", "two-step sign-in is not on for this account");
    }
    return ok;
  }
  return {};
}

core::Result<void> Accounts::reset_two_factor(std::int64_t user_id) {
  if (auto ok = store_.delete_two_factor(user_id); !ok) return ok;
  auto ended = store_.delete_user_sessions(user_id, "");
  if (!ended) return ended.error();
  return {};
}

core::Result<TwoFactorState> Accounts::two_factor_state(std::int64_t user_id) {
  TwoFactorState state;
  auto two_factor = store_.get_two_factor(user_id);
  if (!two_factor) {
    if (two_factor.error().code() == core::ErrorCode::kNotFound) return state;
    return two_factor.error();
  }
  state.enabled = two_factor->enabled;
  state.pending = !two_factor->enabled;
  auto codes = store_.list_recovery_codes(user_id);
  if (!codes) return codes.error();
  state.recovery_codes_left = static_cast<int>(std::count_if(
      codes->begin(), codes->end(), [](const auto& c) { return !c.used_at.has_value(); }));
  return state;
}

}  // namespace hipcoach::service
