#include "appointment_routes.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <utility>

#include "api_support.h"
#include "hipcoach/core/reminders.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/core/utf8.h"
#include "hipcoach/service/records.h"
#include "hipcoach/service/summary.h"
#include "hipcoach/service/summary_pdf.h"
#include "problem.h"
#include "summary_routes.h"

namespace hipcoach::server {
namespace {

using core::Error;
using core::ErrorCode;
using nlohmann::json;
using std::chrono::sys_seconds;
using storage::Appointment;
using storage::AppointmentStatus;

constexpr std::string_view kIcalSuffix = "/ical";
constexpr std::string_view kNotesSuffix = "/notes";
// Why a staff member read what a patient attached to their request.
constexpr std::string_view kAppointmentReason = "appointment request";

bool is_staff(storage::Role role) {
  return role == storage::Role::kClinician || role == storage::Role::kAdmin;
}

json optional_time(const std::optional<sys_seconds>& time) {
  return time ? json(core::format_timestamp(*time)) : json(nullptr);
}

Response not_found() {
  return problem_response(404, "path", "no appointment of yours has this id");
}

// The caller's account; 401 when it has gone since the session was checked.
core::Result<storage::User> caller_account(const AppointmentRouteContext& context) {
  auto user = context.store.find_user(context.user_id);
  if (!user && user.error().code() == ErrorCode::kNotFound) {
    return Error::unauthenticated("", "sign in first");
  }
  return user;
}

const core::AppointmentType* find_type(const core::Protocol& protocol, std::string_view id) {
  if (!protocol.clinic) return nullptr;
  for (const core::AppointmentType& type : protocol.clinic->appointment_types) {
    if (type.id == id) return &type;
  }
  return nullptr;
}

std::string type_names(const core::Protocol& protocol) {
  std::string names;
  if (protocol.clinic) {
    for (const core::AppointmentType& type : protocol.clinic->appointment_types) {
      if (!names.empty()) names += ", ";
      names += type.id;
    }
  }
  return names;
}

// A string member of `body` at `pointer` within `max` bytes of UTF-8; nullopt
// when absent (or null).
core::Result<std::optional<std::string>> text_member(const json& body, const char* name,
                                                     std::size_t max) {
  const std::string pointer = std::string("/") + name;
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Error::invalid_input(pointer, "must be a string");
  std::string text = it->get<std::string>();
  if (text.size() > max) {
    return Error::invalid_input(pointer,
                                fmt::format("must be at most {} bytes, got {}", max, text.size()));
  }
  if (core::find_invalid_utf8(text)) return Error::invalid_input(pointer, "must be UTF-8");
  return std::optional<std::string>(std::move(text));
}

// An RFC 3339 member of `body` that must not be before `now`; nullopt when absent.
core::Result<std::optional<sys_seconds>> future_time(const json& body, const char* name,
                                                     sys_seconds now) {
  const std::string pointer = std::string("/") + name;
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<sys_seconds>();
  if (!it->is_string()) {
    return Error::invalid_input(pointer, "must be an RFC 3339 time, e.g. 2026-12-01T09:00:00Z");
  }
  auto parsed = core::parse_timestamp(it->get<std::string>(), pointer);
  if (!parsed) return parsed.error();
  if (parsed->utc < now) return Error::invalid_input(pointer, "must not be in the past");
  return std::optional<sys_seconds>(parsed->utc);
}

// Appends `value` in decimal, at least `width` digits.
void append_number(std::string& out, std::int64_t value, int width = 1) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  for (auto written = static_cast<int>(end - digits); written < width; ++written) out += '0';
  out.append(digits, end);
}

// Appends `time` as format_timestamp writes it in UTC ("2026-11-25T15:00:00Z"),
// quoted, without its allocations.
void append_time(std::string& out, sys_seconds time) {
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{time - day};
  out += '"';
  append_number(out, static_cast<int>(date.year()), 4);
  out += '-';
  append_number(out, static_cast<unsigned>(date.month()), 2);
  out += '-';
  append_number(out, static_cast<unsigned>(date.day()), 2);
  out += 'T';
  append_number(out, clock.hours().count(), 2);
  out += ':';
  append_number(out, clock.minutes().count(), 2);
  out += ':';
  append_number(out, clock.seconds().count(), 2);
  out += "Z\"";
}

void append_optional_time(std::string& out, const std::optional<sys_seconds>& time) {
  if (time) {
    append_time(out, *time);
  } else {
    out += "null";
  }
}

// `appointment` as appointment_json makes it, written straight to text: the
// staff queue may hold thousands.
void append_appointment(std::string& out, const Appointment& appointment) {
  out += R"({"id":)";
  append_number(out, appointment.id);
  out += R"(,"patient_id":)";
  append_number(out, appointment.user_id);
  out += R"(,"type":)";
  service::append_json_string(out, appointment.type_id);
  out += R"(,"reason":)";
  service::append_json_string(out, appointment.reason);
  out += R"(,"preferred":)";
  service::append_json_string(out, appointment.preferred);
  out += R"(,"earliest":)";
  append_optional_time(out, appointment.earliest);
  out += R"(,"urgency":")";
  out += storage::urgency_name(appointment.urgency);
  out += R"(","triage_id":)";
  if (appointment.triage_id) {
    append_number(out, *appointment.triage_id);
  } else {
    out += "null";
  }
  out += R"(,"attach_summary":)";
  out += appointment.attach_summary ? "true" : "false";
  out += R"(,"status":")";
  out += storage::appointment_status_name(appointment.status);
  out += R"(","start":)";
  append_optional_time(out, appointment.start);
  out += R"(,"minutes":)";
  if (appointment.start) {
    append_number(out, appointment.minutes);
  } else {
    out += "null";
  }
  out += R"(,"message":)";
  service::append_json_string(out, appointment.message);
  out += R"(,"created_at":)";
  append_time(out, appointment.created_at);
  out += R"(,"updated_at":)";
  append_time(out, appointment.updated_at);
  out += '}';
}

