// `hipcoach export`: everything held about a person, as GET /api/v1/me/export
// answers it: the JSON export, or with --fhir a FHIR R4 Bundle
// (service/fhir.h), on standard output.
#pragma once

#include "command.h"
#include "hipcoach/core/protocol.h"

namespace hipcoach::cli {

struct ExportOptions {
  bool fhir = false;  // --fhir: a FHIR R4 Bundle instead of HipCoach's JSON.
  DatabaseOptions database;
};

// Writes the export, indented, and a line end to command.out. kExitOk;
// kExitUsage or kExitInvalidData as open_account says; kExitInvalidData when
// the store fails.
int run_export(const Command& command, const core::Protocol& protocol,
               const ExportOptions& options);

}  // namespace hipcoach::cli
