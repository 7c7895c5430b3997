// `hipcoach user add`: creates an account (any role) in the database, with a
// password read without echo from the terminal or as one line from standard
// input. `hipcoach user reset-two-factor`: the admin's escape hatch when
// someone lost their authenticator app and recovery codes.
#pragma once

#include <string>

#include "command.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::cli {

struct UserAddOptions {
  std::string email;
  storage::Role role = storage::Role::kPatient;  // --role; default patient.
  DatabaseOptions database;
};

// Returns kExitOk when the account was created; kExitUsage for a malformed
// email or --db; kExitInvalidData for a password the policy refuses, two
// passwords that differ, an email that has an account, or a database error.
int run_user_add(const Command& command, const UserAddOptions& options);

struct UserResetTwoFactorOptions {
  std::string email;
  DatabaseOptions database;
};

// Turns the account's two-step sign-in off (its secret and recovery codes
// are deleted) and ends every session of the account, so that the person
// signs in again with the password alone (staff are then asked to set it up
// again). Returns kExitOk when done; kExitUsage for a malformed email or
// --db; kExitInvalidData when there is no such account, it has no two-step
// sign-in, or the database fails.
int run_user_reset_two_factor(const Command& command, const UserResetTwoFactorOptions& options);

}  // namespace hipcoach::cli
