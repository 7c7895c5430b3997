#include "reminder_routes.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "access_log.h"
#include "api_support.h"
#include "hipcoach/core/reminders.h"
#include "hipcoach/service/auth.h"
#include "hipcoach/service/records.h"
#include "problem.h"

namespace hipcoach::server {
namespace {

using core::Error;
using core::ErrorCode;
using nlohmann::json;

// The start of the feed's UID: the hash of the key, cut. It stays the same
// while the link does and tells nothing about the person.
constexpr std::size_t kUidHashChars = 24;

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
  auto reminders = service::find_reminders(context.store, context.user_id);
  if (!reminders) return error_response(reminders.error());
  return headers_only_for_head(request, json_response(200, service::to_json(*reminders)));
}

Response feed_link(const ReminderRouteContext& context, const Request& request) {
  if (request.method == "DELETE") {
    auto ok = context.store.set_reminder_feed(context.user_id, "");
    // No reminders means no link: turning it off again is no error.
    if (!ok && ok.error().code() != ErrorCode::kNotFound) return error_response(ok.error());
    return no_content();
  }
  if (request.method != "POST") return method_not_allowed("POST, DELETE");
  auto existing = service::find_reminders(context.store, context.user_id);
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