storage::AppointmentUrgency urgency_of(const storage::SavedTriage& triage) {
  const json result = json::parse(triage.result_json, nullptr, false);
  if (!result.is_object()) return storage::AppointmentUrgency::kNone;
  const auto disposition = result.find("disposition");
  if (disposition == result.end() || !disposition->is_string()) {
    return storage::AppointmentUrgency::kNone;
  }
  return storage::parse_urgency(disposition->get<std::string>())
      .value_or(storage::AppointmentUrgency::kNone);
}

core::Result<Appointment> request_from_json(const AppointmentRouteContext& context,
                                            const json& body) {
  if (!body.is_object()) return Error::invalid_input("/", "must be a JSON object");
  Appointment appointment;
  appointment.user_id = context.user_id;
  appointment.created_at = context.now;
  const auto type = body.find("type");
  if (type == body.end() || !type->is_string() ||
      find_type(context.protocol, type->get<std::string>()) == nullptr) {
    if (!context.protocol.clinic || context.protocol.clinic->appointment_types.empty()) {
      return Error::unavailable("type", "this clinic takes no appointment requests here");
    }
    return Error::invalid_input("/type",
                                fmt::format("must be one of the clinic's appointment types: {}",
                                            type_names(context.protocol)));
  }
  appointment.type_id = type->get<std::string>();
  auto reason = text_member(body, "reason", storage::kMaxAppointmentReasonBytes);
  if (!reason) return reason.error();
  if (!*reason || (*reason)->empty()) {
    return Error::invalid_input("/reason", "is required: why you would like to be seen");
  }
  appointment.reason = std::move(**reason);
  auto preferred = text_member(body, "preferred", storage::kMaxPreferredBytes);
  if (!preferred) return preferred.error();
  appointment.preferred = preferred->value_or("");
  auto earliest = future_time(body, "earliest", context.now);
  if (!earliest) return earliest.error();
  appointment.earliest = *earliest;
  if (const auto attach = body.find("attach_summary"); attach != body.end()) {
    if (!attach->is_boolean())
      return Error::invalid_input("/attach_summary", "must be true or false");
    appointment.attach_summary = attach->get<bool>();
  }
  if (const auto triage = body.find("triage_id"); triage != body.end() && !triage->is_null()) {
    if (!triage->is_number_integer() || triage->get<std::int64_t>() < 1) {
      return Error::invalid_input("/triage_id", "must be the id of one of your saved triage");
    }
    const auto id = triage->get<std::int64_t>();
    auto saved = context.store.list_triage(context.user_id);
    if (!saved) return saved.error();
    const auto it = std::find_if(saved->begin(), saved->end(),
                                 [&](const storage::SavedTriage& one) { return one.id == id; });
    if (it == saved->end())
      return Error::not_found("/triage_id", "no saved triage of yours has this id");
    appointment.triage_id = id;
    appointment.urgency = urgency_of(*it);
  }
  return appointment;
}

