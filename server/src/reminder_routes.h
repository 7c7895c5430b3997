// The reminder routes (docs/api.md, "Reminders"):
//   GET|PUT      /api/v1/me/reminders        the caller's days and time
//   POST|DELETE  /api/v1/me/reminders/feed   make (or replace) / turn off the feed link
//   GET          /api/v1/me/reminders.ics?key=TOKEN   the calendar feed itself
// The first two need a session: the Api calls handle_reminder_route once it
// knows the caller (and has checked the Origin of a change made with the
// cookie). The feed needs none, since calendar apps cannot sign in: its
// unguessable key (256 random bits, stored only as a hash) is the
// permission, and it shows only the reminder times, never health data. An
// unknown, replaced or turned-off key answers 404, as a missing one.
//
// Thread-safe as far as the Store is; they block on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "hipcoach/storage/store.h"
#include "message.h"

namespace hipcoach::server {

inline constexpr std::string_view kRemindersPath = "/api/v1/me/reminders";
inline constexpr std::string_view kReminderFeedLinkPath = "/api/v1/me/reminders/feed";
inline constexpr std::string_view kReminderFeedPath = "/api/v1/me/reminders.ics";

// True when `path` (decoded, without the query) is one of the two routes
// that need a session.
bool is_reminder_route(std::string_view path);

// Who calls and when.
struct ReminderRouteContext {
  storage::Store& store;
  std::int64_t user_id = 0;
  std::chrono::sys_seconds now{};
};

// Answers a request to a route of is_reminder_route. REQUIRES: the caller is
// authenticated. May throw only what allocation throws (the Api catches it).
Response handle_reminder_route(const ReminderRouteContext& context, const Request& request,
                               std::string_view path);

// Answers a request to kReminderFeedPath with `query` (the raw query
// string), without a session. May throw only what allocation throws.
Response handle_reminder_feed(storage::Store& store, std::chrono::sys_seconds now,
                              const Request& request, std::string_view query);

}  // namespace hipcoach::server
