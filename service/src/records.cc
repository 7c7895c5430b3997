#include "hipcoach/service/records.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <iterator>
#include <optional>

#include "hipcoach/core/codec.h"
#include "hipcoach/core/reminders.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/core/triage_model.h"
#include "hipcoach/core/utf8.h"

namespace hipcoach::service {
namespace {

using core::Error;
using nlohmann::json;

std::string pointer(std::string_view key) { return "/" + std::string(key); }

std::string type_name(const json& value) {
  if (value.is_number_integer()) return "an integer";
  if (value.is_number()) return "a number";
  return std::string("a") + (value.is_object() || value.is_array() ? "n " : " ") +
         value.type_name();
}

// Reads the fields of one JSON object, each at most once, and refuses keys
// it was not told about.
class Fields {
 public:
  Fields(const json& body, std::string prefix = "") : body_(body), prefix_(std::move(prefix)) {}

  core::Result<void> check_object(std::initializer_list<std::string_view> known) const {
    if (!body_.is_object()) {
      return Error::invalid_input(prefix_.empty() ? "/" : prefix_,
                                  "must be a JSON object, got " + type_name(body_));
    }
    for (const auto& [key, value] : body_.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        // The key is the client's own field name, not health data; cut to a
        // sane length all the same.
        return Error::invalid_input(where(key.substr(0, 64)), "is not a known field");
      }
    }
    return {};
  }

  const json* find(std::string_view key) const {
    const auto found = body_.find(key);
    if (found == body_.end() || found->is_null()) return nullptr;
    return &*found;
  }

  core::Result<std::optional<int>> integer(std::string_view key, int min, int max) const {
    const json* value = find(key);
    if (value == nullptr) return std::optional<int>{};
    if (value->is_number_float()) {
      const double number = value->get<double>();
      if (std::isfinite(number) && number == std::floor(number) && number >= min && number <= max) {
        return std::optional<int>{static_cast<int>(number)};
      }
    }
    if (!value->is_number_integer() && !value->is_number_float()) {
      return Error::invalid_input(where(key), fmt::format("must be a whole number {}..{}, got {}",
                                                          min, max, type_name(*value)));
    }
    if (value->is_number_integer()) {
      const auto number = value->is_number_unsigned()
                              ? static_cast<long double>(value->get<std::uint64_t>())
                              : static_cast<long double>(value->get<std::int64_t>());
      if (number >= min && number <= max) return std::optional<int>{static_cast<int>(number)};
    }
    return Error::invalid_input(where(key), fmt::format("must be a whole number {}..{}", min, max));
  }

  core::Result<int> required_integer(std::string_view key, int min, int max) const {
    auto value = integer(key, min, max);
    if (!value) return value.error();
    if (!*value) {
      return Error::invalid_input(where(key),
                                  fmt::format("is required: a whole number {}..{}", min, max));
    }
    return **value;
  }

  core::Result<std::optional<std::string>> text(std::string_view key, std::size_t max_bytes) const {
    const json* value = find(key);
    if (value == nullptr) return std::optional<std::string>{};
    if (!value->is_string()) {
      return Error::invalid_input(where(key), "must be a string, got " + type_name(*value));
    }
    const auto& text = value->get_ref<const std::string&>();
    if (text.size() > max_bytes) {
      return Error::invalid_input(
          where(key), fmt::format("must be at most {} bytes, got {}", max_bytes, text.size()));
    }
    if (const auto bad = core::find_invalid_utf8(text)) {
      return Error::invalid_input(where(key), fmt::format("must be valid UTF-8, found an invalid "
                                                          "byte at offset {}",
                                                          bad->offset));
    }
    return std::optional<std::string>{text};
  }

  // One of `choices`; nullopt when absent.
  template <std::size_t N>
  core::Result<std::optional<std::string>> choice(
      std::string_view key, const std::array<std::string_view, N>& choices) const {
    const json* value = find(key);
    if (value == nullptr) return std::optional<std::string>{};
    std::string list;
    for (const std::string_view choice : choices) {
      list += list.empty() ? "" : ", ";
      list += choice;
    }
    if (value->is_string()) {
      const auto& text = value->get_ref<const std::string&>();
      if (std::find(choices.begin(), choices.end(), text) != choices.end()) {
        return std::optional<std::string>{text};
      }
    }
    return Error::invalid_input(where(key), "must be one of " + list);
  }

  std::string where(std::string_view key) const { return prefix_ + pointer(key); }