// The notification of a status change: no health data, no time.
storage::OutboxMessage notification(const AppointmentRouteContext& context,
                                    AppointmentStatus status) {
  storage::OutboxMessage message;
  message.kind = "appointment";
  const std::string clinic = context.protocol.clinic ? context.protocol.clinic->name : "the clinic";
  message.subject = fmt::format("Your appointment request at {}", clinic);
  message.body =
      fmt::format("Your appointment request is now {}. Sign in to HipCoach to see the details.",
                  storage::appointment_status_name(status));
  message.created_at = context.now;
  return message;
}

Response appointments(const AppointmentRouteContext& context, const Request& request,
                      std::string_view query, const storage::User& caller) {
  if (request.method == "POST") {
    json body;
    if (auto problem = read_body(request, body)) return std::move(*problem);
    auto appointment = request_from_json(context, body);
    if (!appointment) {
      if (appointment.error().code() == ErrorCode::kNotFound) {
        return problem_response(404, "/triage_id", "no saved triage of yours has this id");
      }
      return error_response(appointment.error());
    }
    auto id = context.store.add_appointment(*appointment);
    if (!id) {
      if (id.error().code() == ErrorCode::kNotFound && appointment->triage_id) {
        return problem_response(404, "/triage_id", "no saved triage of yours has this id");
      }
      return error_response(id.error());
    }
    appointment->id = *id;
    appointment->updated_at = appointment->created_at;
    Response response = json_response(201, appointment_json(*appointment));
    response.add_header("Location", fmt::format("{}/{}", kAppointmentsPath, *id));
    return response;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    return method_not_allowed("GET, HEAD, POST");
  }
  core::Result<std::vector<Appointment>> list = std::vector<Appointment>();
  if (is_staff(caller.role)) {
    std::optional<AppointmentStatus> status;
    if (const auto text = query_value(query, "status")) {
      status = storage::parse_appointment_status(*text);
      if (!status) {
        return problem_response(400, "status",
                                "must be requested, proposed, confirmed, declined or cancelled");
      }
    }
    list = context.store.list_appointment_queue(status);
  } else {
    list = context.store.list_appointments(context.user_id);
  }
  if (!list) return error_response(list.error());
  return headers_only_for_head(request, body_response(200, appointment_list_body(*list)));
}

// The appointment `id_text` as the caller may see it: their own, or any for
// staff; nullopt (answer 404) otherwise.
core::Result<std::optional<Appointment>> visible_appointment(const AppointmentRouteContext& context,
                                                             std::string_view id_text,
                                                             const storage::User& caller) {
  const auto id = parse_id(id_text);
  if (!id) return std::optional<Appointment>();
  auto appointment = context.store.get_appointment(*id);
  if (!appointment) {
    if (appointment.error().code() == ErrorCode::kNotFound) return std::optional<Appointment>();
    return appointment.error();
  }
  if (!is_staff(caller.role) && appointment->user_id != context.user_id) {
    return std::optional<Appointment>();
  }
  return std::optional<Appointment>(std::move(*appointment));
}

// Appends the audit row of the caller reading `what` of `appointment`'s
// patient for the request; kNotFound when the patient's account has gone.
core::Result<std::int64_t> audit_read(const AppointmentRouteContext& context,
                                      const Appointment& appointment, std::string what) {
  storage::AuditEntry entry;
  entry.at = context.now;
  entry.actor_id = context.user_id;
  entry.patient_id = appointment.user_id;
  entry.action = "read";
  entry.what = std::move(what);
  entry.why = std::string(kAppointmentReason);
  entry.request_id = context.request_id;
  return context.store.append_audit(entry);
}

// Whether the patient's summary is attached to `appointment` now: they
// attached it, and the request is still alive (not declined or cancelled),
// since the summary is made from their record as it is at each read.
bool summary_attached(const Appointment& appointment) {
  return appointment.attach_summary && appointment.status != AppointmentStatus::kDeclined &&
         appointment.status != AppointmentStatus::kCancelled;
}

json note_json(const storage::AppointmentNote& note) {
  return {
      {"id", note.id},
      {"author", {{"email", note.author_email}, {"role", storage::role_name(note.author_role)}}},
      {"text", note.text},
      {"created_at", core::format_timestamp(note.created_at)}};
}

