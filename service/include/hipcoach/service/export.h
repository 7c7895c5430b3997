// Everything HipCoach holds about a person, for GET /api/v1/me/export and the
// CLI: the account (never its password hash), the whole diary, questionnaire
// responses, guided sessions, saved triage results, reminders, consents and who read the record.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/result.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::service {

// {"exported_at", "account", "diary": [...], "questionnaire_responses": [...],
// "guided_sessions": [...], "triage": [...], "reminders": {...},
// "consents": [...], "audit": [...]} with the shapes of records.h.
core::Result<nlohmann::json> export_json(const core::Protocol& protocol, storage::Store& store,
                                         const storage::User& user, std::chrono::sys_seconds now);

// The whole diary of `user_id`, oldest first, read in pages of the most
// list_diary gives (also for the FHIR export). The store's errors as they come.
core::Result<std::vector<storage::DiaryEntry>> whole_diary(storage::Store& store,
                                                           std::int64_t user_id);

// The whole diary, oldest first, as RFC 4180 CSV with a header line
// "id,at,pain,region,side,context,note" and CRLF line ends. Cells that a
// spreadsheet would run as a formula (starting with = + - @ tab or CR) are
// prefixed with a single quote.
core::Result<std::string> export_diary_csv(storage::Store& store, std::int64_t user_id);

}  // namespace hipcoach::service
