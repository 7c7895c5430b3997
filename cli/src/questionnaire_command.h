// `hipcoach questionnaire list` and `hipcoach questionnaire take`: outcome
// questionnaires (data/questionnaires/) at the terminal, scored and saved
// through the same codec as the HTTP API.
#pragma once

#include <string>

#include "command.h"
#include "hipcoach/core/protocol.h"

namespace hipcoach::cli {

// Prints each questionnaire: id, name, items and how it is scored; or, with
// `json`, what GET /api/v1/questionnaires answers.
int run_questionnaire_list(const Command& command, const core::Protocol& protocol, bool json);

struct QuestionnaireTakeOptions {
  std::string id;  // ID, as `questionnaire list` prints it.
  // --answers: empty asks at the terminal; "-" reads the JSON body of
  // POST /api/v1/questionnaires/{id}/responses from standard input, else
  // from this file.
  std::string answers_path;
  DatabaseOptions database;
};

// Asks every item (re-asking after a bad answer) or reads the answers,
// scores and saves the response and prints the score. Returns kExitOk when
// saved; kExitUsage for an unknown ID, --user or --db; kExitInvalidData for
// invalid answers (the message names the answer), input that ends early or
// a database error.
int run_questionnaire_take(const Command& command, const core::Protocol& protocol,
                           const QuestionnaireTakeOptions& options);

}  // namespace hipcoach::cli
