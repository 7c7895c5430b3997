// Appointment requests and the notifications about them (docs/api.md,
// "Appointment requests"):
//   POST    /api/v1/appointments            a patient asks: {"type", "reason", "preferred"?,
//                                           "earliest"?, "triage_id"?, "attach_summary"?}
//   GET     /api/v1/appointments            a patient: their own, newest first; staff: the
//                                           queue, urgent first then oldest (?status=)
//   GET     /api/v1/appointments/{id}       one: the patient's own, or any for staff
//   PATCH   /api/v1/appointments/{id}       staff: {"action": "propose"|"confirm"|"decline",
//                                           "start"?, "minutes"?, "message"?}; the patient:
//                                           {"action": "cancel"}
//   DELETE  /api/v1/appointments/{id}       the patient cancels their own
//   GET     /api/v1/appointments/{id}/ical  the caller's confirmed appointment, RFC 5545
//   GET     /api/v1/appointments/{id}/summary.pdf
//                                           the patient's summary (service/summary.h) as
//                                           a PDF: the patient's own; for staff the one the
//                                           patient attached, or the parts an active
//                                           consent covers
//   POST    /api/v1/appointments/{id}/notes staff: {"text"}, a short internal note
//                                           (append-only; audited as a change); GET lists
//                                           them. Never for the patient (403).
//   GET     /api/v1/me/notifications        the caller's waiting notifications, then
//                                           marked delivered
//
// Another patient's appointment answers 404, exactly like one that does not
// exist. Each staff change writes a notification to the outbox (no health
// data: only that the status changed), in the same transaction. A staff
// read of one appointment with an attached triage or summary (its JSON
// under "summary", the same as GET /api/v1/me/summary), and a staff read of
// its summary PDF, append an audit row each before the answer leaves; the
// staff read also lists the staff's notes ("notes"), which the patient never
// sees.
//
// Thread-safe as far as the Store is; they block on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/protocol.h"
#include "hipcoach/storage/store.h"
#include "message.h"

namespace hipcoach::server {

inline constexpr std::string_view kAppointmentsPath = "/api/v1/appointments";
inline constexpr std::string_view kNotificationsPath = "/api/v1/me/notifications";

// True when `path` (decoded, without the query) is one of the routes above.
bool is_appointment_route(std::string_view path);

// Who calls and when.
struct AppointmentRouteContext {
  const core::Protocol& protocol;  // For the clinic's appointment types.
  storage::Store& store;
  std::int64_t user_id = 0;
  std::chrono::sys_seconds now{};
  // The request's id (Request::request_id), for the audit
  // rows it writes; empty when it has none.
  std::string request_id{};
};

// `appointment` as the API answers it.
nlohmann::json appointment_json(const storage::Appointment& appointment);
// {"appointments": [...]}, each as appointment_json makes it, written
// straight to JSON text (the staff queue may hold thousands).
std::string appointment_list_body(const std::vector<storage::Appointment>& appointments);

// Answers a request to a route of is_appointment_route, with `query` the
// raw query string. REQUIRES: the caller is authenticated (and a change
// made with the cookie carried this server's Origin). May throw only what
// allocation throws (the Api catches it).
Response handle_appointment_route(const AppointmentRouteContext& context, const Request& request,
                                  std::string_view path, std::string_view query);

}  // namespace hipcoach::server
