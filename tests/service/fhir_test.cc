#include "hipcoach/service/fhir.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "../storage/test_store.h"
#include "fhir_validator.h"
#include "hipcoach/core/questionnaire.h"
#include "hipcoach/service/records.h"
#include "hipcoach/storage/memory_store.h"
#include "records_fixture.h"

namespace hipcoach::service {
namespace {

using nlohmann::json;

using testing::shipped_protocol;
using testing::utc;
using testing::validate_fhir_bundle;

std::string problems_text(const std::vector<std::string>& problems) {
  std::string text;
  for (const std::string& problem : problems) text += problem + "\n";
  return text;
}

class FhirExport : public ::testing::Test {
 protected:
  void SetUp() override {
    user_ = add_user("pat@example.org");
    other_ = add_user("other@example.org");
  }

  storage::User add_user(const std::string& email) {
    storage::User user;
    user.email = email;
    user.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$c2VjcmV0aGFzaA";
    user.created_at = utc("2026-10-01T00:00:00Z");
    auto created = store_.create_user(user);
    EXPECT_TRUE(created.has_value());
    return created ? *created : user;
  }

  void add_entry(std::int64_t user_id, const json& body) {
    auto entry = diary_entry_from_json(body, user_id, now_);
    ASSERT_TRUE(entry.has_value()) << entry.error().to_string();
    ASSERT_TRUE(store_.add_diary_entry(*entry).has_value());
  }

  void add_response(std::int64_t user_id, const std::string& questionnaire_id, const json& body) {
    const core::Questionnaire* questionnaire =
        core::find_questionnaire(shipped_protocol(), questionnaire_id);
    ASSERT_NE(questionnaire, nullptr) << questionnaire_id;
    auto scored = questionnaire_response_from_json(*questionnaire, body, user_id, now_);
    ASSERT_TRUE(scored.has_value()) << scored.error().to_string();
    ASSERT_TRUE(store_.add_questionnaire_response(scored->record).has_value());
  }

  // Every LEFS item answered with `value`.
  json lefs_answers(int value) {
    json answers = json::array();
    for (const auto& item : core::find_questionnaire(shipped_protocol(), "lefs")->items) {
      answers.push_back({{"item", item.id}, {"value", value}});
    }
    return answers;
  }

  void add_session(std::int64_t user_id, const std::string& started, const std::string& ended,
                   std::optional<int> before, std::optional<int> after,
                   const std::string& outcome) {
    storage::GuidedSessionRecord session;
    session.user_id = user_id;
    session.started_at = utc(started);
    session.ended_at = utc(ended);
    session.pain_before = before;
    session.pain_after = after;
    session.record_json = json{
        {"outcome", outcome},
        {"sides", {"left"}},
        {"groups", {"gluteus-medius-minimus"}},
        {"points",
         json::array()}}.dump();
    ASSERT_TRUE(store_.add_guided_session(session).has_value());
  }

  // An appointment request of `user_id`, moved on to `status` through the
  // store's own transitions; returns its id.
  std::int64_t add_appointment(std::int64_t user_id, storage::AppointmentStatus status,
                               const std::string& type = "initial-assessment",
                               std::chrono::hours later = std::chrono::hours{0}) {
    storage::Appointment appointment;
    appointment.user_id = user_id;
    appointment.type_id = type;
    appointment.reason = "outer hip pain for ten weeks";
    appointment.earliest = utc("2026-12-01T00:00:00Z");
    appointment.created_at = utc("2026-11-24T10:00:00Z");
    auto id = store_.add_appointment(appointment);
    EXPECT_TRUE(id.has_value()) << id.error().to_string();
    if (!id) return 0;
    const auto move = [&](storage::AppointmentStatus to, std::optional<int> minutes) {
      storage::AppointmentChange change;
      change.appointment_id = *id;
      change.status = to;
      if (minutes) {
        change.start = utc("2026-12-02T15:00:00Z") + later;
        change.minutes = *minutes;
      }
      change.message = "Please bring your shoes.";
      change.at = utc("2026-11-25T09:00:00Z");
      auto changed = store_.change_appointment(change);
      EXPECT_TRUE(changed.has_value()) << changed.error().to_string();
    };
    using storage::AppointmentStatus;
    if (status == AppointmentStatus::kProposed || status == AppointmentStatus::kConfirmed) {
      move(AppointmentStatus::kProposed, 45);
    }
    if (status == AppointmentStatus::kConfirmed) move(AppointmentStatus::kConfirmed, std::nullopt);
    if (status == AppointmentStatus::kDeclined) move(AppointmentStatus::kDeclined, std::nullopt);
    if (status == AppointmentStatus::kCancelled) move(AppointmentStatus::kCancelled, std::nullopt);
    return *id;
  }

