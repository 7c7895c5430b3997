#include "hipcoach/storage/store.h"

#include <algorithm>
#include <string>

#include "hipcoach/core/triage_model.h"
#include "hipcoach/core/utf8.h"

namespace hipcoach::storage {
namespace {

using core::Error;

// "a 300-byte string": describes a value without copying it (it may be
// health data or a secret).
std::string describe_size(std::size_t bytes) {
  return "a " + std::to_string(bytes) + "-byte string";
}

core::Result<void> check_bytes(std::string_view field, std::string_view value, std::size_t min,
                               std::size_t max) {
  if (value.size() < min || value.size() > max) {
    return Error::invalid_input(std::string(field), "must be " + std::to_string(min) + ".." +
                                                        std::to_string(max) + " bytes, got " +
                                                        describe_size(value.size()));
  }
  return {};
}

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kPatient:
      return "patient";
    case Role::kClinician:
      return "clinician";
    case Role::kAdmin:
      return "admin";
  }
  return "patient";
}

std::string_view pain_context_name(PainContext context) {
  switch (context) {
    case PainContext::kRest:
      return "rest";
    case PainContext::kActivity:
      return "activity";
  }
  return "rest";
}

std::string_view side_name(Side side) {
  switch (side) {
    case Side::kLeft:
      return "left";
    case Side::kRight:
      return "right";
    case Side::kBoth:
      return "both";
  }
  return "both";
}

std::optional<Role> parse_role(std::string_view name) {
  for (const Role role : {Role::kPatient, Role::kClinician, Role::kAdmin}) {
    if (role_name(role) == name) return role;
  }
  return std::nullopt;
}

std::optional<PainContext> parse_pain_context(std::string_view name) {
  for (const PainContext context : {PainContext::kRest, PainContext::kActivity}) {
    if (pain_context_name(context) == name) return context;
  }
  return std::nullopt;
}

std::optional<Side> parse_side(std::string_view name) {
  for (const Side side : {Side::kLeft, Side::kRight, Side::kBoth}) {
    if (side_name(side) == name) return side;
  }
  return std::nullopt;
}

DiaryCursor cursor_after(const DiaryEntry& entry) { return {entry.at_utc, entry.id}; }

core::Result<void> check_user(const User& user) {
  if (auto ok = check_bytes("email", user.email, 1, kMaxEmailBytes); !ok) return ok;
  if (core::find_invalid_utf8(user.email)) {
    return Error::invalid_input("email", "must be valid UTF-8");
  }
  return check_password_hash(user.password_hash);
}

core::Result<void> check_password_hash(std::string_view password_hash) {
  return check_bytes("password_hash", password_hash, 1, kMaxPasswordHashBytes);
}

core::Result<void> check_session(const Session& session) {
  if (auto ok = check_bytes("token_hash", session.token_hash, 1, kMaxTokenHashBytes); !ok) {
    return ok;
  }
  if (session.expires_at < session.created_at) {
    return Error::invalid_input("expires_at", "must not be before created_at");
  }
  return {};
}

core::Result<void> check_diary_entry(const DiaryEntry& entry) {
  if (entry.pain < kMinPain || entry.pain > kMaxPain) {
    return Error::invalid_input("pain", "must be an integer " + std::to_string(kMinPain) + ".." +
                                            std::to_string(kMaxPain) + ", got " +
                                            std::to_string(entry.pain));
  }
  if (std::find(core::kLocations.begin(), core::kLocations.end(), entry.region) ==
      core::kLocations.end()) {
    return Error::invalid_input(
        "region", "must be one of the triage locations, got " + describe_size(entry.region.size()));
  }
  if (auto ok = check_bytes("note", entry.note, 0, kMaxNoteBytes); !ok) return ok;
  if (core::find_invalid_utf8(entry.note)) {
    return Error::invalid_input("note", "must be valid UTF-8");
  }
  if (auto ok = check_bytes("at", entry.at, 1, kMaxAtBytes); !ok) return ok;
  if (core::find_invalid_utf8(entry.at)) return Error::invalid_input("at", "must be valid UTF-8");
  return {};
}

core::Result<void> check_saved_triage(const SavedTriage& triage) {
  if (auto ok = check_bytes("answers_json", triage.answers_json, 1, kMaxTriageJsonBytes); !ok) {
    return ok;
  }
  if (auto ok = check_bytes("result_json", triage.result_json, 1, kMaxTriageJsonBytes); !ok) {
    return ok;
  }
  if (core::find_invalid_utf8(triage.answers_json)) {
    return Error::invalid_input("answers_json", "must be valid UTF-8");
  }
  if (core::find_invalid_utf8(triage.result_json)) {
    return Error::invalid_input("result_json", "must be valid UTF-8");
  }
  return {};
}

core::Result<void> check_list_limit(int limit) {
  if (limit < 1 || limit > kMaxListLimit) {
    return Error::invalid_input(
        "limit", "must be 1.." + std::to_string(kMaxListLimit) + ", got " + std::to_string(limit));
  }
  return {};
}

}  // namespace hipcoach::storage