 private:
  const json& body_;
  std::string prefix_;
};

constexpr std::array<std::string_view, 2> kContexts = {"rest", "activity"};

// Reads an optional time at `key`: the text kept verbatim and its instant;
// `now` when absent. Refuses times more than kMaxFutureSkew ahead.
core::Result<std::pair<std::string, sys_seconds>> read_time(const Fields& fields,
                                                            std::string_view key, sys_seconds now,
                                                            bool required) {
  auto text = fields.text(key, storage::kMaxAtBytes);
  if (!text) return text.error();
  if (!*text) {
    if (required) {
      return Error::invalid_input(fields.where(key),
                                  "is required: an RFC 3339 time like 2026-11-25T08:30:00-06:00");
    }
    return std::pair{core::format_timestamp(now), now};
  }
  auto parsed = core::parse_timestamp(**text, fields.where(key));
  if (!parsed) return parsed.error();
  if (parsed->utc > now + kMaxFutureSkew) {
    return Error::invalid_input(fields.where(key), "must not be more than a day in the future");
  }
  return std::pair{std::move(**text), parsed->utc};
}

}  // namespace

core::Result<storage::DiaryEntry> diary_entry_from_json(const json& body, std::int64_t user_id,
                                                        sys_seconds now) {
  const Fields fields(body);
  if (auto ok = fields.check_object({"pain", "region", "context", "side", "note", "at"}); !ok) {
    return ok.error();
  }
  storage::DiaryEntry entry;
  entry.user_id = user_id;
  auto pain = fields.required_integer("pain", storage::kMinPain, storage::kMaxPain);
  if (!pain) return pain.error();
  entry.pain = *pain;

  auto region = fields.choice("region", core::kLocations);
  if (!region) return region.error();
  if (*region) entry.region = **region;

  auto context = fields.choice("context", kContexts);
  if (!context) return context.error();
  if (!*context) return Error::invalid_input("/context", "is required: rest or activity");
  entry.context = *storage::parse_pain_context(**context);

  auto side = fields.choice("side", core::kSides);
  if (!side) return side.error();
  if (!*side) return Error::invalid_input("/side", "is required: left, right or both");
  entry.side = *storage::parse_side(**side);

  auto note = fields.text("note", storage::kMaxNoteBytes);
  if (!note) return note.error();
  if (*note) entry.note = **note;

  auto at = read_time(fields, "at", now, false);
  if (!at) return at.error();
  entry.at = std::move(at->first);
  entry.at_utc = at->second;
  return entry;
}

json to_json(const storage::DiaryEntry& entry) {
  return {{"id", entry.id},
          {"pain", entry.pain},
          {"region", entry.region},
          {"context", storage::pain_context_name(entry.context)},
          {"side", storage::side_name(entry.side)},
          {"note", entry.note},
          {"at", entry.at}};
}

