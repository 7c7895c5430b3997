#include "reminder_routes.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "access_log.h"
#include "hipcoach/core/reminders.h"
#include "hipcoach/service/auth.h"
#include "problem.h"

namespace hipcoach::server {
namespace {

using core::Error;
using core::ErrorCode;
using nlohmann::json;

// The start of the feed's UID: the hash of the key, cut. It stays the same
// while the link does and tells nothing about the person.
constexpr std::size_t kUidHashChars = 24;

Response body_response(int status, std::string body, std::string_view content_type,
                       std::string_view cache_control) {
  Response response;
  response.status = status;
  response.headers = {{"Content-Type", content_type},
                      {"Cache-Control", cache_control},
                      {"X-Content-Type-Options", "nosniff"}};
  response.body = std::make_shared<const std::string>(std::move(body));
  return response;
}

// A record of the caller's: never stored by caches.
Response json_response(int status, const json& value) {
  return body_response(status, value.dump(-1, ' ', false, json::error_handler_t::replace),
                       "application/json", "no-store");
}

Response no_content() {
  Response response;
  response.status = 204;
  response.headers = {{"Cache-Control", "no-store"}};
  response.body = std::make_shared<const std::string>();
  response.body_mode = BodyMode::kNone;
  return response;
}

Response error_response(const Error& error) {
  if (error.code() == ErrorCode::kInternal) log_error("api", error.to_string());
  return problem_response(error);
}

Response method_not_allowed(std::string_view allow) {
  Response response = problem_response(405, "method", "this resource does not take this method");
  response.headers.push_back({"Allow", allow});
  return response;
}

Response headers_only_for_head(const Request& request, Response response) {
  if (request.method == "HEAD") response.body_mode = BodyMode::kHeadersOnly;
  return response;
}

bool is_json(std::string_view content_type) {
  std::string_view media_type = content_type.substr(0, content_type.find(';'));
  while (!media_type.empty() && media_type.back() == ' ') media_type.remove_suffix(1);
  constexpr std::string_view kJson = "application/json";
  if (media_type.size() != kJson.size()) return false;
  for (std::size_t i = 0; i < kJson.size(); ++i) {
    const char c = media_type[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kJson[i]) return false;
  }
  return true;
}

// Parses the JSON body into `out`; returns the problem to answer when it cannot.
std::optional<Response> read_body(const Request& request, json& out) {
  if (!is_json(request.content_type)) {
    return problem_response(415, "Content-Type", "send the body as application/json");
  }
  try {
    out = json::parse(request.body);
    return std::nullopt;
  } catch (const json::parse_error& e) {
    // The parser's own message could quote the body.
    return problem_response(400, "/",
                            fmt::format("the body is not valid JSON (at byte {})", e.byte));
  }
}

// The raw value of `key` in a query string, or nullopt.
std::optional<std::string_view> query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    if (pair.substr(0, equals) == key) {
      return equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

// {"days": [...], "time": "HH:MM" or null, "feed": {"active": bool}}. With
// no day there is no reminder, so no time either.
json reminders_json(const std::optional<storage::Reminders>& reminders) {
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

// The caller's reminders, or nullopt when they have none.
core::Result<std::optional<storage::Reminders>> find_reminders(storage::Store& store,
                                                               std::int64_t user_id) {
  auto reminders = store.get_reminders(user_id);
  if (reminders) return std::optional<storage::Reminders>(std::move(*reminders));
  if (reminders.error().code() == ErrorCode::kNotFound) {
    return std::optional<storage::Reminders>();
  }
  return reminders.error();
}

Response reminders(const ReminderRouteContext& context, const Request& request) {
  if (request.method == "PUT") {
    json body;
    if (auto problem = read_body(request, body)) return std::move(*problem);
    auto schedule = core::reminder_schedule_from_json(body);
    if (!schedule) return error_response(schedule.error());
    storage::Reminders reminders;
    reminders.user_id = context.user_id;
    reminders.weekdays = schedule->weekdays;
    reminders.minute_of_day = schedule->minute_of_day;
    reminders.updated_at = context.now;
    if (auto ok = context.store.put_reminders(reminders); !ok) return error_response(ok.error());
  } else if (request.method != "GET" && request.method != "HEAD") {
    return method_not_allowed("GET, HEAD, PUT");
  }
  auto reminders = find_reminders(context.store, context.user_id);
  if (!reminders) return error_response(reminders.error());
  return headers_only_for_head(request, json_response(200, reminders_json(*reminders)));
}

Response feed_link(const ReminderRouteContext& context, const Request& request) {
  if (request.method == "DELETE") {
    auto ok = context.store.set_reminder_feed(context.user_id, "");
    // No reminders means no link: turning it off again is no error.
    if (!ok && ok.error().code() != ErrorCode::kNotFound) return error_response(ok.error());
    return no_content();
  }
  if (request.method != "POST") return method_not_allowed("POST, DELETE");
  auto existing = find_reminders(context.store, context.user_id);
  if (!existing) return error_response(existing.error());
  if (!*existing) {
    // A link before any schedule: an empty one, which the feed shows as a
    // calendar without events until days are chosen.
    storage::Reminders empty;
    empty.user_id = context.user_id;
    empty.updated_at = context.now;
    if (auto ok = context.store.put_reminders(empty); !ok) return error_response(ok.error());
  }
  const std::string token = service::new_session_token();
  // Replacing the hash ends the old link at once.
  if (auto ok = context.store.set_reminder_feed(context.user_id, service::token_hash(token)); !ok) {
    return error_response(ok.error());
  }
  return json_response(201, {{"path", fmt::format("{}?key={}", kReminderFeedPath, token)}});
}

}  // namespace

bool is_reminder_route(std::string_view path) {
  return path == kRemindersPath || path == kReminderFeedLinkPath;
}

Response handle_reminder_route(const ReminderRouteContext& context, const Request& request,
                               std::string_view path) {
  if (path == kRemindersPath) return reminders(context, request);
  return feed_link(context, request);
}

Response handle_reminder_feed(storage::Store& store, std::chrono::sys_seconds now,
                              const Request& request, std::string_view query) {
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET, HEAD");
  // One answer for a missing, malformed, unknown, replaced or turned-off
  // key; it never repeats the key.
  const auto no_feed = [] {
    return problem_response(404, "key", "no calendar feed has this key; make a new link");
  };
  const auto key = query_value(query, "key");
  if (!key || !service::is_well_formed_session_token(*key)) return no_feed();
  const std::string hash = service::token_hash(*key);
  auto reminders = store.find_reminders_by_feed(hash);
  if (!reminders) {
    if (reminders.error().code() == ErrorCode::kNotFound) return no_feed();
    return error_response(reminders.error());
  }
  const core::ReminderSchedule schedule{reminders->weekdays, reminders->minute_of_day};
  const std::string uid =
      fmt::format("{}-reminders@hipcoach", std::string_view(hash).substr(0, kUidHashChars));
  Response response = body_response(200, core::reminder_calendar(schedule, uid, now),
                                    "text/calendar; charset=utf-8", "private, no-store");
  response.headers.push_back({"Content-Disposition", "inline; filename=\"hipcoach.ics\""});
  // The page holds the key in its address: it must not travel on in a Referer.
  response.headers.push_back({"Referrer-Policy", "no-referrer"});
  return headers_only_for_head(request, std::move(response));
}

}  // namespace hipcoach::server
