// Appointment requests through the Router, without sockets: a patient asks,
// staff see the queue and propose, confirm or decline, the patient is
// notified and downloads the confirmed appointment; every bad input and
// every attempt on another's appointment is refused and saves nothing.
#include "appointment_routes.h"

#include <gtest/gtest.h>

#include <string>

#include "api_fixture.h"

namespace hipcoach::server {
namespace {

using nlohmann::json;
using testing::kPassword;
using testing::Reply;

class AppointmentRoutes : public testing::ApiFixture {
 protected:
  // One day after the fixture's clock, as RFC 3339.
  static constexpr std::string_view kTomorrow = "2026-11-26T15:00:00Z";
  static constexpr std::string_view kYesterday = "2026-11-24T15:00:00Z";

  std::string staff(const std::string& email) { return sign_in_staff(email); }
  std::int64_t id_of(const std::string& email) { return store_.find_user_by_email(email)->id; }

  Reply patch(std::string target, const json& body, std::string token) {
    return call({.method = "PATCH",
                 .target = std::move(target),
                 .body = body.dump(),
                 .token = std::move(token)});
  }
  // Asks for an initial assessment; returns its id.
  std::int64_t request(const std::string& token, json extra = json::object()) {
    json body = {{"type", "initial-assessment"},
                 {"reason", "outer hip pain for three weeks"},
                 {"preferred", "weekday mornings"}};
    body.update(extra);
    const Reply reply = post("/api/v1/appointments", body, token);
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.body.value("id", std::int64_t{0});
  }
  std::string path(std::int64_t id) { return "/api/v1/appointments/" + std::to_string(id); }
  std::size_t stored() { return store_.list_appointment_queue(std::nullopt)->size(); }
};

TEST_F(AppointmentRoutes, APatientAsksAndSeesTheirRequest) {
  const std::string ana = sign_up("ana@example.org");
  const Reply made = post("/api/v1/appointments",
                          {{"type", "initial-assessment"},
                           {"reason", "outer hip pain"},
                           {"preferred", "mornings"},
                           {"earliest", kTomorrow},
                           {"attach_summary", true}},
                          ana);
  ASSERT_EQ(made.status, 201) << made.raw;
  EXPECT_EQ(made.header("Location"), path(made.body["id"].get<std::int64_t>()));
  EXPECT_EQ(made.body["status"], "requested");
  EXPECT_EQ(made.body["type"], "initial-assessment");
  EXPECT_EQ(made.body["earliest"], kTomorrow);
  EXPECT_EQ(made.body["urgency"], "none");
  EXPECT_EQ(made.body["attach_summary"], true);
  EXPECT_EQ(made.body["start"], nullptr);

  const Reply listed = get("/api/v1/appointments", ana);
  ASSERT_EQ(listed.status, 200) << listed.raw;
  ASSERT_EQ(listed.body["appointments"].size(), 1U);
  EXPECT_EQ(listed.body["appointments"][0]["reason"], "outer hip pain");
}

TEST_F(AppointmentRoutes, AnAttachedTriageSetsTheUrgencyAndStaffSeeUrgentFirst) {
  const std::string ana = sign_up("ana@example.org");
  const std::string ben = sign_up("ben@example.org");
  const std::string doc = staff("doc@clinic.example");
  const auto calm = request(ana);
  now_ += std::chrono::minutes{5};
  auto triage = store_.save_triage(
      {0, id_of("ben@example.org"), now_, R"({"a":1})", R"({"disposition":"urgent"})"});
  ASSERT_TRUE(triage);
  const auto urgent = request(ben, {{"triage_id", *triage}});

  const Reply queue = get("/api/v1/appointments", doc);
  ASSERT_EQ(queue.status, 200) << queue.raw;
  ASSERT_EQ(queue.body["appointments"].size(), 2U);
  EXPECT_EQ(queue.body["appointments"][0]["id"], urgent);
  EXPECT_EQ(queue.body["appointments"][0]["urgency"], "urgent");
  EXPECT_EQ(queue.body["appointments"][1]["id"], calm);
  // A patient sees only their own.
  EXPECT_EQ(get("/api/v1/appointments", ana).body["appointments"].size(), 1U);
  EXPECT_EQ(get("/api/v1/appointments?status=declined", doc).body["appointments"].size(), 0U);
  EXPECT_EQ(get("/api/v1/appointments?status=lost", doc).status, 400);
}

TEST_F(AppointmentRoutes, StaffSeeTheEmailOfWhoAskedWithoutAnAuditRow) {
  const std::string ana = sign_up("ana@example.org");
  const std::string doc = staff("doc@clinic.example");
  const auto id = request(ana);
  const Reply read = get(path(id), doc);
  ASSERT_EQ(read.status, 200) << read.raw;
  EXPECT_EQ(read.body["patient_email"], "ana@example.org");
  // Without an attachment the read shows no part of the record: nothing to audit.
  EXPECT_TRUE(store_.list_audit_for_patient(id_of("ana@example.org"))->empty());
  const Reply own = get(path(id), ana);
  ASSERT_EQ(own.status, 200) << own.raw;
  EXPECT_FALSE(own.body.contains("patient_email"));
}

TEST_F(AppointmentRoutes, StaffReadingAnAttachedTriageIsAudited) {
  const std::string ana = sign_up("ana@example.org");
  const std::string doc = staff("doc@clinic.example");
  auto triage = store_.save_triage(
      {0, id_of("ana@example.org"), now_, R"({"a":1})", R"({"disposition":"soon"})"});
  const auto id = request(ana, {{"triage_id", *triage}});
  const Reply read = get(path(id), doc);
  ASSERT_EQ(read.status, 200) << read.raw;
  EXPECT_EQ(read.body["triage"]["result"]["disposition"], "soon");
  auto audit = store_.list_audit_for_patient(id_of("ana@example.org"));
  ASSERT_EQ(audit->size(), 1U);
  EXPECT_EQ(audit->front().actor_id, id_of("doc@clinic.example"));
  EXPECT_EQ(audit->front().what, "triage");
  // The patient's own read is not an audit event.
  ASSERT_EQ(get(path(id), ana).status, 200);
  EXPECT_EQ(store_.list_audit_for_patient(id_of("ana@example.org"))->size(), 1U);
}

TEST_F(AppointmentRoutes, StaffSeeAnAttachedSummaryWithTheRequestAndEachReadIsAudited) {
  const std::string ana = sign_up("ana@example.org");
  const std::string doc = staff("doc@clinic.example");
  ASSERT_EQ(post("/api/v1/diary", {{"pain", 6}, {"context", "rest"}, {"side", "left"}}, ana).status,
            201);
  const auto id = request(ana, {{"attach_summary", true}});

  const Reply read = get(path(id), doc);
  ASSERT_EQ(read.status, 200) << read.raw;
  // The same JSON as the patient's own GET /api/v1/me/summary.
  EXPECT_EQ(read.body["summary"], get("/api/v1/me/summary", ana).body);
  EXPECT_EQ(read.body["summary"]["email"], "ana@example.org");
  EXPECT_EQ(read.body["summary"]["measures"][0]["latest"], 6);
  auto audit = store_.list_audit_for_patient(id_of("ana@example.org"));
  ASSERT_EQ(audit->size(), 1U);
  EXPECT_EQ(audit->front().actor_id, id_of("doc@clinic.example"));
  EXPECT_EQ(audit->front().action, "read");
  EXPECT_EQ(audit->front().what, "summary");
  EXPECT_EQ(audit->front().why, "appointment request");

  const Reply pdf = get(path(id) + "/summary.pdf", doc);
  ASSERT_EQ(pdf.status, 200) << pdf.raw;
  EXPECT_EQ(pdf.header("Content-Type"), "application/pdf");
  EXPECT_EQ(pdf.header("Cache-Control"), "no-store");
  EXPECT_EQ(pdf.raw.rfind("%PDF-", 0), 0U);
  EXPECT_EQ(store_.list_audit_for_patient(id_of("ana@example.org"))->size(), 2U);
  // The staff queue shows no summary and is not a read of it.
  EXPECT_FALSE(get("/api/v1/appointments", doc).body["appointments"][0].contains("summary"));
  EXPECT_EQ(store_.list_audit_for_patient(id_of("ana@example.org"))->size(), 2U);
}

TEST_F(AppointmentRoutes, WithoutAnAttachedSummaryOrAConsentStaffGetNoSummary) {
  const std::string ana = sign_up("ana@example.org");
  const std::string doc = staff("doc@clinic.example");
  const auto id = request(ana);

  const Reply read = get(path(id), doc);
  ASSERT_EQ(read.status, 200) << read.raw;
  EXPECT_FALSE(read.body.contains("summary")) << read.raw;
  const Reply pdf = get(path(id) + "/summary.pdf", doc);
  EXPECT_EQ(pdf.status, 404);
  EXPECT_EQ(pdf.raw, get(path(id + 100) + "/summary.pdf", doc).raw);
  EXPECT_EQ(pdf.raw, get(path(id + 100), doc).raw);
  EXPECT_EQ(store_.list_audit_for_patient(id_of("ana@example.org"))->size(), 0U);

  // A consent opens the PDF of the parts it covers, read for the request.
  ASSERT_EQ(post("/api/v1/consents", {{"parts", {"diary"}}, {"until", kTomorrow}}, ana).status,
            201);
  EXPECT_EQ(get(path(id) + "/summary.pdf", doc).status, 200);
  auto audit = store_.list_audit_for_patient(id_of("ana@example.org"));
  ASSERT_EQ(audit->size(), 1U);
  EXPECT_EQ(audit->front().what, "summary");
  // The JSON of the request still holds no summary: only an attached one goes there.
  EXPECT_FALSE(get(path(id), doc).body.contains("summary"));
}

TEST_F(AppointmentRoutes, ACancelledOrDeclinedRequestNoLongerOpensTheAttachedSummary) {
  const std::string ana = sign_up("ana@example.org");
  const std::string doc = staff("doc@clinic.example");
  const auto cancelled = request(ana, {{"attach_summary", true}});
  const auto declined = request(ana, {{"attach_summary", true}});
  ASSERT_EQ(del(path(cancelled), ana).status, 204);
  ASSERT_EQ(patch(path(declined), {{"action", "decline"}}, doc).status, 200);
  for (const auto id : {cancelled, declined}) {
    const Reply read = get(path(id), doc);
    ASSERT_EQ(read.status, 200) << read.raw;
    EXPECT_FALSE(read.body.contains("summary")) << id;
    EXPECT_EQ(get(path(id) + "/summary.pdf", doc).status, 404) << id;
  }
  EXPECT_TRUE(store_.list_audit_for_patient(id_of("ana@example.org"))->empty());
  // The patient still has their own.
  EXPECT_EQ(get(path(cancelled) + "/summary.pdf", ana).status, 200);
}

TEST_F(AppointmentRoutes, APatientGetsTheirOwnSummaryPdfAndAnotherPatientsIs404) {
  const std::string ana = sign_up("ana@example.org");
  const std::string ben = sign_up("ben@example.org");
  const auto id = request(ana, {{"attach_summary", true}});
  const Reply own = get(path(id) + "/summary.pdf", ana);
  ASSERT_EQ(own.status, 200) << own.raw;
  EXPECT_EQ(own.raw.rfind("%PDF-", 0), 0U);
  EXPECT_EQ(store_.list_audit_for_patient(id_of("ana@example.org"))->size(), 0U);
  // A patient never sees the summary in the JSON, not even their own.
  EXPECT_FALSE(get(path(id), ana).body.contains("summary"));

  const Reply theirs = get(path(id) + "/summary.pdf", ben);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.raw, get(path(id + 100) + "/summary.pdf", ben).raw);
  EXPECT_EQ(theirs.raw.find("ana@"), std::string::npos);
  for (const std::string tampered : {"0", "-1", "1x", "abc", "1%2Fsummary.pdf"}) {
    EXPECT_EQ(get("/api/v1/appointments/" + tampered + "/summary.pdf", ana).status, 404)
        << tampered;
  }
  EXPECT_EQ(call({.method = "POST", .target = path(id) + "/summary.pdf", .token = ana}).status,
            405);
  EXPECT_EQ(get(path(id) + "/summary.pdf", "").status, 401);
}

TEST_F(AppointmentRoutes, StaffWriteNotesOnlyStaffSeeAndEachIsAChangeInTheAudit) {
  const std::string ana = sign_up("ana@example.org");
  const std::string doc = staff("doc@clinic.example");
  const auto id = request(ana);

  const Reply first =
      post(path(id) + "/notes", {{"text", "Called: no answer.\nTry again Friday."}}, doc);
  ASSERT_EQ(first.status, 201) << first.raw;
  EXPECT_EQ(first.body["author"], json({{"email", "doc@clinic.example"}, {"role", "clinician"}}));
  EXPECT_EQ(first.body["text"], "Called: no answer.\nTry again Friday.");
  EXPECT_EQ(first.body["created_at"], "2026-11-25T15:00:00Z");
  now_ += std::chrono::minutes{10};
  const std::string longest(storage::kMaxAppointmentNoteBytes, 'n');
  ASSERT_EQ(post(path(id) + "/notes", {{"text", longest}}, doc).status, 201);

  const Reply staff_view = get(path(id), doc);
  ASSERT_EQ(staff_view.status, 200) << staff_view.raw;
  ASSERT_EQ(staff_view.body["notes"].size(), 2U) << staff_view.raw;
  EXPECT_EQ(staff_view.body["notes"][0], first.body);
  EXPECT_EQ(staff_view.body["notes"][1]["created_at"], "2026-11-25T15:10:00Z");
  EXPECT_EQ(get(path(id) + "/notes", doc).body["notes"], staff_view.body["notes"]);

  // Never shown to the patient, in any of their answers.
  for (const std::string& target : {path(id), std::string("/api/v1/appointments")}) {
    const Reply theirs = get(target, ana);
    ASSERT_EQ(theirs.status, 200) << theirs.raw;
    EXPECT_EQ(theirs.raw.find("Friday"), std::string::npos) << target;
    EXPECT_EQ(theirs.raw.find("notes"), std::string::npos) << target;
  }
  // Their audit log says that staff wrote on their request, not what.
  const Reply audit = get("/api/v1/me/audit", ana);
  ASSERT_EQ(audit.body["audit"].size(), 2U) << audit.raw;
  EXPECT_EQ(audit.body["audit"][0]["action"], "change");
  EXPECT_EQ(audit.body["audit"][0]["what"], "appointment_note");
  EXPECT_EQ(audit.body["audit"][0]["why"], "appointment request");
  EXPECT_EQ(audit.raw.find("Friday"), std::string::npos);
}

TEST_F(AppointmentRoutes, BadNotesAreRefusedWithWhereAndNothingIsSavedOrAudited) {
  const std::string ana = sign_up("ana@example.org");
  const std::string doc = staff("doc@clinic.example");
  const auto id = request(ana);
  const struct {
    std::string body;
    std::string where;
    std::string detail;
  } cases[] = {
      {R"([])", "/", "must be a JSON object"},
      {R"({})", "/text", "is required: the note, 1 to 2000 bytes"},
      {R"({"text": ""})", "/text", "is required: the note, 1 to 2000 bytes"},
      {R"({"text": " \n\t "})", "/text", "is required: the note, 1 to 2000 bytes"},
      {R"({"text": 7})", "/text", "must be a string"},
      {R"({"text": "bell\u0007"})", "/text",
       "must not hold control characters other than line breaks and tabs"},
      {json({{"text", std::string(storage::kMaxAppointmentNoteBytes + 1, 'n')}}).dump(), "/text",
       "must be at most 2000 bytes, got 2001"},
  };
  for (const auto& row : cases) {
    const Reply reply =
        call({.method = "POST", .target = path(id) + "/notes", .body = row.body, .token = doc});
    EXPECT_EQ(reply.status, 400) << row.body << reply.raw;
    EXPECT_EQ(reply.body["where"], row.where) << row.body;
    EXPECT_EQ(reply.body["detail"], row.detail) << row.body;
  }
  EXPECT_EQ(call({.method = "POST",
                  .target = path(id) + "/notes",
                  .body = "text=hello",
                  .token = doc,
                  .content_type = "application/x-www-form-urlencoded"})
                .status,
            415);
  EXPECT_TRUE(store_.list_appointment_notes(id)->empty());
  EXPECT_TRUE(store_.list_audit_for_patient(id_of("ana@example.org"))->empty());
}

TEST_F(AppointmentRoutes, APatientMayNotReadOrWriteNotesAndAMissingRequestIs404) {
  const std::string ana = sign_up("ana@example.org");
  const std::string ben = sign_up("ben@example.org");
  const std::string doc = staff("doc@clinic.example");
  const auto id = request(ana);
  ASSERT_EQ(post(path(id) + "/notes", {{"text", "staff only"}}, doc).status, 201);

  for (const std::string& token : {ana, ben}) {
    const Reply wrote = post(path(id) + "/notes", {{"text", "mine"}}, token);
    EXPECT_EQ(wrote.status, 403) << wrote.raw;
    EXPECT_EQ(wrote.body["where"], "role");
    const Reply read = get(path(id) + "/notes", token);
    EXPECT_EQ(read.status, 403) << read.raw;
    EXPECT_EQ(read.raw.find("staff only"), std::string::npos);
  }
  const Reply missing = post(path(id + 100) + "/notes", {{"text", "x"}}, doc);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.raw, get(path(id + 100), doc).raw);
  for (const std::string tampered : {"0", "-1", "1x", "abc"}) {
    EXPECT_EQ(post("/api/v1/appointments/" + tampered + "/notes", {{"text", "x"}}, doc).status, 404)
        << tampered;
  }
  // Append-only: no route changes or deletes a note.
  for (const std::string_view method : {"PUT", "PATCH", "DELETE"}) {
    const Reply reply = call({.method = method, .target = path(id) + "/notes", .token = doc});
    EXPECT_EQ(reply.status, 405) << method;
    EXPECT_EQ(reply.header("Allow"), "GET, HEAD, POST") << method;
  }
  EXPECT_EQ(store_.list_appointment_notes(id)->size(), 1U);
  EXPECT_EQ(get(path(id) + "/notes", "").status, 401);
}