// Appends `text` as a JSON string. Plain printable ASCII is copied as is;
// anything else goes through nlohmann's serializer, which escapes it and
// replaces invalid UTF-8 (stored data is not trusted blindly).
void append_json_string(std::string& out, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
  });
  if (plain) {
    out += '"';
    out += text;
    out += '"';
  } else {
    out += json(text).dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

std::string diary_page_json(std::span<const storage::DiaryEntry> entries,
                            const std::optional<std::string>& next) {
  std::string out;
  out.reserve(64 + entries.size() * 160);
  out += "{\"entries\":[";
  bool first = true;
  for (const storage::DiaryEntry& entry : entries) {
    out += first ? "{\"at\":" : ",{\"at\":";
    first = false;
    append_json_string(out, entry.at);
    out += ",\"context\":";
    append_json_string(out, storage::pain_context_name(entry.context));
    fmt::format_to(std::back_inserter(out), ",\"id\":{},\"note\":", entry.id);
    append_json_string(out, entry.note);
    fmt::format_to(std::back_inserter(out), ",\"pain\":{},\"region\":", entry.pain);
    append_json_string(out, entry.region);
    out += ",\"side\":";
    append_json_string(out, storage::side_name(entry.side));
    out += '}';
  }
  out += "],\"next\":";
  if (next) {
    append_json_string(out, *next);
  } else {
    out += "null";
  }
  out += '}';
  return out;
}

std::string encode_cursor(const storage::DiaryCursor& cursor) {
  return fmt::format("{}.{}", cursor.at_utc.time_since_epoch().count(), cursor.id);
}

core::Result<storage::DiaryCursor> decode_cursor(std::string_view text) {
  const auto bad =
      Error::invalid_input("before", "is not a cursor from an earlier page's \"next\"");
  const auto dot = text.find('.');
  if (dot == std::string_view::npos || text.size() > 48) return bad;
  std::int64_t seconds = 0;
  std::int64_t id = 0;
  const std::string_view first = text.substr(0, dot);
  const std::string_view second = text.substr(dot + 1);
  const auto r1 = std::from_chars(first.data(), first.data() + first.size(), seconds);
  const auto r2 = std::from_chars(second.data(), second.data() + second.size(), id);
  if (r1.ec != std::errc() || r1.ptr != first.data() + first.size() || r2.ec != std::errc() ||
      r2.ptr != second.data() + second.size() || id < 0 || first.empty() || second.empty()) {
    return bad;
  }
  return storage::DiaryCursor{sys_seconds{std::chrono::seconds{seconds}}, id};
}

core::Result<ScoredResponse> questionnaire_response_from_json(
    const core::Questionnaire& questionnaire, const json& body, std::int64_t user_id,
    sys_seconds now) {
  const Fields fields(body);
  if (auto ok = fields.check_object({"answers", "at"}); !ok) return ok.error();
  const json* answers_json = fields.find("answers");
  if (answers_json == nullptr || !answers_json->is_array()) {
    return Error::invalid_input("/answers", "is required: a list of {\"item\", \"value\"}");
  }
  if (answers_json->size() > 200) {
    return Error::invalid_input("/answers", "has more than 200 answers");
  }
  std::vector<core::ItemAnswer> answers;
  json stored_answers = json::array();
  for (std::size_t i = 0; i < answers_json->size(); ++i) {
    const Fields answer((*answers_json)[i], "/answers/" + std::to_string(i));
    if (auto ok = answer.check_object({"item", "text", "value"}); !ok) return ok.error();
    core::ItemAnswer item;
    auto id = answer.text("item", 64);
    if (!id) return id.error();
    auto text = answer.text("text", 200);
    if (!text) return text.error();
    auto value = answer.required_integer("value", -1000, 1000);
    if (!value) return value.error();
    if (*id) item.item = **id;
    if (*text) item.text = **text;
    item.value = *value;
    json stored = {{"value", item.value}};
    if (questionnaire.patient_items) {
      stored["text"] = item.text;
    } else {
      stored["item"] = item.item;
    }
    stored_answers.push_back(std::move(stored));
    answers.push_back(std::move(item));
  }
  auto score = core::score_response(questionnaire, answers);
  if (!score) return score.error();
  auto at = read_time(fields, "at", now, false);
  if (!at) return at.error();

  ScoredResponse scored;
  scored.score = *score;
  scored.record.user_id = user_id;
  scored.record.questionnaire_id = questionnaire.id;
  scored.record.at = std::move(at->first);
  scored.record.at_utc = at->second;
  scored.record.answers_json = stored_answers.dump();
  scored.record.score = score->value;
  return scored;
}

json to_json(const storage::QuestionnaireResponse& response,
             const core::Questionnaire* questionnaire) {
  json score = {{"value", response.score}};
  if (questionnaire != nullptr) {
    score["min"] = questionnaire->scoring.min;
    score["max"] = questionnaire->scoring.max;
    score["direction"] = core::direction_name(questionnaire->scoring.direction);
  }
  json answers = json::parse(response.answers_json, nullptr, false);
  if (answers.is_discarded()) answers = nullptr;
  return {{"id", response.id},
          {"questionnaire_id", response.questionnaire_id},
          {"at", response.at},
          {"score", std::move(score)},
          {"answers", std::move(answers)}};
}

core::Result<storage::GuidedSessionRecord> guided_session_from_json(const json& body,
                                                                    std::int64_t user_id,
                                                                    sys_seconds now) {
  const Fields fields(body);
  if (auto ok =
          fields.check_object({"started_at", "ended_at", "pain_before", "pain_after", "record"});
      !ok) {
    return ok.error();
  }
  storage::GuidedSessionRecord record;
  record.user_id = user_id;
  auto started = read_time(fields, "started_at", now, true);
  if (!started) return started.error();
  auto ended = read_time(fields, "ended_at", now, true);
  if (!ended) return ended.error();
  if (ended->second < started->second) {
    return Error::invalid_input("/ended_at", "must not be before started_at");
  }
  record.started_at = started->second;
  record.ended_at = ended->second;
  auto before = fields.integer("pain_before", storage::kMinPain, storage::kMaxPain);
  if (!before) return before.error();
  auto after = fields.integer("pain_after", storage::kMinPain, storage::kMaxPain);
  if (!after) return after.error();
  record.pain_before = *before;
  record.pain_after = *after;
  const json* details = fields.find("record");
  if (details == nullptr) {
    record.record_json = "{}";
  } else if (!details->is_object()) {
    return Error::invalid_input("/record", "must be a JSON object");
  } else {
    record.record_json = details->dump(-1, ' ', false, json::error_handler_t::replace);
    if (record.record_json.size() > storage::kMaxRecordJsonBytes) {
      return Error::invalid_input(
          "/record", fmt::format("must be at most {} bytes", storage::kMaxRecordJsonBytes));
    }
  }
  return record;
}

json to_json(const storage::GuidedSessionRecord& record) {
  const auto optional_pain = [](const std::optional<int>& pain) {
    return pain ? json(*pain) : json(nullptr);
  };
  json details = json::parse(record.record_json, nullptr, false);
  if (details.is_discarded()) details = nullptr;
  return {{"id", record.id},
          {"started_at", core::format_timestamp(record.started_at)},
          {"ended_at", core::format_timestamp(record.ended_at)},
          {"pain_before", optional_pain(record.pain_before)},
          {"pain_after", optional_pain(record.pain_after)},
          {"record", std::move(details)}};
}

json to_json(const storage::SavedTriage& triage) {
  json answers = json::parse(triage.answers_json, nullptr, false);
  json result = json::parse(triage.result_json, nullptr, false);
  return {{"id", triage.id},
          {"created_at", core::format_timestamp(triage.created_at)},
          {"answers", answers.is_discarded() ? json(nullptr) : std::move(answers)},
          {"result", result.is_discarded() ? json(nullptr) : std::move(result)}};
}

json to_json(const storage::User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"role", storage::role_name(user.role)},
          {"created_at", core::format_timestamp(user.created_at)}};
}

