// `hipcoach user add`: creates an account (any role) in the database, with a
// password read without echo from the terminal or as one line from standard
// input.
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

}  // namespace hipcoach::cli
