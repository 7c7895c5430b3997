#include "hipcoach/service/fhir.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <utility>

#include "hipcoach/core/timestamp.h"
#include "hipcoach/service/export.h"
#include "hipcoach/service/records.h"

namespace hipcoach::service {

using nlohmann::json;

namespace {

constexpr std::string_view kUrnUuid = "urn:uuid:";
constexpr std::string_view kScoreUnit = "{score}";
// Core extensions of FHIR R4 (extensibility registry) for an integer item's range.
constexpr std::string_view kMinValueExtension = "http://hl7.org/fhir/StructureDefinition/minValue";
constexpr std::string_view kMaxValueExtension = "http://hl7.org/fhir/StructureDefinition/maxValue";
// The linkIds of a questionnaire whose items the patient names (PSFS): a
// repeating group of the activity's name and its rating.
constexpr std::string_view kActivityLinkId = "activity";
constexpr std::string_view kActivityNameLinkId = "activity-name";
constexpr std::string_view kActivityRatingLinkId = "activity-rating";
// FHIR's dateTime allows offsets up to 14:00 either way.
constexpr std::chrono::minutes kMaxFhirOffset{14 * 60};

std::string uuid_of(std::string_view full_url) {
  return std::string(full_url.substr(std::min(full_url.size(), kUrnUuid.size())));
}

json reference(std::string_view full_url) { return {{"reference", full_url}}; }

// A stored `at` as FHIR's dateTime: the instant at the offset it was given
// with (UTC when that offset cannot be read or lies beyond what FHIR allows),
// with "T" and whole seconds whatever the person typed.
std::string fhir_date_time(std::chrono::sys_seconds utc, std::string_view at) {
  std::chrono::minutes offset = offset_of(at);
  if (std::chrono::abs(offset) > kMaxFhirOffset) offset = std::chrono::minutes{0};
  return core::format_timestamp(utc, offset);
}

// "outer_hip" -> "outer hip".
std::string words(std::string_view id) {
  std::string text(id);
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

std::string side_text(storage::Side side) {
  switch (side) {
    case storage::Side::kLeft:
      return "left";
    case storage::Side::kRight:
      return "right";
    case storage::Side::kBoth:
      return "both sides";
  }
  return "";
}

// The pain Observation's parts every rating shares.
json pain_observation(std::string_view full_url, std::string_view patient_url,
                      const std::string& effective, int pain) {
  return {
      {"resourceType", "Observation"},
      {"id", uuid_of(full_url)},
      {"status", "final"},
      {"category", json::array({{{"coding", json::array({{{"system", kObservationCategorySystem},
                                                          {"code", "survey"},
                                                          {"display", "Survey"}}})}}})},
      {"code",
       {{"coding", json::array({{{"system", kLoincSystem},
                                 {"code", kPainSeverityLoinc},
                                 {"display", kPainSeverityDisplay}}})},
        {"text", "Pain severity, 0 to 10"}}},
      {"subject", reference(patient_url)},
      {"effectiveDateTime", effective},
      {"valueQuantity",
       {{"value", pain}, {"unit", kScoreUnit}, {"system", kUcumSystem}, {"code", kScoreUnit}}}};
}

json integer_range(int min, int max) {
  return json::array({{{"url", kMinValueExtension}, {"valueInteger", min}},
                      {{"url", kMaxValueExtension}, {"valueInteger", max}}});
}

// "NPRS" from "nprs": Questionnaire.name should be a computable name
// ([A-Z][A-Za-z0-9_]*).
std::string computable_name(std::string_view id) {
  std::string name = "Q";
  for (const char c : id) {
    if (c >= 'a' && c <= 'z') {
      name += static_cast<char>(c - 'a' + 'A');
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      name += c;
    } else {
      name += '_';
    }
  }
  if (name.size() > 1 && name[1] >= 'A' && name[1] <= 'Z') name.erase(0, 1);
  return name;
}

std::string questionnaire_url(std::string_view questionnaire_id) {
  return std::string(kUrnUuid) +
         fhir_uuid("hipcoach/Questionnaire/" + std::string(questionnaire_id));
}

const core::QuestionnaireItem* find_item(const core::Questionnaire* questionnaire,
                                         std::string_view id) {
  if (questionnaire == nullptr) return nullptr;
  for (const core::QuestionnaireItem& item : questionnaire->items) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

// The QuestionnaireResponse items of the stored answers: [{"item", "value"}]
// for fixed items, [{"text", "value"}] for the items the patient named.
// Stored data is not trusted blindly: an answer of another shape is left out.
json response_items(const std::string& answers_json, const core::Questionnaire* questionnaire) {
  json items = json::array();
  const json answers = json::parse(answers_json, nullptr, false);
  if (!answers.is_array()) return items;
  for (const json& answer : answers) {
    if (!answer.is_object()) continue;
    const auto value = answer.find("value");
    if (value == answer.end() || !value->is_number_integer()) continue;
    const auto text = answer.find("text");
    const auto id = answer.find("item");
    if (text != answer.end() && text->is_string()) {
      json group = {{"linkId", kActivityLinkId}};
      if (questionnaire != nullptr && questionnaire->patient_items) {
        group["text"] = questionnaire->patient_items->prompt;
      }
      group["item"] = json::array(
          {{{"linkId", kActivityNameLinkId}, {"answer", json::array({{{"valueString", *text}}})}},
           {{"linkId", kActivityRatingLinkId},
            {"answer", json::array({{{"valueInteger", *value}}})}}});
      items.push_back(std::move(group));
    } else if (id != answer.end() && id->is_string() && !id->get<std::string>().empty()) {
      json item = {{"linkId", *id}};
      if (const core::QuestionnaireItem* known = find_item(questionnaire, id->get<std::string>())) {
        item["text"] = known->text;
      }
      item["answer"] = json::array({{{"valueInteger", *value}}});
      items.push_back(std::move(item));
    }
  }
  return items;
}

const core::MuscleGroup* find_group(const core::Protocol& protocol, std::string_view id) {
  for (const core::MuscleGroup& group : protocol.groups) {
    if (group.id == id) return &group;
  }
  return nullptr;
}

// The muscle groups a session treated, each with its sides, as text.
json session_body_sites(const core::Protocol& protocol, const json& record) {
  json sites = json::array();
  if (!record.is_object()) return sites;
  std::string sides;
  if (const auto found = record.find("sides"); found != record.end() && found->is_array()) {
    for (const json& side : *found) {
      if (!side.is_string()) continue;
      if (!sides.empty()) sides += " and ";
      sides += side.get<std::string>();
    }
  }
  const auto groups = record.find("groups");
  if (groups == record.end() || !groups->is_array()) return sites;
  for (const json& id : *groups) {
    if (!id.is_string()) continue;
    const core::MuscleGroup* group = find_group(protocol, id.get<std::string>());
    if (group == nullptr) continue;
    sites.push_back({{"text", sides.empty() ? group->name : group->name + ", " + sides}});
  }
  return sites;
}

std::string type_name(const core::Protocol& protocol, std::string_view type_id) {
  if (protocol.clinic) {
    for (const core::AppointmentType& type : protocol.clinic->appointment_types) {
      if (type.id == type_id) return type.name;
    }
  }
  return std::string(type_id);
}

json coding(std::string_view system, std::string_view code, std::string_view display) {
  return {{"system", system}, {"code", code}, {"display", display}};
}

}  // namespace

std::string fhir_uuid(std::string_view name) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> hash{};
  crypto_hash_sha256(hash.data(), reinterpret_cast<const unsigned char*>(name.data()), name.size());
  // RFC 9562: the version (8) in the high nibble of octet 6, the variant
  // (binary 10) in the high bits of octet 8.
  hash[6] = static_cast<unsigned char>((hash[6] & 0x0fU) | 0x80U);
  hash[8] = static_cast<unsigned char>((hash[8] & 0x3fU) | 0x80U);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += kHex[hash[i] >> 4U];
    text += kHex[hash[i] & 0x0fU];
  }
  return text;
}

std::string fhir_full_url(std::string_view type, std::int64_t user_id, std::int64_t record_id) {
  std::string name = "hipcoach/";
  name += type;
  name += '/';
  name += std::to_string(user_id);
  name += '/';
  name += std::to_string(record_id);
  return std::string(kUrnUuid) + fhir_uuid(name);
}

FhirEntry fhir_patient(const storage::User& user) {
  FhirEntry entry;
  entry.full_url = fhir_full_url("Patient", user.id, user.id);
  entry.resource = {{"resourceType", "Patient"},
                    {"id", uuid_of(entry.full_url)},
                    {"telecom", json::array({{{"system", "email"}, {"value", user.email}}})}};
  return entry;
}

FhirEntry fhir_diary_observation(const storage::DiaryEntry& diary_entry,
                                 std::string_view patient_url) {
  FhirEntry entry;
  entry.full_url = fhir_full_url("Observation", diary_entry.user_id, diary_entry.id);
  json& observation = entry.resource;
  observation =
      pain_observation(entry.full_url, patient_url,
                       fhir_date_time(diary_entry.at_utc, diary_entry.at), diary_entry.pain);
  observation["bodySite"] = {
      {"text", words(diary_entry.region) + ", " + side_text(diary_entry.side)}};
  observation["component"] = json::array(
      {{{"code", {{"text", "When the pain was rated"}}},
        {"valueString",
         diary_entry.context == storage::PainContext::kRest ? "at rest" : "during activity"}}});
  if (!diary_entry.note.empty()) {
    observation["note"] = json::array({{{"text", diary_entry.note}}});
  }
  return entry;
}

FhirEntry fhir_questionnaire(const core::Questionnaire& questionnaire) {
  FhirEntry entry;
  entry.full_url = questionnaire_url(questionnaire.id);
  json items = json::array();
  for (const core::QuestionnaireItem& item : questionnaire.items) {
    items.push_back({{"extension", integer_range(questionnaire.scale.min, questionnaire.scale.max)},
                     {"linkId", item.id},
                     {"text", item.text},
                     {"type", "integer"},
                     {"required", true}});
  }
  if (questionnaire.patient_items) {
    items.push_back({{"linkId", kActivityLinkId},
                     {"text", questionnaire.patient_items->prompt},
                     {"type", "group"},
                     {"required", true},
                     {"repeats", true},
                     {"item", json::array({{{"linkId", kActivityNameLinkId},
                                            {"text", "The activity, in your words"},
                                            {"type", "string"},
                                            {"required", true}},
                                           {{"extension", integer_range(questionnaire.scale.min,
                                                                        questionnaire.scale.max)},
                                            {"linkId", kActivityRatingLinkId},
                                            {"text", "Your rating of it"},
                                            {"type", "integer"},
                                            {"required", true}}})}});
  }
  entry.resource = {{"resourceType", "Questionnaire"},
                    {"id", uuid_of(entry.full_url)},
                    {"url", entry.full_url},
                    {"name", computable_name(questionnaire.id)},
                    {"title", questionnaire.name},
                    {"status", "active"},
                    {"subjectType", json::array({"Patient"})},
                    {"description", questionnaire.instructions},
                    {"item", std::move(items)}};
  return entry;
}

FhirEntry fhir_questionnaire_response(const storage::QuestionnaireResponse& response,
                                      const core::Questionnaire* questionnaire,
                                      std::string_view patient_url) {
  FhirEntry entry;
  entry.full_url = fhir_full_url("QuestionnaireResponse", response.user_id, response.id);
  json& resource = entry.resource;
  resource = {{"resourceType", "QuestionnaireResponse"}, {"id", uuid_of(entry.full_url)}};
  if (questionnaire != nullptr) resource["questionnaire"] = questionnaire_url(questionnaire->id);
  resource["status"] = "completed";
  resource["subject"] = reference(patient_url);
  resource["authored"] = fhir_date_time(response.at_utc, response.at);
  json items = response_items(response.answers_json, questionnaire);
  if (!items.empty()) resource["item"] = std::move(items);
  return entry;
}

std::vector<FhirEntry> fhir_guided_session(const core::Protocol& protocol,
                                           const storage::GuidedSessionRecord& session,
                                           std::string_view patient_url) {
  std::vector<FhirEntry> entries;
  FhirEntry procedure;
  procedure.full_url = fhir_full_url("Procedure", session.user_id, session.id);
  const json record = json::parse(session.record_json, nullptr, false);
  std::string status = "unknown";
  if (record.is_object()) {
    const auto outcome = record.find("outcome");
    if (outcome != record.end() && *outcome == "finished") status = "completed";
    if (outcome != record.end() && *outcome == "stopped") status = "stopped";
  }
  json& resource = procedure.resource;
  resource = {
      {"resourceType", "Procedure"}, {"id", uuid_of(procedure.full_url)}, {"status", status}};
  if (status == "stopped") {
    resource["statusReason"] = {{"text", "Ended early by a stop rule or a red flag"}};
  }
  resource["code"] = {
      {"text", "Guided self-treatment of trigger points with a massage gun (HipCoach coach)"}};
  resource["subject"] = reference(patient_url);
  resource["performedPeriod"] = {{"start", core::format_timestamp(session.started_at)},
                                 {"end", core::format_timestamp(session.ended_at)}};
  resource["performer"] = json::array({{{"actor", reference(patient_url)}}});
  if (json sites = session_body_sites(protocol, record); !sites.empty()) {
    resource["bodySite"] = std::move(sites);
  }
  const std::string procedure_url = procedure.full_url;
  entries.push_back(std::move(procedure));

  const auto add_pain = [&](std::string_view type, std::chrono::sys_seconds at, int pain,
                            std::string_view note) {
    FhirEntry entry;
    entry.full_url = fhir_full_url(type, session.user_id, session.id);
    entry.resource =
        pain_observation(entry.full_url, patient_url, core::format_timestamp(at), pain);
    entry.resource["partOf"] = json::array({reference(procedure_url)});
    entry.resource["note"] = json::array({{{"text", note}}});
    entries.push_back(std::move(entry));
  };
  if (session.pain_before) {
    add_pain("Observation/pain-before-session", session.started_at, *session.pain_before,
             "Rated just before the guided session.");
  }
  if (session.pain_after) {
    add_pain("Observation/pain-after-session", session.ended_at, *session.pain_after,
             "Rated just after the guided session.");
  }
  return entries;
}

std::string_view fhir_appointment_status(storage::AppointmentStatus status) {
  switch (status) {
    case storage::AppointmentStatus::kRequested:
      return "proposed";
    case storage::AppointmentStatus::kProposed:
      return "pending";
    case storage::AppointmentStatus::kConfirmed:
      return "booked";
    case storage::AppointmentStatus::kDeclined:
    case storage::AppointmentStatus::kCancelled:
      return "cancelled";
  }
  return "proposed";
}

FhirEntry fhir_appointment(const core::Protocol& protocol, const storage::Appointment& appointment,
                           std::string_view patient_url) {
  using storage::AppointmentStatus;
  FhirEntry entry;
  entry.full_url = fhir_full_url("Appointment", appointment.user_id, appointment.id);
  json& resource = entry.resource;
  resource = {{"resourceType", "Appointment"},
              {"id", uuid_of(entry.full_url)},
              {"status", fhir_appointment_status(appointment.status)}};
  if (appointment.status == AppointmentStatus::kDeclined) {
    resource["cancelationReason"] = {{"text", "Declined by the clinic"}};
  } else if (appointment.status == AppointmentStatus::kCancelled) {
    resource["cancelationReason"] = {{"text", "Cancelled by the patient"}};
  }
  resource["serviceType"] = json::array({{{"text", type_name(protocol, appointment.type_id)}}});
  if (!appointment.reason.empty()) resource["description"] = appointment.reason;
  // app-2 and app-3: start and end together, and only once a time is set.
  if (appointment.start && appointment.minutes > 0) {
    resource["start"] = core::format_timestamp(*appointment.start);
    resource["end"] =
        core::format_timestamp(*appointment.start + std::chrono::minutes(appointment.minutes));
    resource["minutesDuration"] = appointment.minutes;
  }
  resource["created"] = core::format_timestamp(appointment.created_at);
  if (!appointment.message.empty()) resource["patientInstruction"] = appointment.message;
  // The patient asked for it; they are asked about a proposed time, and
  // declined it when they cancelled.
  std::string_view participation = "accepted";
  if (appointment.status == AppointmentStatus::kProposed) participation = "needs-action";
  if (appointment.status == AppointmentStatus::kCancelled) participation = "declined";
  resource["participant"] = json::array(
      {{{"actor", reference(patient_url)}, {"required", "required"}, {"status", participation}}});
  if (appointment.earliest) {
    resource["requestedPeriod"] =
        json::array({{{"start", core::format_timestamp(*appointment.earliest)}}});
  }
  return entry;
}

FhirEntry fhir_consent(const storage::Consent& consent, std::string_view patient_url,
                       std::chrono::sys_seconds now) {
  FhirEntry entry;
  entry.full_url = fhir_full_url("Consent", consent.user_id, consent.id);
  std::chrono::sys_seconds end = consent.until;
  if (consent.revoked_at && *consent.revoked_at < end) end = *consent.revoked_at;
  if (end < consent.created_at) end = consent.created_at;
  json codes = json::array();
  json classes = json::array();
  for (const storage::RecordPart part : storage::kRecordParts) {
    if (!storage::has_part(consent.parts, part)) continue;
    codes.push_back({{"text", storage::record_part_name(part)}});
    std::string_view type;
    if (part == storage::RecordPart::kDiary) type = "Observation";
    if (part == storage::RecordPart::kQuestionnaires) type = "QuestionnaireResponse";
    if (part == storage::RecordPart::kSessions) type = "Procedure";
    if (!type.empty()) classes.push_back(coding(kResourceTypesSystem, type, type));
  }
  json provision = {
      {"type", "permit"},
      {"period",
       {{"start", core::format_timestamp(consent.created_at)},
        {"end", core::format_timestamp(end)}}},
      {"action",
       json::array({{{"coding", json::array({coding(kConsentActionSystem, "access", "Access")})},
                     {"text", "Read by the clinic's staff"}}})}};
  if (!classes.empty()) provision["class"] = std::move(classes);
  if (!codes.empty()) provision["code"] = std::move(codes);
  entry.resource = {
      {"resourceType", "Consent"},
      {"id", uuid_of(entry.full_url)},
      {"status", storage::is_active(consent, now) ? "active" : "inactive"},
      {"scope",
       {{"coding",
         json::array({coding(kConsentScopeSystem, "patient-privacy", "Privacy Consent")})}}},
      {"category", json::array({{{"coding", json::array({coding(kLoincSystem, kPatientConsentLoinc,
                                                                "Patient Consent")})}}})},
      {"patient", reference(patient_url)},
      {"dateTime", core::format_timestamp(consent.created_at)},
      {"policyRule", {{"coding", json::array({coding(kActCodeSystem, "OPTIN", "opt-in")})}}},
      {"provision", std::move(provision)}};
  return entry;
}

json fhir_bundle(std::span<const FhirEntry> entries, std::chrono::sys_seconds now) {
  json entry = json::array();
  for (const FhirEntry& item : entries) {
    entry.push_back({{"fullUrl", item.full_url}, {"resource", item.resource}});
  }
  return {{"resourceType", "Bundle"},
          {"type", "collection"},
          {"timestamp", core::format_timestamp(now)},
          {"entry", std::move(entry)}};
}

core::Result<json> export_fhir(const core::Protocol& protocol, storage::Store& store,
                               const storage::User& user, std::chrono::sys_seconds now) {
  auto diary = whole_diary(store, user.id);
  if (!diary) return diary.error();
  auto responses = store.list_questionnaire_responses(user.id);
  if (!responses) return responses.error();
  auto sessions = store.list_guided_sessions(user.id);
  if (!sessions) return sessions.error();
  auto appointments = store.list_appointments(user.id);
  if (!appointments) return appointments.error();
  auto consents = store.list_consents(user.id);
  if (!consents) return consents.error();

  std::vector<FhirEntry> entries;
  entries.push_back(fhir_patient(user));
  const std::string patient_url = entries.front().full_url;
  for (const storage::DiaryEntry& entry : *diary) {
    entries.push_back(fhir_diary_observation(entry, patient_url));
  }
  // Each questionnaire answered, once, in the order first answered.
  std::vector<std::string> answered;
  for (const storage::QuestionnaireResponse& response : *responses) {
    const core::Questionnaire* questionnaire =
        core::find_questionnaire(protocol, response.questionnaire_id);
    if (questionnaire == nullptr ||
        std::find(answered.begin(), answered.end(), questionnaire->id) != answered.end()) {
      continue;
    }
    answered.push_back(questionnaire->id);
    entries.push_back(fhir_questionnaire(*questionnaire));
  }
  for (const storage::QuestionnaireResponse& response : *responses) {
    entries.push_back(fhir_questionnaire_response(
        response, core::find_questionnaire(protocol, response.questionnaire_id), patient_url));
  }
  for (const storage::GuidedSessionRecord& session : *sessions) {
    for (FhirEntry& entry : fhir_guided_session(protocol, session, patient_url)) {
      entries.push_back(std::move(entry));
    }
  }
  for (const storage::Appointment& appointment : *appointments) {
    entries.push_back(fhir_appointment(protocol, appointment, patient_url));
  }
  for (const storage::Consent& consent : *consents) {
    entries.push_back(fhir_consent(consent, patient_url, now));
  }
  return fhir_bundle(entries, now);
}

}  // namespace hipcoach::service
