#include "hipcoach/service/session_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include "hipcoach/core/codec.h"
#include "hipcoach/core/session_codec.h"
#include "hipcoach/core/triage.h"
#include "hipcoach/service/records.h"

namespace hipcoach::service {
namespace {

using core::Error;
using nlohmann::json;

core::Result<storage::SavedTriage> find_saved_triage(storage::Store& store, std::int64_t user_id,
                                                     std::int64_t triage_id,
                                                     std::string_view where) {
  auto saved = store.list_triage(user_id);
  if (!saved) return saved.error();
  const auto found = std::find_if(saved->begin(), saved->end(),
                                  [&](const auto& triage) { return triage.id == triage_id; });
  if (found == saved->end()) {
    return Error::not_found(std::string(where), "no saved triage of yours has this id");
  }
  return std::move(*found);
}

// Reads "triage_id": nullopt when absent or null.
core::Result<std::optional<std::int64_t>> read_triage_id(const json& body) {
  const auto found = body.find("triage_id");
  if (found == body.end() || found->is_null()) return std::optional<std::int64_t>{};
  // A parsed body holds a positive number as unsigned; one built in code as signed.
  if (found->is_number_unsigned()) {
    const auto id = found->get<std::uint64_t>();
    if (id >= 1 && id <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::optional<std::int64_t>{static_cast<std::int64_t>(id)};
    }
  } else if (found->is_number_integer() && found->get<std::int64_t>() >= 1) {
    return std::optional<std::int64_t>{found->get<std::int64_t>()};
  }
  return Error::invalid_input("/triage_id",
                              "must be the id of a saved triage: a whole number 1 or more");
}

// The sum of the points' held_seconds of a record that passed
// core::check_session_record.
std::int64_t total_held_seconds(const json& record) {
  std::int64_t total = 0;
  const auto points = record.find("points");
  if (points == record.end() || !points->is_array()) return 0;
  for (const json& point : *points) {
    const auto held = point.find("held_seconds");
    if (held != point.end() && held->is_number_integer()) total += held->get<std::int64_t>();
  }
  return total;
}

}  // namespace

core::Result<core::PlanRequest> plan_request_from_saved_triage(const core::Protocol& protocol,
                                                               storage::Store& store,
                                                               std::int64_t user_id,
                                                               std::int64_t triage_id) {
  auto saved = find_saved_triage(store, user_id, triage_id, "triage");
  if (!saved) return saved.error();
  // The answers were checked when saved; the rules they are read against may
  // have changed since, so a failure here is the server's, not the caller's.
  auto answers = core::parse_answers(saved->answers_json);
  if (!answers) {
    return Error::internal(fmt::format("triage_results/{}", triage_id),
                           "the saved answers no longer read as triage answers");
  }
  const core::TriageResult result = core::evaluate_triage(protocol, *answers);
  auto request = core::plan_request_from_triage(result, *answers);
  if (!request) return Error::conflict("triage", request.error().message());
  return request;
}

core::Result<storage::GuidedSessionRecord> session_log_from_json(
    const core::Protocol& protocol, storage::Store& store, const json& body, std::int64_t user_id,
    std::chrono::sys_seconds now, RecordCheck check) {
  // guided_session_from_json reads every field but "triage_id", read here.
  const bool has_triage_id = body.is_object() && body.contains("triage_id");
  std::optional<std::int64_t> triage_id;
  if (has_triage_id) {
    auto id = read_triage_id(body);
    if (!id) return id.error();
    triage_id = *id;
  }
  auto read = [&] {
    if (!has_triage_id) return guided_session_from_json(body, user_id, now);
    json rest = body;
    rest.erase("triage_id");
    return guided_session_from_json(rest, user_id, now);
  }();
  if (!read) return read.error();
  storage::GuidedSessionRecord record = std::move(*read);

  const auto length = record.ended_at - record.started_at;
  if (length > kMaxSessionLength) {
    return Error::invalid_input("/ended_at", "must be at most 24 hours after started_at");
  }

  const json* sent = nullptr;
  if (const auto found = body.find("record"); found != body.end() && !found->is_null()) {
    sent = &*found;
  }
  const bool checked =
      check == RecordCheck::kAlways || (sent != nullptr && sent->contains("points"));
  if (checked) {
    if (sent == nullptr) {
      return Error::invalid_input(
          "/record",
          "is required: what the session did, {\"outcome\", \"sides\", \"groups\", "
          "\"points\", \"stop_rule\", \"red_flags\"}");
    }
    auto normalised = core::check_session_record(protocol, *sent);
    if (!normalised) return normalised.error();
    const std::int64_t held = total_held_seconds(*normalised);
    if (held > length.count()) {
      return Error::invalid_input(
          "/record/points",
          fmt::format("the holds add up to {} s, longer than the session ({} s from started_at "
                      "to ended_at)",
                      held, length.count()));
    }
    json stored = std::move(*normalised);
    if (triage_id) stored["triage_id"] = *triage_id;
    record.record_json = stored.dump(-1, ' ', false, json::error_handler_t::replace);
  } else if (triage_id) {
    json stored = sent == nullptr ? json::object() : *sent;
    stored["triage_id"] = *triage_id;
    record.record_json = stored.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  if (record.record_json.size() > storage::kMaxRecordJsonBytes) {
    return Error::invalid_input(
        "/record", fmt::format("must be at most {} bytes", storage::kMaxRecordJsonBytes));
  }

  // Last, as it reads the store: every check of the body comes first.
  if (triage_id) {
    auto triage = find_saved_triage(store, user_id, *triage_id, "/triage_id");
    if (!triage) return triage.error();
  }
  return record;
}

core::Result<storage::GuidedSessionRecord> log_session(const core::Protocol& protocol,
                                                       storage::Store& store, const json& body,
                                                       std::int64_t user_id,
                                                       std::chrono::sys_seconds now,
                                                       RecordCheck check) {
  auto record = session_log_from_json(protocol, store, body, user_id, now, check);
  if (!record) return record.error();
  auto id = store.add_guided_session(*record);
  if (!id) return id.error();
  record->id = *id;
  return record;
}

core::Result<std::vector<storage::GuidedSessionRecord>> list_session_log(storage::Store& store,
                                                                         std::int64_t user_id,
                                                                         std::optional<int> limit) {
  auto sessions = store.list_guided_sessions(user_id);
  if (!sessions) return sessions.error();
  if (limit && static_cast<std::size_t>(*limit) < sessions->size()) {
    sessions->erase(sessions->begin(), sessions->end() - static_cast<std::ptrdiff_t>(*limit));
  }
  return sessions;
}

core::Result<storage::GuidedSessionRecord> find_session_log(storage::Store& store,
                                                            std::int64_t user_id,
                                                            std::int64_t session_id) {
  auto sessions = store.list_guided_sessions(user_id);
  if (!sessions) return sessions.error();
  const auto found = std::find_if(sessions->begin(), sessions->end(),
                                  [&](const auto& session) { return session.id == session_id; });
  if (found == sessions->end()) {
    return Error::not_found("id", "no session of yours has this id");
  }
  return std::move(*found);
}

}  // namespace hipcoach::service