std::chrono::minutes offset_of(std::string_view at) {
  const auto parsed = core::parse_timestamp(at, "at");
  return parsed ? parsed->offset : std::chrono::minutes{0};
}

json to_json(const std::optional<storage::Reminders>& reminders) {
  json days = json::array();
  json time = nullptr;
  bool active = false;
  if (reminders) {
    for (const auto name : core::weekday_names(reminders->weekdays)) days.push_back(name);
    if (reminders->weekdays != 0) time = core::format_time_of_day(reminders->minute_of_day);
    active = !reminders->feed_token_hash.empty();
  }
  return {{"days", std::move(days)}, {"time", std::move(time)}, {"feed", {{"active", active}}}};
}

core::Result<std::optional<storage::Reminders>> find_reminders(storage::Store& store,
                                                               std::int64_t user_id) {
  auto reminders = store.get_reminders(user_id);
  if (reminders) return std::optional<storage::Reminders>(std::move(*reminders));
  if (reminders.error().code() == core::ErrorCode::kNotFound) {
    return std::optional<storage::Reminders>();
  }
  return reminders.error();
}

json record_part_names(std::uint8_t parts) {
  json names = json::array();
  for (const storage::RecordPart part : storage::kRecordParts) {
    if (storage::has_part(parts, part)) names.push_back(storage::record_part_name(part));
  }
  return names;
}

json to_json(const storage::Consent& consent, sys_seconds now) {
  std::string_view status = now < consent.until ? "active" : "expired";
  if (consent.revoked_at) status = "revoked";
  return {{"id", consent.id},
          {"parts", record_part_names(consent.parts)},
          {"created_at", core::format_timestamp(consent.created_at)},
          {"until", core::format_timestamp(consent.until)},
          {"revoked_at",
           consent.revoked_at ? json(core::format_timestamp(*consent.revoked_at)) : json(nullptr)},
          {"status", status}};
}

json to_json(const storage::AuditEntry& entry) {
  return {{"id", entry.id},
          {"at", core::format_timestamp(entry.at)},
          {"actor", {{"email", entry.actor_email}, {"role", storage::role_name(entry.actor_role)}}},
          {"action", entry.action},
          {"what", entry.what},
          {"why", entry.why}};
}

json to_admin_json(const storage::AuditEntry& entry) {
  json row = to_json(entry);
  row["actor"]["id"] = entry.actor_id;
  row["patient_id"] = entry.patient_id;
  row["request_id"] = entry.request_id;
  return row;
}

}  // namespace hipcoach::service