Response read_one(const AppointmentRouteContext& context, const Request& request,
                  const Appointment& appointment, const storage::User& caller) {
  const bool staff_read = is_staff(caller.role) && appointment.user_id != context.user_id;
  json answer = appointment_json(appointment);
  if (appointment.triage_id) {
    auto saved = context.store.list_triage(appointment.user_id);
    if (!saved) return error_response(saved.error());
    for (const storage::SavedTriage& triage : *saved) {
      if (triage.id != *appointment.triage_id) continue;
      const json result = json::parse(triage.result_json, nullptr, false);
      answer["triage"] = {{"id", triage.id},
                          {"created_at", core::format_timestamp(triage.created_at)},
                          {"result", result.is_discarded() ? json(nullptr) : result}};
    }
    if (staff_read) {
      // Written before the answer leaves: a read the log does not show
      // never reaches the reader.
      if (auto appended = audit_read(context, appointment, "triage"); !appended) {
        if (appended.error().code() == ErrorCode::kNotFound) return not_found();
        return error_response(appended.error());
      }
    }
  }
  // The patient attached their summary for the clinic: staff see it with
  // the request, and the read is in the patient's audit log.
  if (staff_read && summary_attached(appointment)) {
    auto summary =
        service::build_summary(context.protocol, context.store, appointment.user_id, context.now);
    if (!summary) {
      if (summary.error().code() == ErrorCode::kNotFound) return not_found();
      return error_response(summary.error());
    }
    answer["summary"] = service::to_json(*summary);
    if (auto appended = audit_read(context, appointment, "summary"); !appended) {
      if (appended.error().code() == ErrorCode::kNotFound) return not_found();
      return error_response(appended.error());
    }
  }
  // Who asked: staff must be able to reach the patient about the request
  // the patient sent them. The email only, no other part of the record.
  if (staff_read) {
    auto patient = context.store.find_user(appointment.user_id);
    if (!patient) {
      if (patient.error().code() == ErrorCode::kNotFound) return not_found();
      return error_response(patient.error());
    }
    answer["patient_email"] = patient->email;
  }
  // Staff's own notes on the request, never shown to the patient.
  if (staff_read) {
    auto notes = context.store.list_appointment_notes(appointment.id);
    if (!notes) return error_response(notes.error());
    json items = json::array();
    for (const storage::AppointmentNote& note : *notes) items.push_back(note_json(note));
    answer["notes"] = std::move(items);
  }
  return headers_only_for_head(request, json_response(200, answer));
}

core::Result<storage::AppointmentChange> change_from_json(const AppointmentRouteContext& context,
                                                          const json& body,
                                                          const Appointment& appointment) {
  storage::AppointmentChange change;
  change.appointment_id = appointment.id;
  change.at = context.now;
  const std::string action = body.value("action", "");
  if (action == "propose") {
    change.status = AppointmentStatus::kProposed;
  } else if (action == "confirm") {
    change.status = AppointmentStatus::kConfirmed;
  } else if (action == "decline") {
    change.status = AppointmentStatus::kDeclined;
  } else {
    return Error::invalid_input("/action", "must be propose, confirm or decline");
  }
  auto start = future_time(body, "start", context.now);
  if (!start) return start.error();
  change.start = *start;
  if (change.status == AppointmentStatus::kProposed && !change.start) {
    return Error::invalid_input("/start", "is required: an RFC 3339 time to propose");
  }
  if (change.status == AppointmentStatus::kConfirmed) {
    if (!change.start && !appointment.start) {
      return Error::invalid_input("/start", "is required: no time has been proposed");
    }
    if (!change.start && *appointment.start < context.now) {
      return Error::invalid_input("/start", "the proposed time has passed; give a new one");
    }
  }
  if (const auto minutes = body.find("minutes"); minutes != body.end() && !minutes->is_null()) {
    if (!minutes->is_number_integer() || minutes->get<std::int64_t>() < 1 ||
        minutes->get<std::int64_t>() > storage::kMaxAppointmentMinutes) {
      return Error::invalid_input(
          "/minutes", fmt::format("must be a whole number 1..{}", storage::kMaxAppointmentMinutes));
    }
    change.minutes = minutes->get<int>();
  } else if (change.start && appointment.minutes == 0) {
    const core::AppointmentType* type = find_type(context.protocol, appointment.type_id);
    if (type == nullptr || type->minutes < 1) {
      return Error::invalid_input("/minutes",
                                  "is required: the appointment type is no longer offered");
    }
    change.minutes = type->minutes;
  }
  auto message = text_member(body, "message", storage::kMaxStaffMessageBytes);
  if (!message) return message.error();
  change.message = std::move(*message);
  change.notify = notification(context, change.status);
  return change;
}