TEST_F(AppointmentRoutes, FromRequestToConfirmedWithNotificationsAndACalendarFile) {
  const std::string ana = sign_up("ana@example.org");
  const std::string doc = staff("doc@clinic.example");
  const auto id = request(ana);
  const Reply proposed = patch(path(id), {{"action", "propose"}, {"start", kTomorrow}}, doc);
  ASSERT_EQ(proposed.status, 200) << proposed.raw;
  EXPECT_EQ(proposed.body["status"], "proposed");
  EXPECT_EQ(proposed.body["minutes"], 60);  // The type's length, from clinic.toml.
  const Reply confirmed =
      patch(path(id), {{"action", "confirm"}, {"message", "Bring shorts"}}, doc);
  ASSERT_EQ(confirmed.status, 200) << confirmed.raw;
  EXPECT_EQ(confirmed.body["status"], "confirmed");
  EXPECT_EQ(confirmed.body["start"], kTomorrow);

  EXPECT_EQ(get("/api/v1/appointments", ana).body["appointments"][0]["status"], "confirmed");
  // The sign-in answer says how many wait.
  const Reply signed_in =
      post("/api/v1/sessions", {{"email", "ana@example.org"}, {"password", kPassword}});
  ASSERT_EQ(signed_in.status, 201) << signed_in.raw;
  EXPECT_EQ(signed_in.body["notifications"], 2);
  const Reply notes = get("/api/v1/me/notifications", ana);
  ASSERT_EQ(notes.status, 200) << notes.raw;
  ASSERT_EQ(notes.body["notifications"].size(), 2U);
  // No health data: neither the reason nor the message.
  EXPECT_EQ(notes.raw.find("hip pain"), std::string::npos);
  EXPECT_EQ(notes.raw.find("shorts"), std::string::npos);
  EXPECT_EQ(get("/api/v1/me/notifications", ana).body["notifications"].size(), 0U);
  EXPECT_EQ(post("/api/v1/sessions", {{"email", "ana@example.org"}, {"password", kPassword}})
                .body["notifications"],
            0);

  const Reply ical = get(path(id) + "/ical", ana);
  ASSERT_EQ(ical.status, 200) << ical.raw;
  EXPECT_EQ(ical.header("Content-Type"), "text/calendar; charset=utf-8");
  EXPECT_TRUE(ical.raw.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")) << ical.raw;
  EXPECT_NE(ical.raw.find("BEGIN:VEVENT\r\n"), std::string::npos);
  EXPECT_NE(ical.raw.find("DTSTART:20261126T150000Z\r\n"), std::string::npos) << ical.raw;
  EXPECT_NE(ical.raw.find("DTEND:20261126T160000Z\r\n"), std::string::npos) << ical.raw;
  EXPECT_TRUE(ical.raw.ends_with("END:VCALENDAR\r\n"));
  EXPECT_EQ(ical.raw.find("hip pain"), std::string::npos);
}

TEST_F(AppointmentRoutes, TheCalendarFileIsOnlyForTheOwnersConfirmedAppointment) {
  const std::string ana = sign_up("ana@example.org");
  const std::string ben = sign_up("ben@example.org");
  const std::string doc = staff("doc@clinic.example");
  const auto id = request(ana);
  EXPECT_EQ(get(path(id) + "/ical", ana).status, 404);  // Not confirmed yet.
  ASSERT_EQ(patch(path(id), {{"action", "confirm"}, {"start", kTomorrow}}, doc).status, 200);
  EXPECT_EQ(get(path(id) + "/ical", ben).status, 404);
  EXPECT_EQ(get(path(id) + "/ical", doc).status, 404);
  EXPECT_EQ(get(path(id + 100) + "/ical", ana).status, 404);
  EXPECT_EQ(get("/api/v1/appointments/x1/ical", ana).status, 404);
}

TEST_F(AppointmentRoutes, DoubleBookingAConfirmedSlotIs409AndChangesNothing) {
  const std::string ana = sign_up("ana@example.org");
  const std::string ben = sign_up("ben@example.org");
  const std::string doc = staff("doc@clinic.example");
  const auto first = request(ana);
  const auto second = request(ben);
  ASSERT_EQ(patch(path(first), {{"action", "confirm"}, {"start", kTomorrow}}, doc).status, 200);
  const Reply clash =
      patch(path(second), {{"action", "confirm"}, {"start", "2026-11-26T15:30:00Z"}}, doc);
  EXPECT_EQ(clash.status, 409) << clash.raw;
  EXPECT_EQ(clash.body["detail"], "the time overlaps another confirmed appointment");
  EXPECT_EQ(get(path(second), ben).body["status"], "requested");
  EXPECT_EQ(get("/api/v1/me/notifications", ben).body["notifications"].size(), 0U);
}

TEST_F(AppointmentRoutes, StatusRulesAnswer409) {
  const std::string ana = sign_up("ana@example.org");
  const std::string doc = staff("doc@clinic.example");
  const auto id = request(ana);
  ASSERT_EQ(patch(path(id), {{"action", "decline"}, {"message", "Please call us"}}, doc).status,
            200);
  const Reply again = patch(path(id), {{"action", "propose"}, {"start", kTomorrow}}, doc);
  EXPECT_EQ(again.status, 409) << again.raw;
  EXPECT_EQ(again.body["where"], "/action");
  EXPECT_EQ(get(path(id), ana).body["status"], "declined");
}

TEST_F(AppointmentRoutes, APatientMayNotPatchButMayCancelTheirOwn) {
  const std::string ana = sign_up("ana@example.org");
  const std::string ben = sign_up("ben@example.org");
  const auto id = request(ana);
  const Reply refused = patch(path(id), {{"action", "confirm"}, {"start", kTomorrow}}, ana);
  EXPECT_EQ(refused.status, 403) << refused.raw;
  EXPECT_EQ(patch(path(id), {{"action", "cancel"}}, ben).status, 404);
  EXPECT_EQ(del(path(id), ben).status, 404);
  EXPECT_EQ(get(path(id), ben).status, 404);
  EXPECT_EQ(get(path(id), ana).body["status"], "requested");
  const Reply cancelled = patch(path(id), {{"action", "cancel"}}, ana);
  ASSERT_EQ(cancelled.status, 200) << cancelled.raw;
  EXPECT_EQ(cancelled.body["status"], "cancelled");
  const auto other = request(ana);
  EXPECT_EQ(del(path(other), ana).status, 204);
  EXPECT_EQ(get(path(other), ana).body["status"], "cancelled");
  EXPECT_EQ(del(path(other), ana).status, 409);
}

TEST_F(AppointmentRoutes, AnotherPatientsAppointmentOrATamperedIdIs404LikeAMissingOne) {
  const std::string ana = sign_up("ana@example.org");
  const std::string ben = sign_up("ben@example.org");
  const std::string doc = staff("doc@clinic.example");
  const auto id = request(ana);
  const Reply theirs = get(path(id), ben);
  const Reply missing = get(path(id + 100), ben);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(theirs.raw, missing.raw);
  for (const std::string tampered : {"0", "-1", "1x", "abc", "1%20", "99999999999999999999"}) {
    EXPECT_EQ(get("/api/v1/appointments/" + tampered, ana).status, 404) << tampered;
    EXPECT_EQ(patch("/api/v1/appointments/" + tampered,
                    {{"action", "propose"}, {"start", kTomorrow}}, doc)
                  .status,
              404)
        << tampered;
  }
  EXPECT_EQ(patch(path(id + 100), {{"action", "propose"}, {"start", kTomorrow}}, doc).status, 404);
}

TEST_F(AppointmentRoutes, BadRequestsAreRefusedWithWhereAndNothingIsSaved) {
  const std::string ana = sign_up("ana@example.org");
  const std::string ben = sign_up("ben@example.org");
  auto bens = store_.save_triage({0, id_of("ben@example.org"), now_, "{}", "{}"});
  const json base = {{"type", "initial-assessment"}, {"reason", "hip pain"}};
  struct Case {
    json change;
    int status;
    std::string where;
  };
  const Case cases[] = {
      {{{"type", "massage"}}, 400, "/type"},
      {{{"type", 7}}, 400, "/type"},
      {{{"reason", ""}}, 400, "/reason"},
      {{{"reason", std::string(storage::kMaxAppointmentReasonBytes + 1, 'x')}}, 400, "/reason"},
      {{{"preferred", std::string(storage::kMaxPreferredBytes + 1, 'x')}}, 400, "/preferred"},
      {{{"earliest", kYesterday}}, 400, "/earliest"},
      {{{"earliest", "next tuesday"}}, 400, "/earliest"},
      {{{"attach_summary", "yes"}}, 400, "/attach_summary"},
      {{{"triage_id", "1"}}, 400, "/triage_id"},
      {{{"triage_id", *bens}}, 404, "/triage_id"},
      {{{"triage_id", *bens + 100}}, 404, "/triage_id"},
  };
  for (const Case& c : cases) {
    json body = base;
    body.update(c.change);
    const Reply reply = post("/api/v1/appointments", body, ana);
    EXPECT_EQ(reply.status, c.status) << c.change << " " << reply.raw;
    EXPECT_EQ(reply.body.value("where", ""), c.where) << c.change;
  }
  EXPECT_EQ(post("/api/v1/appointments", json::array(), ana).status, 400);
  EXPECT_EQ(stored(), 0U);
  EXPECT_EQ(post("/api/v1/appointments", base, "").status, 401);
  EXPECT_EQ(stored(), 0U);
}

TEST_F(AppointmentRoutes, BadStaffChangesAreRefusedAndChangeNothing) {
  const std::string ana = sign_up("ana@example.org");
  const std::string doc = staff("doc@clinic.example");
  const auto id = request(ana);
  struct Case {
    json body;
    std::string where;
  };
  const Case cases[] = {
      {{{"action", "approve"}}, "/action"},
      {{{"action", "propose"}}, "/start"},
      {{{"action", "propose"}, {"start", kYesterday}}, "/start"},
      {{{"action", "propose"}, {"start", "tomorrow at ten"}}, "/start"},
      {{{"action", "confirm"}}, "/start"},
      {{{"action", "propose"}, {"start", kTomorrow}, {"minutes", 0}}, "/minutes"},
      {{{"action", "propose"}, {"start", kTomorrow}, {"minutes", 9999}}, "/minutes"},
      {{{"action", "decline"}, {"message", std::string(storage::kMaxStaffMessageBytes + 1, 'x')}},
       "/message"},
  };
  for (const Case& c : cases) {
    const Reply reply = patch(path(id), c.body, doc);
    EXPECT_EQ(reply.status, 400) << c.body << " " << reply.raw;
    EXPECT_EQ(reply.body.value("where", ""), c.where) << c.body;
  }
  const Reply unchanged = get(path(id), ana);
  EXPECT_EQ(unchanged.body["status"], "requested");
  EXPECT_EQ(unchanged.body["message"], "");
  EXPECT_EQ(get("/api/v1/me/notifications", ana).body["notifications"].size(), 0U);
}

TEST(AppointmentListBody, IsTheSameJsonAsEachAppointmentOnItsOwn) {
  storage::Appointment plain;
  plain.id = 1;
  plain.user_id = 2;
  plain.type_id = "follow-up";
  plain.reason = "pain";
  plain.created_at = std::chrono::sys_seconds{std::chrono::seconds{1'700'000'000}};
  plain.updated_at = plain.created_at;
  storage::Appointment tricky = plain;
  tricky.id = 3;
  tricky.reason = "a \"quote\", a \\ backslash,\na newline, \x01 and caf\u00e9 \xe2\x9c\x93";
  tricky.preferred = "tab\there";
  tricky.message = "\x1f";
  tricky.earliest = plain.created_at + std::chrono::hours{24};
  tricky.triage_id = 9;
  tricky.attach_summary = true;
  tricky.status = storage::AppointmentStatus::kProposed;
  tricky.start = plain.created_at + std::chrono::hours{48};
  tricky.minutes = 30;
  tricky.urgency = storage::AppointmentUrgency::kSelfCare;
  const json expected = {{"appointments", {appointment_json(plain), appointment_json(tricky)}}};
  const json written = json::parse(appointment_list_body({plain, tricky}), nullptr, false);
  EXPECT_EQ(written, expected);
  EXPECT_EQ(json::parse(appointment_list_body({})), json({{"appointments", json::array()}}));
}

}  // namespace
}  // namespace hipcoach::server