  std::int64_t add_consent(std::int64_t user_id, std::uint8_t parts, const std::string& created,
                           const std::string& until) {
    storage::Consent consent;
    consent.user_id = user_id;
    consent.parts = parts;
    consent.created_at = utc(created);
    consent.until = utc(until);
    auto id = store_.add_consent(consent);
    EXPECT_TRUE(id.has_value()) << id.error().to_string();
    return id ? *id : 0;
  }

  // A record with some of everything.
  void add_full_record(std::int64_t user_id) {
    add_entry(user_id, {{"pain", 6},
                        {"context", "activity"},
                        {"side", "left"},
                        {"note", "after the long walk"},
                        {"at", "2026-11-20T08:30:00-06:00"}});
    add_entry(user_id,
              {{"pain", 3}, {"context", "rest"}, {"side", "both"}, {"at", "2026-11-24T21:00:00Z"}});
    add_response(
        user_id, "nprs",
        {{"answers", {{{"item", "pain"}, {"value", 5}}}}, {"at", "2026-11-21T09:00:00+01:00"}});
    add_response(user_id, "psfs",
                 {{"answers",
                   {{{"text", "stairs"}, {"value", 4}},
                    {{"text", "getting out of the car"}, {"value", 6}},
                    {{"text", "sleeping on my side"}, {"value", 2}}}},
                  {"at", "2026-11-21T09:05:00+01:00"}});
    add_response(user_id, "lefs", {{"answers", lefs_answers(3)}, {"at", "2026-11-22T10:00:00Z"}});
    add_response(
        user_id, "nprs",
        {{"answers", {{{"item", "pain"}, {"value", 4}}}}, {"at", "2026-11-23T09:00:00+01:00"}});
    add_session(user_id, "2026-11-22T18:00:00Z", "2026-11-22T18:12:00Z", 6, 4, "finished");
    add_session(user_id, "2026-11-23T18:00:00Z", "2026-11-23T18:03:00Z", 5, std::nullopt,
                "stopped");
    // Confirmed times may not overlap, whoever's they are.
    add_appointment(user_id, storage::AppointmentStatus::kConfirmed, "initial-assessment",
                    std::chrono::hours{24 * user_id});
    add_appointment(user_id, storage::AppointmentStatus::kRequested, "follow-up");
    add_consent(user_id, storage::kAllRecordParts, "2026-11-20T00:00:00Z", "2026-12-20T00:00:00Z");
  }

  json bundle(const storage::User& user) {
    auto exported = export_fhir(shipped_protocol(), store_, user, now_);
    EXPECT_TRUE(exported.has_value()) << exported.error().to_string();
    return exported ? *exported : json();
  }

  // The resources of `type` in `bundle`, in order.
  static std::vector<json> resources(const json& bundle, const std::string& type) {
    std::vector<json> found;
    for (const json& entry : bundle["entry"]) {
      if (entry["resource"]["resourceType"] == type) found.push_back(entry["resource"]);
    }
    return found;
  }

  static std::string patient_url(const json& bundle) {
    return bundle["entry"][0]["fullUrl"].get<std::string>();
  }