Response apply(const AppointmentRouteContext& context, const storage::AppointmentChange& change) {
  auto changed = context.store.change_appointment(change);
  if (!changed) {
    if (changed.error().code() == ErrorCode::kNotFound) return not_found();
    if (changed.error().code() == ErrorCode::kConflict) {
      return problem_response(409, "/action", changed.error().message());
    }
    return error_response(changed.error());
  }
  return json_response(200, appointment_json(*changed));
}

Response cancel(const AppointmentRouteContext& context, std::int64_t id) {
  storage::AppointmentChange change;
  change.appointment_id = id;
  change.owner_id = context.user_id;
  change.status = AppointmentStatus::kCancelled;
  change.at = context.now;
  return apply(context, change);
}

Response one_appointment(const AppointmentRouteContext& context, const Request& request,
                         std::string_view id_text, const storage::User& caller) {
  if (request.method == "PATCH") {
    json body;
    if (auto problem = read_body(request, body)) return std::move(*problem);
    if (!body.is_object()) return problem_response(400, "/", "must be a JSON object");
    const bool cancelling = body.value("action", "") == "cancel";
    if (!is_staff(caller.role) && !cancelling) {
      return problem_response(403, "role",
                              "only clinic staff may propose, confirm or decline; you may cancel");
    }
    if (cancelling) {
      const auto id = parse_id(id_text);
      if (!id) return not_found();
      return cancel(context, *id);
    }
    auto appointment = visible_appointment(context, id_text, caller);
    if (!appointment) return error_response(appointment.error());
    if (!*appointment) return not_found();
    auto change = change_from_json(context, body, **appointment);
    if (!change) return error_response(change.error());
    return apply(context, *change);
  }
  if (request.method == "DELETE") {
    const auto id = parse_id(id_text);
    if (!id) return not_found();
    auto done = cancel(context, *id);
    if (done.status != 200) return done;
    return no_content();
  }
  if (request.method != "GET" && request.method != "HEAD") {
    return method_not_allowed("GET, HEAD, PATCH, DELETE");
  }
  auto appointment = visible_appointment(context, id_text, caller);
  if (!appointment) return error_response(appointment.error());
  if (!*appointment) return not_found();
  return read_one(context, request, **appointment, caller);
}

// The text of a note from {"text": "..."}: 1..kMaxAppointmentNoteBytes of
// UTF-8 with no control characters but line breaks and tabs.
core::Result<std::string> note_text(const json& body) {
  if (!body.is_object()) return Error::invalid_input("/", "must be a JSON object");
  auto text = text_member(body, "text", storage::kMaxAppointmentNoteBytes);
  if (!text) return text.error();
  if (!*text || (*text)->find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::invalid_input("/text", "is required: the note, 1 to 2000 bytes");
  }
  for (const char c : **text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\r' && c != '\t') || byte == 0x7f) {
      return Error::invalid_input(
          "/text", "must not hold control characters other than line breaks and tabs");
    }
  }
  return std::move(**text);
}

