// A person's record as a FHIR R4 Bundle (type "collection"), for
// GET /api/v1/me/export?format=fhir and `hipcoach export --fhir`.
//
// What goes in, one function per resource type:
//   Patient                the account: its id and the email as telecom (no
//                          name: HipCoach stores none).
//   Observation            each pain rating, from the diary and before and
//                          after a guided session: LOINC 72514-3, category
//                          survey, the value as a Quantity in {score}.
//   Questionnaire          each questionnaire the person answered (NPRS,
//                          PSFS, LEFS), with its items.
//   QuestionnaireResponse  each response, completed, with its answers.
//   Procedure              each guided session, the patient as performer,
//                          status completed or stopped; its pain before and
//                          after are Observations that are partOf it.
//   Appointment            each appointment request, the Patient as the one
//                          participant; status, times and the clinic's type.
//   Consent                each consent to share with the clinic, active or
//                          inactive (revoked or expired), its parts and period.
// Only codes that docs/api.md lists are used; where no code is known (body
// site, the muscle groups, the session itself) a CodeableConcept has text only.
//
// Identity: every entry's fullUrl is "urn:uuid:" + fhir_uuid(name) and its
// resource id is that UUID, where name is "hipcoach/<Type>/<user id>/<record
// id>" (the Patient: "hipcoach/Patient/<user id>/<user id>"; a session's pain
// before and after: Type "Observation/pain-before-session" and
// "Observation/pain-after-session"; a Questionnaire: "hipcoach/Questionnaire/
// <questionnaire id>"), so the same record gets the same UUID in every export.
//
// Pure functions except export_fhir, which reads the store; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/questionnaire.h"
#include "hipcoach/core/result.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::service {

// The code systems and codes used (docs/api.md, "FHIR export", gives their sources).
inline constexpr std::string_view kLoincSystem = "http://loinc.org";
inline constexpr std::string_view kPainSeverityLoinc = "72514-3";
inline constexpr std::string_view kPainSeverityDisplay =
    "Pain severity - 0-10 verbal numeric rating [Score] - Reported";
inline constexpr std::string_view kObservationCategorySystem =
    "http://terminology.hl7.org/CodeSystem/observation-category";
inline constexpr std::string_view kUcumSystem = "http://unitsofmeasure.org";
inline constexpr std::string_view kConsentScopeSystem =
    "http://terminology.hl7.org/CodeSystem/consentscope";
inline constexpr std::string_view kPatientConsentLoinc = "59284-0";
inline constexpr std::string_view kActCodeSystem =
    "http://terminology.hl7.org/CodeSystem/v3-ActCode";
inline constexpr std::string_view kConsentActionSystem =
    "http://terminology.hl7.org/CodeSystem/consentaction";
inline constexpr std::string_view kResourceTypesSystem = "http://hl7.org/fhir/resource-types";

// A name-based UUID: version 8 of RFC 9562 (section 5.8), its 122 free bits
// the first bytes of SHA-256 of `name` (as in RFC 9562 appendix B.2), in the
// lowercase 8-4-4-4-12 form. The same name always gives the same UUID.
std::string fhir_uuid(std::string_view name);

// "urn:uuid:" + fhir_uuid("hipcoach/" + type + "/" + user id + "/" + record id).
std::string fhir_full_url(std::string_view type, std::int64_t user_id, std::int64_t record_id);

// One entry of the Bundle.
struct FhirEntry {
  std::string full_url;     // "urn:uuid:...".
  nlohmann::json resource;  // Its "id" is the UUID of full_url.
};

// The account as a Patient.
FhirEntry fhir_patient(const storage::User& user);

// A diary entry as a pain Observation of `patient_url`'s Patient: effective
// at the entry's `at` (with its offset), the region and side as bodySite
// text, rest or activity as a component with text only, the note as a note.
FhirEntry fhir_diary_observation(const storage::DiaryEntry& entry, std::string_view patient_url);

// A questionnaire as a Questionnaire whose url is its own fullUrl.
FhirEntry fhir_questionnaire(const core::Questionnaire& questionnaire);

// A response as a QuestionnaireResponse of `patient_url`'s Patient. When
// `questionnaire` is null (no longer in the data) it has no questionnaire
// canonical and its items have no text.
FhirEntry fhir_questionnaire_response(const storage::QuestionnaireResponse& response,
                                      const core::Questionnaire* questionnaire,
                                      std::string_view patient_url);

// A guided session as a Procedure, then its pain before and after (when
// rated) as Observations that are partOf the Procedure, effective at its
// start and end.
std::vector<FhirEntry> fhir_guided_session(const core::Protocol& protocol,
                                           const storage::GuidedSessionRecord& session,
                                           std::string_view patient_url);

// The FHIR AppointmentStatus of ours: requested -> proposed, proposed ->
// pending, confirmed -> booked, declined and cancelled -> cancelled.
std::string_view fhir_appointment_status(storage::AppointmentStatus status);

// An appointment request as an Appointment with `patient_url`'s Patient as
// its participant: status as above (a declined or cancelled one with a text
// cancelationReason saying who ended it); serviceType the clinic's name of
// its type (its id when the type is no longer offered), as text; the
// patient's reason as description; created; start, end and minutesDuration
// when a time is proposed or confirmed; earliest as requestedPeriod; the
// staff's message as patientInstruction.
FhirEntry fhir_appointment(const core::Protocol& protocol, const storage::Appointment& appointment,
                           std::string_view patient_url);

// A consent as a Consent of `patient_url`'s Patient: status active while
// storage::is_active at `now`, else inactive; scope patient-privacy; category
// LOINC 59284-0; dateTime when given; policyRule OPTIN (v3-ActCode: the
// patient opted in); a permit provision for the action access over its
// period (created_at to until, or to revoked_at when revoked earlier), with
// each shared part as a text code and the FHIR resource types it exports as
// classes (diary Observation, questionnaires QuestionnaireResponse,
// sessions Procedure; triage has none).
FhirEntry fhir_consent(const storage::Consent& consent, std::string_view patient_url,
                       std::chrono::sys_seconds now);

// {"resourceType": "Bundle", "type": "collection", "timestamp": now, "entry": [...]}.
nlohmann::json fhir_bundle(std::span<const FhirEntry> entries, std::chrono::sys_seconds now);

// The whole record of `user` as a Bundle: the Patient first, then the diary
// (oldest first), the questionnaires answered and the responses, the guided
// sessions, the appointment requests (newest first) and the consents
// (newest first). The store's errors as they come.
core::Result<nlohmann::json> export_fhir(const core::Protocol& protocol, storage::Store& store,
                                         const storage::User& user, std::chrono::sys_seconds now);

}  // namespace hipcoach::service
