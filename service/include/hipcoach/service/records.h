// The patient's records as JSON: diary entries, questionnaire responses,
// guided sessions, saved triage and the account, read from request bodies
// (with every field checked) and written for answers and exports. The one
// codec the HTTP API and the CLI share (docs/api.md).
//
// Pure functions: the current time comes in as an argument. Thread-safe.
// Error messages say what is wrong with a field and never copy its value
// (pain, notes and answers are health data).
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/questionnaire.h"
#include "hipcoach/core/result.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::service {

using std::chrono::sys_seconds;

// How far in the future an `at` may lie (clocks and time zones disagree).
inline constexpr std::chrono::hours kMaxFutureSkew{24};

// Reads a diary entry for `user_id` from a request body (docs/api.md):
// "pain" (0..10), "context" and "side" are required; "region" defaults to
// "outer_hip", "note" to none and "at" to `now` in UTC. Unknown keys are
// refused. Errors are kInvalidInput whose where is a JSON Pointer ("/pain").
core::Result<storage::DiaryEntry> diary_entry_from_json(const nlohmann::json& body,
                                                        std::int64_t user_id, sys_seconds now);

// {"id", "pain", "region", "context", "side", "note", "at"}.
nlohmann::json to_json(const storage::DiaryEntry& entry);

// The body of GET /api/v1/diary: {"entries": [to_json(entry)...], "next":
// cursor or null}, the same bytes as nlohmann::json's dump() of that object
// (keys in its order), written straight into one string: the server's hot path.
std::string diary_page_json(std::span<const storage::DiaryEntry> entries,
                            const std::optional<std::string>& next);

// A diary cursor as an opaque token for ?before=, and back. decode_cursor
// returns kInvalidInput (where "before") for anything encode_cursor did not make.
std::string encode_cursor(const storage::DiaryCursor& cursor);
core::Result<storage::DiaryCursor> decode_cursor(std::string_view text);

// A scored questionnaire response and its record.
struct ScoredResponse {
  storage::QuestionnaireResponse record;
  core::QuestionnaireScore score;
};

// Reads and scores {"answers": [{"item", "value"} | {"text", "value"}], "at"?}
// for `questionnaire`. Errors are kInvalidInput with a JSON Pointer.
core::Result<ScoredResponse> questionnaire_response_from_json(
    const core::Questionnaire& questionnaire, const nlohmann::json& body, std::int64_t user_id,
    sys_seconds now);

// {"id", "questionnaire_id", "at", "score": {...}, "answers": [...]}. The score
// range comes from `questionnaire` when known (else only "value").
nlohmann::json to_json(const storage::QuestionnaireResponse& response,
                       const core::Questionnaire* questionnaire);

// Reads {"started_at", "ended_at", "pain_before"?, "pain_after"?, "record": {...}}.
core::Result<storage::GuidedSessionRecord> guided_session_from_json(const nlohmann::json& body,
                                                                    std::int64_t user_id,
                                                                    sys_seconds now);

// {"id", "started_at", "ended_at", "pain_before", "pain_after", "record"}.
nlohmann::json to_json(const storage::GuidedSessionRecord& record);

// {"id", "created_at", "answers", "result"}.
nlohmann::json to_json(const storage::SavedTriage& triage);

// The reminders: {"days": ["mon", ...], "time": "HH:MM" or null, "feed": {"active": bool}}.
// With no reminders, or no day, there is no time either. Never the feed's hash.
nlohmann::json to_json(const std::optional<storage::Reminders>& reminders);

// The user's reminders, or nullopt when they have none; the store's errors otherwise.
core::Result<std::optional<storage::Reminders>> find_reminders(storage::Store& store,
                                                               std::int64_t user_id);

// The names of the parts in a mask of storage::RecordPart: ["diary", "sessions"].
nlohmann::json record_part_names(std::uint8_t parts);

// Appends `text` to `out` as a JSON string, the same bytes as nlohmann's
// dump; invalid UTF-8 is replaced. For answers written without a JSON tree.
void append_json_string(std::string& out, std::string_view text);

// A consent as its patient sees it: {"id", "parts": ["diary", ...], "created_at", "until",
// "revoked_at" (or null), "status": "active" | "expired" | "revoked" at `now`}.
nlohmann::json to_json(const storage::Consent& consent, std::chrono::sys_seconds now);

// An audit row as its patient sees it: {"id", "at", "actor": {"email", "role"}, "action",
// "what", "why"}.
nlohmann::json to_json(const storage::AuditEntry& entry);

// An audit row as an admin exports it (GET /api/v1/audit, `hipcoach audit
// export`): to_json's fields plus "actor": {"id"}, "patient_id" and
// "request_id".
nlohmann::json to_admin_json(const storage::AuditEntry& entry);

// {"id", "email", "role", "created_at"}: never the password hash.
nlohmann::json to_json(const storage::User& user);

// The UTC offset of an RFC 3339 text as stored in `at`, or zero when it
// cannot be read (stored data is not trusted blindly).
std::chrono::minutes offset_of(std::string_view at);

}  // namespace hipcoach::service