// /api/v1/appointments/{id}/notes: staff write a note (POST {"text"}) or list
// them (GET); append-only, never for the patient.
Response notes(const AppointmentRouteContext& context, const Request& request,
               std::string_view id_text, const storage::User& caller) {
  const bool reads = request.method == "GET" || request.method == "HEAD";
  if (!reads && request.method != "POST") return method_not_allowed("GET, HEAD, POST");
  if (!is_staff(caller.role)) {
    return problem_response(403, "role", "only clinic staff may read or write notes on a request");
  }
  auto appointment = visible_appointment(context, id_text, caller);
  if (!appointment) return error_response(appointment.error());
  if (!*appointment) return not_found();
  const Appointment& found = **appointment;
  if (found.user_id == context.user_id) {
    return problem_response(403, "role", "staff do not keep notes on their own requests");
  }
  if (reads) {
    auto listed = context.store.list_appointment_notes(found.id);
    if (!listed) return error_response(listed.error());
    json items = json::array();
    for (const storage::AppointmentNote& note : *listed) items.push_back(note_json(note));
    return headers_only_for_head(request, json_response(200, {{"notes", std::move(items)}}));
  }
  json body;
  if (auto problem = read_body(request, body)) return std::move(*problem);
  auto text = note_text(body);
  if (!text) return error_response(text.error());
  // The patient's audit log shows that staff wrote on their request (not
  // what), written before the note.
  storage::AuditEntry entry;
  entry.at = context.now;
  entry.actor_id = context.user_id;
  entry.patient_id = found.user_id;
  entry.action = "change";
  entry.what = "appointment_note";
  entry.why = std::string(kAppointmentReason);
  entry.request_id = context.request_id;
  if (auto appended = context.store.append_audit(entry); !appended) {
    if (appended.error().code() == ErrorCode::kNotFound) return not_found();
    return error_response(appended.error());
  }
  storage::AppointmentNote note;
  note.appointment_id = found.id;
  note.author_id = context.user_id;
  note.text = std::move(*text);
  note.created_at = context.now;
  auto added = context.store.add_appointment_note(note);
  if (!added) {
    if (added.error().code() == ErrorCode::kNotFound) return not_found();
    return error_response(added.error());
  }
  return json_response(201, note_json(*added));
}

// GET /api/v1/appointments/{id}/summary.pdf: the patient's own summary, or
// for staff the summary the patient attached (every part) or, without it,
// the parts an active consent covers; 404 as for a missing appointment when
// there is none of these.
Response attached_summary(const AppointmentRouteContext& context, const Request& request,
                          std::string_view id_text, const storage::User& caller) {
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET, HEAD");
  auto appointment = visible_appointment(context, id_text, caller);
  if (!appointment) return error_response(appointment.error());
  if (!*appointment) return not_found();
  const Appointment& found = **appointment;
  const bool own = found.user_id == context.user_id;
  std::uint8_t parts = storage::kAllRecordParts;
  if (!own && !summary_attached(found)) {
    auto shared = context.store.shared_parts(found.user_id, context.now);
    if (!shared) return error_response(shared.error());
    if (*shared == 0) return not_found();
    parts = *shared;
  }
  auto summary =
      service::build_summary(context.protocol, context.store, found.user_id, context.now, parts);
  if (!summary) {
    if (summary.error().code() == ErrorCode::kNotFound) return not_found();
    return error_response(summary.error());
  }
  auto pdf = service::summary_pdf(*summary);
  if (!pdf) return error_response(pdf.error());
  if (!own) {
    // Written before the PDF leaves, as for every staff read.
    if (auto appended = audit_read(context, found, "summary"); !appended) {
      if (appended.error().code() == ErrorCode::kNotFound) return not_found();
      return error_response(appended.error());
    }
  }
  Response response = body_response(200, std::move(*pdf), "application/pdf");
  response.add_header("Content-Disposition",
                      fmt::format("attachment; filename=\"appointment-{}-summary.pdf\"", found.id));
  return headers_only_for_head(request, std::move(response));
}

std::string ical_time(sys_seconds time) {
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{time - day};
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count());
}

Response calendar(const AppointmentRouteContext& context, const Request& request,
                  std::string_view id_text) {
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed("GET, HEAD");
  const auto id = parse_id(id_text);
  if (!id) return not_found();
  auto appointment = context.store.get_appointment(*id);
  if (!appointment) {
    if (appointment.error().code() == ErrorCode::kNotFound) return not_found();
    return error_response(appointment.error());
  }
  if (appointment->user_id != context.user_id ||
      appointment->status != AppointmentStatus::kConfirmed || !appointment->start) {
    return problem_response(404, "path", "no confirmed appointment of yours has this id");
  }
  const core::AppointmentType* type = find_type(context.protocol, appointment->type_id);
  const std::string clinic = context.protocol.clinic ? context.protocol.clinic->name : "";
  std::string summary = type != nullptr ? type->name : appointment->type_id;
  if (!clinic.empty()) summary += " at " + clinic;
  std::string out;
  const auto line = [&out](std::string_view name, std::string_view value) {
    out += core::fold_content_line(std::string(name) + ":" + std::string(value));
  };
  line("BEGIN", "VCALENDAR");
  line("VERSION", "2.0");
  line("PRODID", core::escape_calendar_text("-//HipCoach//Appointment//EN"));
  line("CALSCALE", "GREGORIAN");
  line("METHOD", "PUBLISH");
  line("BEGIN", "VEVENT");
  line("UID", fmt::format("appointment-{}@hipcoach", appointment->id));
  line("DTSTAMP", ical_time(appointment->updated_at));
  line("DTSTART", ical_time(*appointment->start));
  line("DTEND", ical_time(*appointment->start + std::chrono::minutes(appointment->minutes)));
  line("SUMMARY", core::escape_calendar_text(summary));
  if (context.protocol.clinic) {
    line("LOCATION", core::escape_calendar_text(context.protocol.clinic->address));
    line("DESCRIPTION", core::escape_calendar_text(
                            fmt::format("To change it, call {}.", context.protocol.clinic->phone)));
  }
  line("STATUS", "CONFIRMED");
  line("END", "VEVENT");
  line("END", "VCALENDAR");
  Response response = body_response(200, std::move(out), "text/calendar; charset=utf-8");
  response.add_header("Content-Disposition",
                      fmt::format("attachment; filename=\"appointment-{}.ics\"", appointment->id));
  return headers_only_for_head(request, std::move(response));
}