  storage::MemoryStore store_;
  storage::User user_;
  storage::User other_;
  std::chrono::sys_seconds now_ = utc("2026-11-25T15:00:00Z");
};

TEST_F(FhirExport, AFullRecordFollowsTheStructureRulesOfFhirR4) {
  add_full_record(user_.id);
  const json exported = bundle(user_);
  EXPECT_EQ(problems_text(validate_fhir_bundle(exported)), "") << exported.dump(2);
  EXPECT_EQ(exported["type"], "collection");
  EXPECT_EQ(exported["timestamp"], "2026-11-25T15:00:00Z");
  EXPECT_EQ(resources(exported, "Patient").size(), 1U);
  // Two diary entries and three session ratings.
  EXPECT_EQ(resources(exported, "Observation").size(), 5U);
  EXPECT_EQ(resources(exported, "Questionnaire").size(), 3U);
  EXPECT_EQ(resources(exported, "QuestionnaireResponse").size(), 4U);
  EXPECT_EQ(resources(exported, "Procedure").size(), 2U);
  EXPECT_EQ(resources(exported, "Appointment").size(), 2U);
  EXPECT_EQ(resources(exported, "Consent").size(), 1U);
}

TEST_F(FhirExport, AnEmptyRecordIsAValidBundleWithOnlyThePatient) {
  const json exported = bundle(user_);
  EXPECT_EQ(problems_text(validate_fhir_bundle(exported)), "") << exported.dump(2);
  ASSERT_EQ(exported["entry"].size(), 1U) << exported.dump(2);
  const json& patient = exported["entry"][0]["resource"];
  EXPECT_EQ(patient["resourceType"], "Patient");
  EXPECT_EQ(patient["telecom"],
            json::parse(R"([{"system": "email", "value": "pat@example.org"}])"));
  EXPECT_FALSE(patient.contains("name"));
}

TEST_F(FhirExport, AnotherUsersRecordsNeverAppear) {
  add_full_record(other_.id);
  add_entry(other_.id, {{"pain", 9},
                        {"context", "rest"},
                        {"side", "right"},
                        {"note", "only-the-other-person-wrote-this"}});
  add_entry(user_.id, {{"pain", 2}, {"context", "rest"}, {"side", "left"}});
  const json exported = bundle(user_);
  EXPECT_EQ(exported["entry"].size(), 2U) << exported.dump(2);
  EXPECT_EQ(exported.dump().find("only-the-other-person"), std::string::npos);
  EXPECT_EQ(exported.dump().find("other@example.org"), std::string::npos);
  EXPECT_EQ(exported.dump().find("stairs"), std::string::npos);
  EXPECT_EQ(problems_text(validate_fhir_bundle(exported)), "");
}

TEST_F(FhirExport, ADiaryEntryIsAPainObservationWithItsLoincCode) {
  add_entry(user_.id, {{"pain", 6},
                       {"context", "activity"},
                       {"side", "left"},
                       {"region", "outer_thigh"},
                       {"note", "after the long walk"},
                       {"at", "2026-11-20T08:30:00-06:00"}});
  const json exported = bundle(user_);
  const std::vector<json> observations = resources(exported, "Observation");
  ASSERT_EQ(observations.size(), 1U) << exported.dump(2);
  const json& observation = observations[0];
  EXPECT_EQ(observation["status"], "final");
  EXPECT_EQ(observation["category"][0]["coding"][0],
            json({{"system", "http://terminology.hl7.org/CodeSystem/observation-category"},
                  {"code", "survey"},
                  {"display", "Survey"}}));
  EXPECT_EQ(observation["code"]["coding"][0],
            json({{"system", "http://loinc.org"},
                  {"code", "72514-3"},
                  {"display", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"}}));
  EXPECT_EQ(observation["subject"]["reference"], patient_url(exported));
  EXPECT_EQ(observation["effectiveDateTime"], "2026-11-20T08:30:00-06:00");
  EXPECT_EQ(observation["valueQuantity"], json({{"value", 6},
                                                {"unit", "{score}"},
                                                {"system", "http://unitsofmeasure.org"},
                                                {"code", "{score}"}}));
  EXPECT_EQ(observation["bodySite"], json({{"text", "outer thigh, left"}}));
  EXPECT_FALSE(observation["bodySite"].contains("coding"));
  EXPECT_EQ(observation["component"][0]["valueString"], "during activity");
  EXPECT_EQ(observation["note"][0]["text"], "after the long walk");
}

TEST_F(FhirExport, EffectiveTimeIsAFhirDateTimeAtTheOffsetTheEntryWasGivenWith) {
  add_entry(user_.id, {{"pain", 4},
                       {"context", "rest"},
                       {"side", "both"},
                       {"at", "2026-11-20t08:30:00.250+05:30"}});
  const json exported = bundle(user_);
  EXPECT_EQ(resources(exported, "Observation")[0]["effectiveDateTime"],
            "2026-11-20T08:30:00+05:30");
  EXPECT_EQ(problems_text(validate_fhir_bundle(exported)), "");
}

TEST_F(FhirExport, AnOffsetBeyondWhatFhirAllowsIsWrittenInUtc) {
  storage::DiaryEntry entry;
  entry.user_id = user_.id;
  entry.pain = 4;
  entry.at = "2026-11-20T08:30:00+15:00";
  entry.at_utc = utc("2026-11-19T17:30:00Z");
  ASSERT_TRUE(store_.add_diary_entry(entry).has_value());
  const json exported = bundle(user_);
  EXPECT_EQ(resources(exported, "Observation")[0]["effectiveDateTime"], "2026-11-19T17:30:00Z");
  EXPECT_EQ(problems_text(validate_fhir_bundle(exported)), "");
}

TEST_F(FhirExport, AResponseNamesItsQuestionnaireWhichIsInTheBundleOnce) {
  add_full_record(user_.id);
  const json exported = bundle(user_);
  const std::vector<json> questionnaires = resources(exported, "Questionnaire");
  ASSERT_EQ(questionnaires.size(), 3U);
  EXPECT_EQ(questionnaires[0]["name"], "NPRS");
  EXPECT_EQ(questionnaires[0]["title"], "Numeric Pain Rating Scale (NPRS)");
  EXPECT_EQ(questionnaires[0]["status"], "active");
  EXPECT_EQ(questionnaires[0]["item"][0]["linkId"], "pain");
  EXPECT_EQ(questionnaires[0]["item"][0]["type"], "integer");
  EXPECT_EQ(questionnaires[2]["item"].size(), 20U);
  const json nprs = resources(exported, "QuestionnaireResponse")[0];
  EXPECT_EQ(nprs["questionnaire"], questionnaires[0]["url"]);
  EXPECT_EQ(nprs["status"], "completed");
  EXPECT_EQ(nprs["subject"]["reference"], patient_url(exported));
  EXPECT_EQ(nprs["authored"], "2026-11-21T09:00:00+01:00");
  EXPECT_EQ(nprs["item"], json::parse(R"([{"linkId": "pain", "text": "Your hip pain right now",
                                           "answer": [{"valueInteger": 5}]}])"));
}

TEST_F(FhirExport, PsfsActivitiesAreARepeatingGroupOfNameAndRating) {
  add_response(user_.id, "psfs",
               {{"answers",
                 {{{"text", "stairs"}, {"value", 4}},
                  {{"text", "getting out of the car"}, {"value", 6}},
                  {{"text", "sleeping on my side"}, {"value", 2}}}}});
  const json exported = bundle(user_);
  const json questionnaire = resources(exported, "Questionnaire")[0];
  EXPECT_EQ(questionnaire["item"][0]["type"], "group");
  EXPECT_EQ(questionnaire["item"][0]["repeats"], true);
  const json response = resources(exported, "QuestionnaireResponse")[0];
  ASSERT_EQ(response["item"].size(), 3U) << response.dump(2);
  EXPECT_EQ(response["item"][1]["linkId"], "activity");
  EXPECT_EQ(response["item"][1]["item"][0]["answer"][0]["valueString"], "getting out of the car");
  EXPECT_EQ(response["item"][1]["item"][1]["answer"][0]["valueInteger"], 6);
  EXPECT_EQ(problems_text(validate_fhir_bundle(exported)), "");
}

TEST_F(FhirExport, AGuidedSessionIsAProcedureWithItsPainBeforeAndAfterAsPartOfIt) {
  add_session(user_.id, "2026-11-22T18:00:00Z", "2026-11-22T18:12:00Z", 6, 4, "finished");
  const json exported = bundle(user_);
  ASSERT_EQ(exported["entry"].size(), 4U) << exported.dump(2);
  const json& procedure_entry = exported["entry"][1];
  const json& procedure = procedure_entry["resource"];
  EXPECT_EQ(procedure["resourceType"], "Procedure");
  EXPECT_EQ(procedure["status"], "completed");
  EXPECT_EQ(procedure["performedPeriod"],
            json({{"start", "2026-11-22T18:00:00Z"}, {"end", "2026-11-22T18:12:00Z"}}));
  EXPECT_EQ(procedure["performer"][0]["actor"]["reference"], patient_url(exported));
  EXPECT_EQ(procedure["bodySite"][0]["text"].get<std::string>().find("Gluteus"), 0U)
      << procedure.dump(2);
  const json& before = exported["entry"][2]["resource"];
  const json& after = exported["entry"][3]["resource"];
  EXPECT_EQ(before["effectiveDateTime"], "2026-11-22T18:00:00Z");
  EXPECT_EQ(before["valueQuantity"]["value"], 6);
  EXPECT_EQ(after["effectiveDateTime"], "2026-11-22T18:12:00Z");
  EXPECT_EQ(after["valueQuantity"]["value"], 4);
  EXPECT_EQ(before["partOf"][0]["reference"], procedure_entry["fullUrl"]);
  EXPECT_EQ(after["code"]["coding"][0]["code"], "72514-3");
}

TEST_F(FhirExport, ASessionEndedByAStopRuleIsAStoppedProcedureWithoutAMissingRating) {
  add_session(user_.id, "2026-11-23T18:00:00Z", "2026-11-23T18:03:00Z", 5, std::nullopt, "stopped");
  const json exported = bundle(user_);
  ASSERT_EQ(exported["entry"].size(), 3U) << exported.dump(2);
  EXPECT_EQ(exported["entry"][1]["resource"]["status"], "stopped");
  EXPECT_TRUE(exported["entry"][1]["resource"].contains("statusReason"));
  EXPECT_EQ(problems_text(validate_fhir_bundle(exported)), "");
}

TEST_F(FhirExport, TheSameRecordHasTheSameFullUrlInEveryExportAndOnlyThere) {
  add_full_record(user_.id);
  add_full_record(other_.id);
  const json first = bundle(user_);
  now_ += std::chrono::hours{24};
  const json second = bundle(user_);
  const json others = bundle(other_);
  ASSERT_EQ(first["entry"].size(), second["entry"].size());
  for (std::size_t i = 0; i < first["entry"].size(); ++i) {
    EXPECT_EQ(first["entry"][i]["fullUrl"], second["entry"][i]["fullUrl"]) << i;
  }
  // The questionnaires are the same for everyone; the records are not.
  for (std::size_t i = 0; i < others["entry"].size(); ++i) {
    const json& entry = others["entry"][i];
    if (entry["resource"]["resourceType"] == "Questionnaire") continue;
    EXPECT_NE(entry["fullUrl"], first["entry"][i]["fullUrl"]) << i;
  }
}

TEST_F(FhirExport, AResponseToAQuestionnaireNoLongerInTheDataOrWithDamagedAnswersIsStillValid) {
  storage::QuestionnaireResponse response;
  response.user_id = user_.id;
  response.questionnaire_id = "retired-scale";
  response.at = "2026-11-20T08:30:00Z";
  response.at_utc = utc(response.at);
  response.answers_json = R"([{"item": "q1", "value": 3}, {"item": "q2", "value": "x"}])";
  ASSERT_TRUE(store_.add_questionnaire_response(response).has_value());
  response.questionnaire_id = "nprs";
  response.answers_json = "not json";
  ASSERT_TRUE(store_.add_questionnaire_response(response).has_value());
  const json exported = bundle(user_);
  EXPECT_EQ(problems_text(validate_fhir_bundle(exported)), "") << exported.dump(2);
  const std::vector<json> responses = resources(exported, "QuestionnaireResponse");
  ASSERT_EQ(responses.size(), 2U);
  EXPECT_FALSE(responses[0].contains("questionnaire"));
  EXPECT_EQ(responses[0]["item"],
            json::parse(R"([{"linkId": "q1", "answer": [{"valueInteger": 3}]}])"));
  EXPECT_FALSE(responses[1].contains("item"));
}

TEST_F(FhirExport, AFailingStoreIsAnErrorAndNoBundle) {
  add_full_record(user_.id);
  // The reads: the diary, the questionnaire responses, the guided sessions,
  // the appointments, the consents.
  for (int call = 1; call <= 5; ++call) {
    storage::testing::FailingStore failing(store_, call);
    auto exported = export_fhir(shipped_protocol(), failing, user_, now_);
    ASSERT_FALSE(exported.has_value()) << "call " << call;
    EXPECT_EQ(exported.error().code(), core::ErrorCode::kUnavailable) << "call " << call;
  }
}

TEST_F(FhirExport, EachAppointmentRequestIsAnAppointmentWithItsStatusMappedToFhirs) {
  using storage::AppointmentStatus;
  const struct {
    AppointmentStatus ours;
    std::string fhir;
    std::string participant;
    bool timed;
  } rows[] = {
      {AppointmentStatus::kRequested, "proposed", "accepted", false},
      {AppointmentStatus::kProposed, "pending", "needs-action", true},
      {AppointmentStatus::kConfirmed, "booked", "accepted", true},
      {AppointmentStatus::kDeclined, "cancelled", "accepted", false},
      {AppointmentStatus::kCancelled, "cancelled", "declined", false},
  };
  for (const auto& row : rows) {
    // A patient of its own for each row, so that each Bundle holds one Appointment.
    const storage::User patient = add_user(row.fhir + row.participant + "@example.org");
    add_appointment(patient.id, row.ours);
    const json exported = bundle(patient);
    EXPECT_EQ(problems_text(validate_fhir_bundle(exported)), "") << row.fhir << exported.dump(2);
    const std::vector<json> appointments = resources(exported, "Appointment");
    ASSERT_EQ(appointments.size(), 1U) << row.fhir;
    const json& appointment = appointments[0];
    EXPECT_EQ(appointment["status"], row.fhir);
    EXPECT_EQ(appointment["participant"],
              json::array({{{"actor", {{"reference", patient_url(exported)}}},
                            {"required", "required"},
                            {"status", row.participant}}}))
        << row.fhir;
    EXPECT_EQ(appointment["serviceType"], json::parse(R"([{"text": "Initial assessment"}])"));
    EXPECT_EQ(appointment["description"], "outer hip pain for ten weeks");
    EXPECT_EQ(appointment["created"], "2026-11-24T10:00:00Z");
    EXPECT_EQ(appointment["requestedPeriod"],
              json::parse(R"([{"start": "2026-12-01T00:00:00Z"}])"));
    EXPECT_EQ(appointment.contains("cancelationReason"), row.fhir == "cancelled") << row.fhir;
    if (row.timed) {
      EXPECT_EQ(appointment["start"], "2026-12-02T15:00:00Z");
      EXPECT_EQ(appointment["end"], "2026-12-02T15:45:00Z");
      EXPECT_EQ(appointment["minutesDuration"], 45);
      EXPECT_EQ(appointment["patientInstruction"], "Please bring your shoes.");
    } else if (row.ours == AppointmentStatus::kRequested) {
      EXPECT_FALSE(appointment.contains("start"));
      EXPECT_FALSE(appointment.contains("end"));
    }
  }
}

TEST_F(FhirExport, AnAppointmentOfATypeNoLongerOfferedNamesItsTypeId) {
  add_appointment(user_.id, storage::AppointmentStatus::kRequested, "home-visit");
  const json exported = bundle(user_);
  EXPECT_EQ(resources(exported, "Appointment")[0]["serviceType"][0]["text"], "home-visit");
  EXPECT_EQ(problems_text(validate_fhir_bundle(exported)), "");
}

TEST_F(FhirExport, EachConsentIsAPrivacyConsentWithItsPartsAndPeriod) {
  add_consent(user_.id,
              static_cast<std::uint8_t>(storage::RecordPart::kDiary) |
                  static_cast<std::uint8_t>(storage::RecordPart::kTriage),
              "2026-11-20T00:00:00Z", "2026-12-20T00:00:00Z");
  const json exported = bundle(user_);
  EXPECT_EQ(problems_text(validate_fhir_bundle(exported)), "") << exported.dump(2);
  const std::vector<json> consents = resources(exported, "Consent");
  ASSERT_EQ(consents.size(), 1U);
  const json& consent = consents[0];
  EXPECT_EQ(consent["status"], "active");
  EXPECT_EQ(consent["scope"]["coding"][0]["system"],
            "http://terminology.hl7.org/CodeSystem/consentscope");
  EXPECT_EQ(consent["scope"]["coding"][0]["code"], "patient-privacy");
  EXPECT_EQ(
      consent["category"][0]["coding"][0],
      json({{"system", "http://loinc.org"}, {"code", "59284-0"}, {"display", "Patient Consent"}}));
  EXPECT_EQ(consent["patient"]["reference"], patient_url(exported));
  EXPECT_EQ(consent["dateTime"], "2026-11-20T00:00:00Z");
  EXPECT_TRUE(consent.contains("policyRule"));
  const json& provision = consent["provision"];
  EXPECT_EQ(provision["type"], "permit");
  EXPECT_EQ(provision["period"],
            json({{"start", "2026-11-20T00:00:00Z"}, {"end", "2026-12-20T00:00:00Z"}}));
  EXPECT_EQ(provision["code"], json::parse(R"([{"text": "diary"}, {"text": "triage"}])"));
  ASSERT_EQ(provision["class"].size(), 1U);
  EXPECT_EQ(provision["class"][0]["code"], "Observation");
}

TEST_F(FhirExport, ARevokedOrExpiredConsentIsInactiveAndARevokedOneEndsWhenRevoked) {
  const std::int64_t revoked = add_consent(user_.id, storage::kAllRecordParts,
                                           "2026-11-01T00:00:00Z", "2026-12-20T00:00:00Z");
  ASSERT_TRUE(store_.revoke_consent(user_.id, revoked, utc("2026-11-10T12:00:00Z")).has_value());
  add_consent(user_.id, storage::kAllRecordParts, "2026-10-01T00:00:00Z", "2026-10-31T00:00:00Z");
  const json exported = bundle(user_);
  EXPECT_EQ(problems_text(validate_fhir_bundle(exported)), "") << exported.dump(2);
  const std::vector<json> consents = resources(exported, "Consent");
  ASSERT_EQ(consents.size(), 2U);
  EXPECT_EQ(consents[0]["status"], "inactive");
  EXPECT_EQ(consents[0]["provision"]["period"]["end"], "2026-11-10T12:00:00Z");
  EXPECT_EQ(consents[1]["status"], "inactive");
  EXPECT_EQ(consents[1]["provision"]["period"]["end"], "2026-10-31T00:00:00Z");
}

TEST_F(FhirExport, AnotherPatientsAppointmentsAndConsentsNeverAppear) {
  add_appointment(other_.id, storage::AppointmentStatus::kConfirmed);
  add_consent(other_.id, storage::kAllRecordParts, "2026-11-20T00:00:00Z", "2026-12-20T00:00:00Z");
  const json exported = bundle(user_);
  EXPECT_EQ(resources(exported, "Appointment").size(), 0U);
  EXPECT_EQ(resources(exported, "Consent").size(), 0U);
}

TEST(FhirUuid, IsAVersion8UuidDerivedFromTheName) {
  const std::string uuid = fhir_uuid("hipcoach/Patient/1/1");
  EXPECT_TRUE(std::regex_match(
      uuid, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << uuid;
  EXPECT_EQ(uuid, fhir_uuid("hipcoach/Patient/1/1"));
  EXPECT_NE(uuid, fhir_uuid("hipcoach/Patient/2/2"));
}

// The checker itself: each row breaks one rule in a valid Bundle and expects
// the checker to say so at the right place.
class FhirValidatorTest : public FhirExport {};

TEST_F(FhirValidatorTest, FindsEachBrokenRule) {
  add_full_record(user_.id);
  const json valid = bundle(user_);
  ASSERT_EQ(problems_text(validate_fhir_bundle(valid)), "");
  // Entries: 0 Patient, 1-2 diary Observations, 3-5 Questionnaires, 6-9 responses, 10 Procedure,
  // 11-12 its pain Observations, 13 the stopped Procedure, 14 its pain before, 15 the requested
  // Appointment (newest first), 16 the booked one, 17 the Consent.
  struct Row {
    std::string rule;
    std::function<void(json&)> change;
    std::string expected;  // A part of one problem.
  };
  const std::vector<Row> rows = {
      {"Bundle.type is required", [](json& b) { b.erase("type"); }, "Bundle.type: is required"},
      {"Bundle.type is a code of its value set", [](json& b) { b["type"] = "bag"; },
       "Bundle.type: must be a code"},
      {"timestamp is an instant", [](json& b) { b["timestamp"] = "2026-11-25"; },
       "Bundle.timestamp: must be a FHIR instant"},
      {"fullUrls are unique", [](json& b) { b["entry"][2]["fullUrl"] = b["entry"][1]["fullUrl"]; },
       "(bdl-7)"},
      {"Observation.status is required", [](json& b) { b["entry"][1]["resource"].erase("status"); },
       "Bundle.entry[1].resource.status: is required"},
      {"Observation.status is a code of its value set",
       [](json& b) { b["entry"][1]["resource"]["status"] = "done"; },
       "Bundle.entry[1].resource.status: must be a code"},
      {"Observation.code is required", [](json& b) { b["entry"][1]["resource"].erase("code"); },
       "Bundle.entry[1].resource.code: is required"},
      {"a reference resolves inside the Bundle",
       [](json& b) { b["entry"][1]["resource"]["subject"]["reference"] = "Patient/1"; },
       "subject.reference: does not resolve"},
      {"a reference points to an allowed type",
       [](json& b) {
         b["entry"][1]["resource"]["subject"]["reference"] = b["entry"][3]["fullUrl"];
       },
       "points to a Questionnaire"},
      {"a code system is an absolute URI",
       [](json& b) { b["entry"][1]["resource"]["code"]["coding"][0]["system"] = "loinc"; },
       "coding[0].system: must be an absolute URI"},
      {"dateTime has FHIR's format",
       [](json& b) { b["entry"][1]["resource"]["effectiveDateTime"] = "2026-11-20 08:30"; },
       "effectiveDateTime: must be a FHIR dateTime"},
      {"an unknown element is refused",
       [](json& b) { b["entry"][1]["resource"]["effectiveDatetime"] = "2026-11-20"; },
       "effectiveDatetime: is not an element"},
      {"a 0..* element is an array",
       [](json& b) {
         b["entry"][1]["resource"]["category"] = b["entry"][1]["resource"]["category"][0];
       },
       "category: has cardinality 0..*"},
      {"no empty strings", [](json& b) { b["entry"][1]["resource"]["note"][0]["text"] = ""; },
       "non-whitespace"},
      {"QuestionnaireResponse.status is required",
       [](json& b) { b["entry"][6]["resource"].erase("status"); },
       "Bundle.entry[6].resource.status: is required"},
      {"a response names a Questionnaire in the Bundle",
       [](json& b) { b["entry"][6]["resource"]["questionnaire"] = "urn:uuid:nothing"; },
       "questionnaire: names no Questionnaire"},
      {"a response's linkIds are the Questionnaire's",
       [](json& b) { b["entry"][6]["resource"]["item"][0]["linkId"] = "elsewhere"; },
       "is not an item of the Questionnaire"},
      {"Questionnaire linkIds are unique",
       [](json& b) {
         b["entry"][5]["resource"]["item"][1]["linkId"] =
             b["entry"][5]["resource"]["item"][0]["linkId"];
       },
       "(que-2)"},
      {"Questionnaire.status is required",
       [](json& b) { b["entry"][3]["resource"].erase("status"); },
       "Bundle.entry[3].resource.status: is required"},
      {"Procedure.subject is required",
       [](json& b) { b["entry"][10]["resource"].erase("subject"); },
       "Bundle.entry[10].resource.subject: is required"},
      {"Procedure.status is a code of its value set",
       [](json& b) { b["entry"][10]["resource"]["status"] = "finished"; },
       "Bundle.entry[10].resource.status: must be a code"},
      {"a ContactPoint value needs a system",
       [](json& b) { b["entry"][0]["resource"]["telecom"][0].erase("system"); }, "(cpt-2)"},
      {"Appointment.status is required",
       [](json& b) { b["entry"][16]["resource"].erase("status"); },
       "Bundle.entry[16].resource.status: is required"},
      {"Appointment.status is a code of its value set",
       [](json& b) { b["entry"][16]["resource"]["status"] = "confirmed"; },
       "Bundle.entry[16].resource.status: must be a code"},
      {"Appointment.participant is required",
       [](json& b) { b["entry"][16]["resource"].erase("participant"); },
       "Bundle.entry[16].resource.participant: is required (1..*)"},
      {"a participant's status is required",
       [](json& b) { b["entry"][16]["resource"]["participant"][0].erase("status"); },
       "participant[0].status: is required"},
      {"a participant's status is a code of its value set",
       [](json& b) { b["entry"][16]["resource"]["participant"][0]["status"] = "booked"; },
       "participant[0].status: must be a code"},
      {"a participant has a type or an actor",
       [](json& b) { b["entry"][16]["resource"]["participant"][0].erase("actor"); }, "(app-1)"},
      {"a participant's actor resolves inside the Bundle",
       [](json& b) {
         b["entry"][16]["resource"]["participant"][0]["actor"]["reference"] = "Patient/1";
       },
       "participant[0].actor.reference: does not resolve"},
      {"start and end go together", [](json& b) { b["entry"][16]["resource"].erase("end"); },
       "(app-2)"},
      {"a booked appointment has start and end",
       [](json& b) {
         b["entry"][16]["resource"].erase("start");
         b["entry"][16]["resource"].erase("end");
       },
       "(app-3)"},
      {"a cancelation reason only for a cancelled appointment",
       [](json& b) {
         b["entry"][16]["resource"]["cancelationReason"] = {{"text", "x"}};
       },
       "(app-4)"},
      {"Appointment.start is an instant",
       [](json& b) { b["entry"][16]["resource"]["start"] = "2026-12-02"; },
       "start: must be a FHIR instant"},
      {"minutesDuration is a positiveInt",
       [](json& b) { b["entry"][16]["resource"]["minutesDuration"] = 0; }, "positiveInt"},
      {"an unknown Appointment element is refused",
       [](json& b) { b["entry"][15]["resource"]["reason"] = "x"; },
       "Bundle.entry[15].resource.reason: is not an element"},
      {"Consent.status is required", [](json& b) { b["entry"][17]["resource"].erase("status"); },
       "Bundle.entry[17].resource.status: is required"},
      {"Consent.status is a code of its value set",
       [](json& b) { b["entry"][17]["resource"]["status"] = "revoked"; },
       "Bundle.entry[17].resource.status: must be a code"},
      {"Consent.scope is required", [](json& b) { b["entry"][17]["resource"].erase("scope"); },
       "Bundle.entry[17].resource.scope: is required"},
      {"Consent.category is required",
       [](json& b) { b["entry"][17]["resource"].erase("category"); },
       "Bundle.entry[17].resource.category: is required (1..*)"},
      {"a Consent has a policy or a policyRule",
       [](json& b) { b["entry"][17]["resource"].erase("policyRule"); }, "(ppc-1)"},
      {"a privacy Consent names its patient",
       [](json& b) { b["entry"][17]["resource"].erase("patient"); }, "(ppc-2)"},
      {"Consent.patient points to a Patient",
       [](json& b) {
         b["entry"][17]["resource"]["patient"]["reference"] = b["entry"][15]["fullUrl"];
       },
       "points to a Appointment"},
      {"a provision's type is permit or deny",
       [](json& b) { b["entry"][17]["resource"]["provision"]["type"] = "allow"; },
       "provision.type: must be a code"},
      {"a provision's period runs forwards",
       [](json& b) {
         b["entry"][17]["resource"]["provision"]["period"]["end"] = "2020-01-01T00:00:00Z";
       },
       "(per-1)"},
      {"a provision's class is a list of Codings",
       [](json& b) {
         b["entry"][17]["resource"]["provision"]["class"] =
             b["entry"][17]["resource"]["provision"]["class"][0];
       },
       "provision.class: has cardinality 0..*"},
      {"an element of a later FHIR version is refused",
       [](json& b) { b["entry"][17]["resource"]["grantee"] = json::array(); },
       "grantee: is not an element"},
  };
  for (const Row& row : rows) {
    json changed = valid;
    row.change(changed);
    const std::string problems = problems_text(validate_fhir_bundle(changed));
    EXPECT_NE(problems.find(row.expected), std::string::npos)
        << row.rule << "\nexpected: " << row.expected << "\ngot:\n"
        << problems;
  }
}

}  // namespace
}  // namespace hipcoach::service