Response notifications(const AppointmentRouteContext& context, const Request& request) {
  if (request.method != "GET") return method_not_allowed("GET");
  auto delivered = context.store.deliver_notifications(context.user_id, context.now);
  if (!delivered) return error_response(delivered.error());
  json items = json::array();
  for (const storage::OutboxMessage& message : *delivered) {
    items.push_back({{"id", message.id},
                     {"kind", message.kind},
                     {"subject", message.subject},
                     {"body", message.body},
                     {"created_at", core::format_timestamp(message.created_at)}});
  }
  return json_response(200, {{"notifications", std::move(items)}});
}

}  // namespace

bool is_appointment_route(std::string_view path) {
  if (path == kAppointmentsPath || path == kNotificationsPath) return true;
  return path.size() > kAppointmentsPath.size() + 1 && path.starts_with(kAppointmentsPath) &&
         path[kAppointmentsPath.size()] == '/';
}

json appointment_json(const Appointment& appointment) {
  return {{"id", appointment.id},
          {"patient_id", appointment.user_id},
          {"type", appointment.type_id},
          {"reason", appointment.reason},
          {"preferred", appointment.preferred},
          {"earliest", optional_time(appointment.earliest)},
          {"urgency", storage::urgency_name(appointment.urgency)},
          {"triage_id", appointment.triage_id ? json(*appointment.triage_id) : json(nullptr)},
          {"attach_summary", appointment.attach_summary},
          {"status", storage::appointment_status_name(appointment.status)},
          {"start", optional_time(appointment.start)},
          {"minutes", appointment.start ? json(appointment.minutes) : json(nullptr)},
          {"message", appointment.message},
          {"created_at", core::format_timestamp(appointment.created_at)},
          {"updated_at", core::format_timestamp(appointment.updated_at)}};
}

std::string appointment_list_body(const std::vector<Appointment>& appointments) {
  std::string out;
  out.reserve(64 + appointments.size() * 400);
  out += R"({"appointments":[)";
  for (std::size_t i = 0; i < appointments.size(); ++i) {
    if (i > 0) out += ',';
    append_appointment(out, appointments[i]);
  }
  out += "]}";
  return out;
}

Response handle_appointment_route(const AppointmentRouteContext& context, const Request& request,
                                  std::string_view path, std::string_view query) {
  if (path == kNotificationsPath) return notifications(context, request);
  auto caller = caller_account(context);
  if (!caller) return error_response(caller.error());
  if (path == kAppointmentsPath) return appointments(context, request, query, *caller);
  std::string_view rest = path.substr(kAppointmentsPath.size() + 1);
  if (rest.ends_with(kIcalSuffix)) {
    return calendar(context, request, rest.substr(0, rest.size() - kIcalSuffix.size()));
  }
  if (rest.ends_with(kNotesSuffix)) {
    return notes(context, request, rest.substr(0, rest.size() - kNotesSuffix.size()), *caller);
  }
  if (rest.ends_with(kSummaryPdfSuffix)) {
    return attached_summary(context, request,
                            rest.substr(0, rest.size() - kSummaryPdfSuffix.size()), *caller);
  }
  if (rest.find('/') != std::string_view::npos) return not_found();
  return one_appointment(context, request, rest, *caller);
}

}  // namespace hipcoach::server
