// A test-side checker of the FHIR R4 structure rules for the resource types
// HipCoach exports (Bundle, Patient, Observation, Questionnaire,
// QuestionnaireResponse, Procedure, Appointment, Consent), written from the
// R4 specification (hl7.org/fhir/R4): the elements each type defines (an
// unknown or misspelt one is an error), required elements and
// cardinalities, the required value sets of status codes, the invariants
// that apply (bdl-1..4, bdl-7, obs-6, obs-7, que-1, que-2, qrs-1, cpt-2,
// qty-3, ext-1, ele-1, app-1..4, ppc-1, ppc-2, per-1), the formats of id,
// dateTime and instant, code systems and canonicals as absolute URIs, and
// that every reference resolves to a fullUrl inside the Bundle.
//
// validate_fhir_bundle returns every problem as "PATH: what is wrong" (empty
// when there is none). Not a full validator: no terminology server, no
// profiles; it checks what the spec says about the elements HipCoach uses.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace hipcoach::service::testing {

class FhirValidator {
 public:
  std::vector<std::string> validate(const nlohmann::json& bundle) {
    problems_.clear();
    full_urls_.clear();
    canonicals_.clear();
    check_json_format(bundle, "Bundle");
    check_bundle(bundle);
    return problems_;
  }

 private:
  using json = nlohmann::json;
  using Names = std::set<std::string>;

  // The elements every resource (DomainResource) has.
  static Names with_domain(Names names) {
    for (const char* name : {"resourceType", "id", "meta", "implicitRules", "language", "text",
                             "contained", "extension", "modifierExtension"}) {
      names.insert(name);
    }
    return names;
  }
  // The elements every backbone element has.
  static Names with_element(Names names) {
    for (const char* name : {"id", "extension", "modifierExtension"}) names.insert(name);
    return names;
  }

  void problem(const std::string& path, const std::string& message) {
    problems_.push_back(path + ": " + message);
  }

  // FHIR JSON (R4 json.html and ele-1): no nulls, no empty arrays, objects
  // or strings.
  void check_json_format(const json& value, const std::string& path) {
    if (value.is_null()) problem(path, "null is not allowed in FHIR JSON");
    if (value.is_string() &&
        value.get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos) {
      problem(path, "a string must have a non-whitespace character");
    }
    if ((value.is_array() || value.is_object()) && value.empty()) {
      problem(path, "an empty array or object is not allowed");
    }
    if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        check_json_format(value[i], path + "[" + std::to_string(i) + "]");
      }
    } else if (value.is_object()) {
      for (const auto& [key, item] : value.items()) check_json_format(item, path + "." + key);
    }
  }

  void check_names(const json& value, const Names& allowed, const std::string& path) {
    if (!value.is_object()) {
      problem(path, "must be a JSON object");
      return;
    }
    for (const auto& [key, item] : value.items()) {
      if (allowed.count(key) == 0) problem(path + "." + key, "is not an element of this type");
    }
  }

  bool require(const json& value, const char* name, const std::string& path) {
    if (!value.is_object() || !value.contains(name)) {
      problem(path + "." + name, "is required (1..1)");
      return false;
    }
    return true;
  }

  // 0..* elements are arrays in FHIR JSON; 0..1 elements are not.
  bool check_array(const json& value, const std::string& path) {
    if (!value.is_array()) {
      problem(path, "has cardinality 0..* and must be a JSON array");
      return false;
    }
    return true;
  }

  void check_code(const json& value, const std::set<std::string>& value_set,
                  const std::string& path) {
    if (!value.is_string() || value_set.count(value.get<std::string>()) == 0) {
      problem(path, "must be a code of its required value set, got " + value.dump());
    }
  }

  bool matches(const json& value, const std::regex& pattern) {
    return value.is_string() && std::regex_match(value.get<std::string>(), pattern);
  }

  void check_id(const json& value, const std::string& path) {
    static const std::regex kId("[A-Za-z0-9\\-\\.]{1,64}");
    if (!matches(value, kId)) problem(path, "must be an id ([A-Za-z0-9-.]{1,64})");
  }

  // An absolute URI: a scheme, then no whitespace (RFC 3986; FHIR uri is \S*).
  bool is_absolute_uri(const json& value) {
    static const std::regex kAbsolute("[A-Za-z][A-Za-z0-9+.\\-]*:\\S+");
    return matches(value, kAbsolute);
  }
  void check_absolute_uri(const json& value, const std::string& path) {
    if (!is_absolute_uri(value)) problem(path, "must be an absolute URI, got " + value.dump());
  }

  void check_date_time(const json& value, const std::string& path) {
    // R4 datatypes.html#dateTime.
    static const std::regex kDateTime(
        "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|"
        "3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?(Z|(\\+|-)((0[0-9]|1["
        "0-3]):[0-5][0-9]|14:00)))?)?)?");
    if (!matches(value, kDateTime)) problem(path, "must be a FHIR dateTime, got " + value.dump());
  }

  void check_instant(const json& value, const std::string& path) {
    // R4 datatypes.html#instant.
    static const std::regex kInstant(
        "([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3["
        "0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?(Z|(\\+|-)((0[0-9]|1[0-3]"
        "):[0-5][0-9]|14:00))");
    if (!matches(value, kInstant)) problem(path, "must be a FHIR instant, got " + value.dump());
  }

  void check_string(const json& value, const std::string& path) {
    if (!value.is_string()) problem(path, "must be a string");
  }

  void check_extensions(const json& resource, const std::string& path) {
    if (!resource.is_object() || !resource.contains("extension")) return;
    const json& extensions = resource["extension"];
    if (!check_array(extensions, path + ".extension")) return;
    for (std::size_t i = 0; i < extensions.size(); ++i) {
      const json& extension = extensions[i];
      const std::string at = path + ".extension[" + std::to_string(i) + "]";
      if (require(extension, "url", at)) check_absolute_uri(extension["url"], at + ".url");
      int values = 0;
      for (const auto& [key, item] : extension.items()) {
        if (key.rfind("value", 0) == 0) ++values;
      }
      // ext-1: an extension has a value or extensions, not both.
      if ((values == 1) == extension.contains("extension") || values > 1) {
        problem(at, "must have either extensions or one value[x], not both (ext-1)");
      }
    }
  }

  void check_coding(const json& coding, const std::string& path) {
    check_names(coding, with_element({"system", "version", "code", "display", "userSelected"}),
                path);
    if (coding.contains("system")) check_absolute_uri(coding["system"], path + ".system");
    static const std::regex kCode("[^\\s]+( [^\\s]+)*");
    if (coding.contains("code") && !matches(coding["code"], kCode)) {
      problem(path + ".code", "must be a FHIR code");
    }
    if (coding.contains("code") && !coding.contains("system")) {
      problem(path, "a code without its system cannot be understood");
    }
    if (coding.contains("display")) check_string(coding["display"], path + ".display");
  }

  void check_codeable_concept(const json& codeable, const std::string& path) {
    check_names(codeable, with_element({"coding", "text"}), path);
    if (codeable.contains("coding") && check_array(codeable["coding"], path + ".coding")) {
      for (std::size_t i = 0; i < codeable["coding"].size(); ++i) {
        check_coding(codeable["coding"][i], path + ".coding[" + std::to_string(i) + "]");
      }
    }
    if (codeable.contains("text")) check_string(codeable["text"], path + ".text");
  }

  void check_codeable_concepts(const json& codeables, const std::string& path) {
    if (!check_array(codeables, path)) return;
    for (std::size_t i = 0; i < codeables.size(); ++i) {
      check_codeable_concept(codeables[i], path + "[" + std::to_string(i) + "]");
    }
  }

  // A Reference that must resolve inside the Bundle to one of `targets`.
  void check_reference(const json& reference, const std::set<std::string>& targets,
                       const std::string& path) {
    check_names(reference, with_element({"reference", "type", "identifier", "display"}), path);
    if (!require(reference, "reference", path)) return;
    const auto found = full_urls_.find(reference.value("reference", ""));
    if (found == full_urls_.end()) {
      problem(path + ".reference", "does not resolve to a fullUrl in the Bundle");
    } else if (targets.count(found->second) == 0) {
      problem(path + ".reference", "points to a " + found->second + ", which is not allowed here");
    }
  }

  void check_quantity(const json& quantity, const std::string& path) {
    check_names(quantity, with_element({"value", "comparator", "unit", "system", "code"}), path);
    if (quantity.contains("value") && !quantity["value"].is_number()) {
      problem(path + ".value", "must be a decimal");
    }
    if (quantity.contains("system")) check_absolute_uri(quantity["system"], path + ".system");
    // qty-3: if a code for the unit is present, the system SHALL also be present.
    if (quantity.contains("code") && !quantity.contains("system")) {
      problem(path, "a unit code needs its system (qty-3)");
    }
  }

  void check_annotations(const json& notes, const std::string& path) {
    if (!check_array(notes, path)) return;
    for (std::size_t i = 0; i < notes.size(); ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      check_names(notes[i], with_element({"authorReference", "authorString", "time", "text"}), at);
      if (require(notes[i], "text", at)) check_string(notes[i]["text"], at + ".text");
    }
  }

  void check_period(const json& period, const std::string& path) {
    check_names(period, with_element({"start", "end"}), path);
    if (period.contains("start")) check_date_time(period["start"], path + ".start");
    if (period.contains("end")) check_date_time(period["end"], path + ".end");
    // per-1: if present, start SHALL have a lower value than end (same zone here).
    if (period.contains("start") && period.contains("end") && period["start"].is_string() &&
        period["end"].is_string() && period["start"].get<std::string>().back() == 'Z' &&
        period["end"].get<std::string>().back() == 'Z' &&
        period["start"].get<std::string>() > period["end"].get<std::string>()) {
      problem(path, "start must not be after end (per-1)");
    }
  }

  // The value[x] of an Observation or one of its components: at most one.
  void check_observation_value(const json& element, const std::string& path) {
    static const Names kValues = {"valueQuantity", "valueCodeableConcept", "valueString",
                                  "valueBoolean",  "valueInteger",         "valueRange",
                                  "valueRatio",    "valueSampledData",     "valueTime",
                                  "valueDateTime", "valuePeriod"};
    int count = 0;
    for (const auto& [key, item] : element.items()) {
      if (kValues.count(key) == 0) continue;
      ++count;
      if (key == "valueQuantity") check_quantity(item, path + "." + key);
      if (key == "valueCodeableConcept") check_codeable_concept(item, path + "." + key);
      if (key == "valueString") check_string(item, path + "." + key);
      if (key == "valueInteger" && !item.is_number_integer()) {
        problem(path + "." + key, "must be an integer");
      }
    }
    if (count > 1) problem(path, "value[x] has cardinality 0..1");
    // obs-6: dataAbsentReason SHALL only be present if value[x] is not.
    if (count > 0 && element.contains("dataAbsentReason")) {
      problem(path, "dataAbsentReason together with a value (obs-6)");
    }
  }

  void check_patient(const json& patient, const std::string& path) {
    check_names(
        patient,
        with_domain({"identifier", "active", "name", "telecom", "gender", "birthDate",
                     "deceasedBoolean", "deceasedDateTime", "address", "maritalStatus",
                     "multipleBirthBoolean", "multipleBirthInteger", "photo", "contact",
                     "communication", "generalPractitioner", "managingOrganization", "link"}),
        path);
    if (!patient.contains("telecom") || !check_array(patient["telecom"], path + ".telecom")) {
      return;
    }
    for (std::size_t i = 0; i < patient["telecom"].size(); ++i) {
      const json& point = patient["telecom"][i];
      const std::string at = path + ".telecom[" + std::to_string(i) + "]";
      check_names(point, with_element({"system", "value", "use", "rank", "period"}), at);
      // cpt-2: a system is required if a value is provided.
      if (point.contains("value") && !point.contains("system")) {
        problem(at, "a value needs a system (cpt-2)");
      }
      if (point.contains("system")) {
        check_code(point["system"], {"phone", "fax", "email", "pager", "url", "sms", "other"},
                   at + ".system");
      }
    }
  }

  void check_observation(const json& observation, const std::string& path) {
    check_names(observation,
                with_domain({"identifier",
                             "basedOn",
                             "partOf",
                             "status",
                             "category",
                             "code",
                             "subject",
                             "focus",
                             "encounter",
                             "effectiveDateTime",
                             "effectivePeriod",
                             "effectiveTiming",
                             "effectiveInstant",
                             "issued",
                             "performer",
                             "valueQuantity",
                             "valueCodeableConcept",
                             "valueString",
                             "valueBoolean",
                             "valueInteger",
                             "valueRange",
                             "valueRatio",
                             "valueSampledData",
                             "valueTime",
                             "valueDateTime",
                             "valuePeriod",
                             "dataAbsentReason",
                             "interpretation",
                             "note",
                             "bodySite",
                             "method",
                             "specimen",
                             "device",
                             "referenceRange",
                             "hasMember",
                             "derivedFrom",
                             "component"}),
                path);
    if (require(observation, "status", path)) {
      check_code(observation["status"],
                 {"registered", "preliminary", "final", "amended", "corrected", "cancelled",
                  "entered-in-error", "unknown"},
                 path + ".status");
    }
    if (require(observation, "code", path)) {
      check_codeable_concept(observation["code"], path + ".code");
    }
    if (observation.contains("category")) {
      check_codeable_concepts(observation["category"], path + ".category");
    }
    if (observation.contains("subject")) {
      check_reference(observation["subject"], {"Patient", "Group", "Device", "Location"},
                      path + ".subject");
    }
    if (observation.contains("partOf") && check_array(observation["partOf"], path + ".partOf")) {
      for (std::size_t i = 0; i < observation["partOf"].size(); ++i) {
        check_reference(observation["partOf"][i],
                        {"MedicationAdministration", "MedicationDispense", "MedicationStatement",
                         "Procedure", "Immunization", "ImagingStudy"},
                        path + ".partOf[" + std::to_string(i) + "]");
      }
    }
    int effective = 0;
    for (const char* key :
         {"effectiveDateTime", "effectivePeriod", "effectiveTiming", "effectiveInstant"}) {
      effective += observation.contains(key) ? 1 : 0;
    }
    if (effective > 1) problem(path, "effective[x] has cardinality 0..1");
    if (observation.contains("effectiveDateTime")) {
      check_date_time(observation["effectiveDateTime"], path + ".effectiveDateTime");
    }
    check_observation_value(observation, path);
    if (observation.contains("bodySite")) {
      check_codeable_concept(observation["bodySite"], path + ".bodySite");
    }
    if (observation.contains("note")) check_annotations(observation["note"], path + ".note");
    if (observation.contains("component") &&
        check_array(observation["component"], path + ".component")) {
      for (std::size_t i = 0; i < observation["component"].size(); ++i) {
        const json& component = observation["component"][i];
        const std::string at = path + ".component[" + std::to_string(i) + "]";
        check_names(component,
                    with_element({"code", "valueQuantity", "valueCodeableConcept", "valueString",
                                  "valueBoolean", "valueInteger", "valueRange", "valueRatio",
                                  "valueSampledData", "valueTime", "valueDateTime", "valuePeriod",
                                  "dataAbsentReason", "interpretation", "referenceRange"}),
                    at);
        if (require(component, "code", at)) check_codeable_concept(component["code"], at + ".code");
        check_observation_value(component, at);
        // obs-7: a component with the Observation's code means no value on the Observation.
        if (component.contains("code") && observation.contains("code") &&
            component["code"].contains("coding") && observation["code"].contains("coding") &&
            component["code"]["coding"] == observation["code"]["coding"] &&
            observation.contains("valueQuantity")) {
          problem(at, "repeats the Observation's code while it has a value (obs-7)");
        }
      }
    }
  }

  void check_questionnaire_items(const json& items, Names& link_ids, const std::string& path) {
    if (!check_array(items, path)) return;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const json& item = items[i];
      const std::string at = path + "[" + std::to_string(i) + "]";
      check_names(item,
                  with_element({"linkId", "definition", "code", "prefix", "text", "type",
                                "enableWhen", "enableBehavior", "required", "repeats", "readOnly",
                                "maxLength", "answerValueSet", "answerOption", "initial", "item"}),
                  at);
      check_extensions(item, at);
      if (require(item, "linkId", at)) {
        check_string(item["linkId"], at + ".linkId");
        // que-2: the link ids of a Questionnaire are unique.
        if (!link_ids.insert(item.value("linkId", "")).second) {
          problem(at + ".linkId", "is not unique in the Questionnaire (que-2)");
        }
      }
      if (require(item, "type", at)) {
        check_code(item["type"],
                   {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time",
                    "string", "text", "url", "choice", "open-choice", "attachment", "reference",
                    "quantity"},
                   at + ".type");
      }
      if (item.contains("text")) check_string(item["text"], at + ".text");
      for (const char* flag : {"required", "repeats"}) {
        if (item.contains(flag) && !item[flag].is_boolean()) {
          problem(at + "." + flag, "must be a boolean");
        }
      }
      const std::string type = item.value("type", "");
      // que-1: group items must have nested items, display items cannot.
      if (type == "group" && !item.contains("item")) {
        problem(at, "a group must have nested items (que-1)");
      }
      if (type == "display" && item.contains("item")) {
        problem(at, "a display item cannot have nested items (que-1)");
      }
      if (item.contains("item")) check_questionnaire_items(item["item"], link_ids, at + ".item");
    }
  }

  void check_questionnaire(const json& questionnaire, const std::string& path) {
    check_names(questionnaire,
                with_domain({"url",         "identifier",   "version",        "name",
                             "title",       "derivedFrom",  "status",         "experimental",
                             "subjectType", "date",         "publisher",      "contact",
                             "description", "useContext",   "jurisdiction",   "purpose",
                             "copyright",   "approvalDate", "lastReviewDate", "effectivePeriod",
                             "code",        "item"}),
                path);
    if (require(questionnaire, "status", path)) {
      check_code(questionnaire["status"], {"draft", "active", "retired", "unknown"},
                 path + ".status");
    }
    if (questionnaire.contains("url")) check_absolute_uri(questionnaire["url"], path + ".url");
    // que-0: the name should be usable as an identifier.
    static const std::regex kName("[A-Z]([A-Za-z0-9_]){0,254}");
    if (questionnaire.contains("name") && !matches(questionnaire["name"], kName)) {
      problem(path + ".name", "must be usable as an identifier (que-0)");
    }
    if (questionnaire.contains("subjectType") &&
        check_array(questionnaire["subjectType"], path + ".subjectType")) {
      for (const json& type : questionnaire["subjectType"]) {
        check_code(type, {"Patient", "Group", "Practitioner", "RelatedPerson"},
                   path + ".subjectType");
      }
    }
    Names link_ids;
    if (questionnaire.contains("item")) {
      check_questionnaire_items(questionnaire["item"], link_ids, path + ".item");
    }
  }

  // `link_ids`: those of the Questionnaire the response answers, or null.
  void check_response_items(const json& items, const Names* link_ids, const std::string& path) {
    if (!check_array(items, path)) return;
    static const Names kAnswerValues = {"valueBoolean", "valueDecimal",  "valueInteger",
                                        "valueDate",    "valueDateTime", "valueTime",
                                        "valueString",  "valueUri",      "valueAttachment",
                                        "valueCoding",  "valueQuantity", "valueReference"};
    for (std::size_t i = 0; i < items.size(); ++i) {
      const json& item = items[i];
      const std::string at = path + "[" + std::to_string(i) + "]";
      check_names(item, with_element({"linkId", "definition", "text", "answer", "item"}), at);
      if (require(item, "linkId", at)) {
        check_string(item["linkId"], at + ".linkId");
        if (link_ids != nullptr && link_ids->count(item.value("linkId", "")) == 0) {
          problem(at + ".linkId", "is not an item of the Questionnaire");
        }
      }
      // qrs-1: an item has nested items or answers, not both.
      if (item.contains("answer") && item.contains("item")) {
        problem(at, "has both answers and nested items (qrs-1)");
      }
      if (item.contains("answer") && check_array(item["answer"], at + ".answer")) {
        for (std::size_t j = 0; j < item["answer"].size(); ++j) {
          const json& answer = item["answer"][j];
          const std::string answer_at = at + ".answer[" + std::to_string(j) + "]";
          Names allowed = kAnswerValues;
          allowed.insert("item");
          check_names(answer, with_element(allowed), answer_at);
          std::size_t values = 0;
          for (const auto& [key, value] : answer.items()) values += kAnswerValues.count(key);
          if (values > 1) problem(answer_at, "value[x] has cardinality 0..1");
          if (answer.contains("valueInteger") && !answer["valueInteger"].is_number_integer()) {
            problem(answer_at + ".valueInteger", "must be an integer");
          }
          if (answer.contains("valueString")) {
            check_string(answer["valueString"], answer_at + ".valueString");
          }
        }
      }
      if (item.contains("item")) check_response_items(item["item"], link_ids, at + ".item");
    }
  }

  void check_questionnaire_response(const json& response, const std::string& path) {
    check_names(response,
                with_domain({"identifier", "basedOn", "partOf", "questionnaire", "status",
                             "subject", "encounter", "authored", "author", "source", "item"}),
                path);
    if (require(response, "status", path)) {
      check_code(response["status"],
                 {"in-progress", "completed", "amended", "entered-in-error", "stopped"},
                 path + ".status");
    }
    const Names* link_ids = nullptr;
    if (response.contains("questionnaire")) {
      check_absolute_uri(response["questionnaire"], path + ".questionnaire");
      const auto found = canonicals_.find(response.value("questionnaire", ""));
      if (found == canonicals_.end()) {
        problem(path + ".questionnaire", "names no Questionnaire in the Bundle");
      } else {
        link_ids = &found->second;
      }
    }
    if (response.contains("subject"))
      check_reference(response["subject"], {"Patient"}, path + ".subject");
    if (response.contains("authored")) check_date_time(response["authored"], path + ".authored");
    if (response.contains("item")) check_response_items(response["item"], link_ids, path + ".item");
  }

  void check_procedure(const json& procedure, const std::string& path) {
    check_names(procedure,
                with_domain({"identifier",
                             "instantiatesCanonical",
                             "instantiatesUri",
                             "basedOn",
                             "partOf",
                             "status",
                             "statusReason",
                             "category",
                             "code",
                             "subject",
                             "encounter",
                             "performedDateTime",
                             "performedPeriod",
                             "performedString",
                             "performedAge",
                             "performedRange",
                             "recorder",
                             "asserter",
                             "performer",
                             "location",
                             "reasonCode",
                             "reasonReference",
                             "bodySite",
                             "outcome",
                             "report",
                             "complication",
                             "complicationDetail",
                             "followUp",
                             "note",
                             "focalDevice",
                             "usedReference",
                             "usedCode"}),
                path);
    if (require(procedure, "status", path)) {
      check_code(procedure["status"],
                 {"preparation", "in-progress", "not-done", "on-hold", "stopped", "completed",
                  "entered-in-error", "unknown"},
                 path + ".status");
    }
    if (require(procedure, "subject", path)) {
      check_reference(procedure["subject"], {"Patient", "Group"}, path + ".subject");
    }
    if (procedure.contains("statusReason")) {
      check_codeable_concept(procedure["statusReason"], path + ".statusReason");
    }
    if (procedure.contains("code")) check_codeable_concept(procedure["code"], path + ".code");
    if (procedure.contains("performedPeriod")) {
      check_period(procedure["performedPeriod"], path + ".performedPeriod");
    }
    if (procedure.contains("bodySite")) {
      check_codeable_concepts(procedure["bodySite"], path + ".bodySite");
    }
    if (procedure.contains("performer") &&
        check_array(procedure["performer"], path + ".performer")) {
      for (std::size_t i = 0; i < procedure["performer"].size(); ++i) {
        const json& performer = procedure["performer"][i];
        const std::string at = path + ".performer[" + std::to_string(i) + "]";
        check_names(performer, with_element({"function", "actor", "onBehalfOf"}), at);
        if (require(performer, "actor", at)) {
          check_reference(performer["actor"],
                          {"Practitioner", "PractitionerRole", "Organization", "Patient",
                           "RelatedPerson", "Device"},
                          at + ".actor");
        }
      }
    }
  }

  void check_codings(const json& codings, const std::string& path) {
    if (!check_array(codings, path)) return;
    for (std::size_t i = 0; i < codings.size(); ++i) {
      check_coding(codings[i], path + "[" + std::to_string(i) + "]");
    }
  }

  void check_periods(const json& periods, const std::string& path) {
    if (!check_array(periods, path)) return;
    for (std::size_t i = 0; i < periods.size(); ++i) {
      check_period(periods[i], path + "[" + std::to_string(i) + "]");
    }
  }

  // R4 appointment.html.
  void check_appointment(const json& appointment, const std::string& path) {
    check_names(appointment,
                with_domain({"identifier",
                             "status",
                             "cancelationReason",
                             "serviceCategory",
                             "serviceType",
                             "specialty",
                             "appointmentType",
                             "reasonCode",
                             "reasonReference",
                             "priority",
                             "description",
                             "supportingInformation",
                             "start",
                             "end",
                             "minutesDuration",
                             "slot",
                             "created",
                             "comment",
                             "patientInstruction",
                             "basedOn",
                             "participant",
                             "requestedPeriod"}),
                path);
    std::string status;
    if (require(appointment, "status", path)) {
      check_code(appointment["status"],
                 {"proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow",
                  "entered-in-error", "checked-in", "waitlist"},
                 path + ".status");
      status = appointment.value("status", "");
    }
    for (const char* name : {"cancelationReason", "appointmentType"}) {
      if (appointment.contains(name)) check_codeable_concept(appointment[name], path + "." + name);
    }
    for (const char* name : {"serviceCategory", "serviceType", "specialty", "reasonCode"}) {
      if (appointment.contains(name)) check_codeable_concepts(appointment[name], path + "." + name);
    }
    for (const char* name : {"description", "comment", "patientInstruction"}) {
      if (appointment.contains(name)) check_string(appointment[name], path + "." + name);
    }
    if (appointment.contains("priority") &&
        (!appointment["priority"].is_number_integer() || appointment["priority"].get<long>() < 0)) {
      problem(path + ".priority", "must be an unsignedInt");
    }
    if (appointment.contains("start")) check_instant(appointment["start"], path + ".start");
    if (appointment.contains("end")) check_instant(appointment["end"], path + ".end");
    if (appointment.contains("minutesDuration") &&
        (!appointment["minutesDuration"].is_number_integer() ||
         appointment["minutesDuration"].get<long>() < 1)) {
      problem(path + ".minutesDuration", "must be a positiveInt");
    }
    if (appointment.contains("created")) check_date_time(appointment["created"], path + ".created");
    if (appointment.contains("requestedPeriod")) {
      check_periods(appointment["requestedPeriod"], path + ".requestedPeriod");
    }
    // app-2: either start and end are specified, or neither.
    if (appointment.contains("start") != appointment.contains("end")) {
      problem(path, "start and end go together (app-2)");
    }
    // app-3: only proposed, cancelled or waitlist appointments may lack start and end.
    if ((!appointment.contains("start") || !appointment.contains("end")) && !status.empty() &&
        status != "proposed" && status != "cancelled" && status != "waitlist") {
      problem(path, "a " + status + " appointment needs start and end (app-3)");
    }
    // app-4: a cancelation reason only for a cancelled appointment or a no-show.
    if (appointment.contains("cancelationReason") && status != "cancelled" && status != "noshow") {
      problem(path + ".cancelationReason", "only when cancelled or noshow (app-4)");
    }
    if (!appointment.contains("participant")) {
      problem(path + ".participant", "is required (1..*)");
      return;
    }
    if (!check_array(appointment["participant"], path + ".participant")) return;
    for (std::size_t i = 0; i < appointment["participant"].size(); ++i) {
      const json& participant = appointment["participant"][i];
      const std::string at = path + ".participant[" + std::to_string(i) + "]";
      check_names(participant, with_element({"type", "actor", "required", "status", "period"}), at);
      // app-1: either the type or the actor is specified.
      if (!participant.contains("type") && !participant.contains("actor")) {
        problem(at, "needs a type or an actor (app-1)");
      }
      if (participant.contains("type")) check_codeable_concepts(participant["type"], at + ".type");
      if (participant.contains("actor")) {
        check_reference(participant["actor"],
                        {"Patient", "Practitioner", "PractitionerRole", "RelatedPerson", "Device",
                         "HealthcareService", "Location"},
                        at + ".actor");
      }
      if (participant.contains("required")) {
        check_code(participant["required"], {"required", "optional", "information-only"},
                   at + ".required");
      }
      if (require(participant, "status", at)) {
        check_code(participant["status"], {"accepted", "declined", "tentative", "needs-action"},
                   at + ".status");
      }
      if (participant.contains("period")) check_period(participant["period"], at + ".period");
    }
  }

  void check_consent_provision(const json& provision, const std::string& path) {
    check_names(provision,
                with_element({"type", "period", "actor", "action", "securityLabel", "purpose",
                              "class", "code", "dataPeriod", "data", "provision"}),
                path);
    if (provision.contains("type")) {
      check_code(provision["type"], {"deny", "permit"}, path + ".type");
    }
    if (provision.contains("period")) check_period(provision["period"], path + ".period");
    if (provision.contains("dataPeriod")) {
      check_period(provision["dataPeriod"], path + ".dataPeriod");
    }
    if (provision.contains("actor") && check_array(provision["actor"], path + ".actor")) {
      for (std::size_t i = 0; i < provision["actor"].size(); ++i) {
        const json& actor = provision["actor"][i];
        const std::string at = path + ".actor[" + std::to_string(i) + "]";
        check_names(actor, with_element({"role", "reference"}), at);
        if (require(actor, "role", at)) check_codeable_concept(actor["role"], at + ".role");
        if (require(actor, "reference", at)) {
          check_reference(actor["reference"],
                          {"Device", "Group", "CareTeam", "Organization", "Patient", "Practitioner",
                           "RelatedPerson", "PractitionerRole"},
                          at + ".reference");
        }
      }
    }
    for (const char* name : {"action", "code"}) {
      if (provision.contains(name)) check_codeable_concepts(provision[name], path + "." + name);
    }
    for (const char* name : {"securityLabel", "purpose", "class"}) {
      if (provision.contains(name)) check_codings(provision[name], path + "." + name);
    }
    if (provision.contains("data") && check_array(provision["data"], path + ".data")) {
      for (std::size_t i = 0; i < provision["data"].size(); ++i) {
        const json& data = provision["data"][i];
        const std::string at = path + ".data[" + std::to_string(i) + "]";
        check_names(data, with_element({"meaning", "reference"}), at);
        if (require(data, "meaning", at)) {
          check_code(data["meaning"], {"instance", "related", "dependents", "authoredby"},
                     at + ".meaning");
        }
        if (require(data, "reference", at)) {
          std::set<std::string> any;
          for (const auto& [url, type] : full_urls_) any.insert(type);
          check_reference(data["reference"], any, at + ".reference");
        }
      }
    }
    if (provision.contains("provision") &&
        check_array(provision["provision"], path + ".provision")) {
      for (std::size_t i = 0; i < provision["provision"].size(); ++i) {
        check_consent_provision(provision["provision"][i],
                                path + ".provision[" + std::to_string(i) + "]");
      }
    }
  }

  // R4 consent.html.
  void check_consent(const json& consent, const std::string& path) {
    check_names(consent,
                with_domain({"identifier", "status", "scope", "category", "patient", "dateTime",
                             "performer", "organization", "sourceAttachment", "sourceReference",
                             "policy", "policyRule", "verification", "provision"}),
                path);
    if (require(consent, "status", path)) {
      check_code(consent["status"],
                 {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"},
                 path + ".status");
    }
    if (require(consent, "scope", path)) check_codeable_concept(consent["scope"], path + ".scope");
    if (!consent.contains("category")) {
      problem(path + ".category", "is required (1..*)");
    } else {
      check_codeable_concepts(consent["category"], path + ".category");
    }
    if (consent.contains("patient")) {
      check_reference(consent["patient"], {"Patient"}, path + ".patient");
    }
    if (consent.contains("dateTime")) check_date_time(consent["dateTime"], path + ".dateTime");
    if (consent.contains("performer") && check_array(consent["performer"], path + ".performer")) {
      for (std::size_t i = 0; i < consent["performer"].size(); ++i) {
        check_reference(
            consent["performer"][i],
            {"Organization", "Patient", "Practitioner", "RelatedPerson", "PractitionerRole"},
            path + ".performer[" + std::to_string(i) + "]");
      }
    }
    if (consent.contains("policy") && check_array(consent["policy"], path + ".policy")) {
      for (std::size_t i = 0; i < consent["policy"].size(); ++i) {
        const json& policy = consent["policy"][i];
        const std::string at = path + ".policy[" + std::to_string(i) + "]";
        check_names(policy, with_element({"authority", "uri"}), at);
        if (policy.contains("authority"))
          check_absolute_uri(policy["authority"], at + ".authority");
        if (policy.contains("uri")) check_absolute_uri(policy["uri"], at + ".uri");
      }
    }
    if (consent.contains("policyRule")) {
      check_codeable_concept(consent["policyRule"], path + ".policyRule");
    }
    // ppc-1: either a policy or a policyRule.
    if (!consent.contains("policy") && !consent.contains("policyRule")) {
      problem(path, "needs a policy or a policyRule (ppc-1)");
    }
    // ppc-2: a privacy consent names its patient.
    bool privacy = false;
    if (consent.contains("scope") && consent["scope"].is_object() &&
        consent["scope"].contains("coding") && consent["scope"]["coding"].is_array()) {
      for (const json& coding : consent["scope"]["coding"]) {
        if (coding.is_object() &&
            coding.value("system", "") == "http://terminology.hl7.org/CodeSystem/consentscope" &&
            coding.value("code", "") == "patient-privacy") {
          privacy = true;
        }
      }
    }
    if (privacy && !consent.contains("patient")) {
      problem(path + ".patient", "a privacy consent needs its patient (ppc-2)");
    }
    if (consent.contains("provision")) {
      check_consent_provision(consent["provision"], path + ".provision");
    }
  }

  void check_resource(const json& resource, const std::string& path) {
    if (resource.contains("id")) check_id(resource["id"], path + ".id");
    check_extensions(resource, path);
    const std::string type = resource.value("resourceType", "");
    if (type == "Patient") {
      check_patient(resource, path);
    } else if (type == "Observation") {
      check_observation(resource, path);
    } else if (type == "Questionnaire") {
      check_questionnaire(resource, path);
    } else if (type == "QuestionnaireResponse") {
      check_questionnaire_response(resource, path);
    } else if (type == "Procedure") {
      check_procedure(resource, path);
    } else if (type == "Appointment") {
      check_appointment(resource, path);
    } else if (type == "Consent") {
      check_consent(resource, path);
    } else {
      problem(path + ".resourceType", "is not a type this checker knows: " + type);
    }
  }

  void check_bundle(const json& bundle) {
    const std::string path = "Bundle";
    if (bundle.value("resourceType", "") != "Bundle") {
      problem(path + ".resourceType", "must be Bundle");
      return;
    }
    check_names(bundle,
                {"resourceType", "id", "meta", "implicitRules", "language", "identifier", "type",
                 "timestamp", "total", "link", "entry", "signature"},
                path);
    if (require(bundle, "type", path)) {
      check_code(bundle["type"],
                 {"document", "message", "transaction", "transaction-response", "batch",
                  "batch-response", "history", "searchset", "collection"},
                 path + ".type");
    }
    const std::string type = bundle.value("type", "");
    // bdl-1: total only when a search or history.
    if (bundle.contains("total") && type != "searchset" && type != "history") {
      problem(path + ".total", "only in a search or history (bdl-1)");
    }
    if (bundle.contains("timestamp")) check_instant(bundle["timestamp"], path + ".timestamp");
    if (!bundle.contains("entry") || !check_array(bundle["entry"], path + ".entry")) return;
    const json& entries = bundle["entry"];
    // First every fullUrl (bdl-7: unique) and canonical, so references resolve in any order.
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const json& entry = entries[i];
      const std::string at = path + ".entry[" + std::to_string(i) + "]";
      check_names(entry,
                  with_element({"link", "fullUrl", "resource", "search", "request", "response"}),
                  at);
      // bdl-5: an entry has a resource or a request or a response.
      if (!entry.contains("resource") && !entry.contains("request") &&
          !entry.contains("response")) {
        problem(at, "must have a resource, a request or a response (bdl-5)");
      }
      // bdl-2, bdl-3, bdl-4: search, request and response only in some bundle types.
      if (entry.contains("search") && type != "searchset") problem(at + ".search", "bdl-2");
      if (entry.contains("request") && type != "batch" && type != "transaction" &&
          type != "history") {
        problem(at + ".request", "bdl-3");
      }
      if (entry.contains("response") && type != "batch-response" &&
          type != "transaction-response" && type != "history") {
        problem(at + ".response", "bdl-4");
      }
      if (!entry.contains("fullUrl")) continue;
      check_absolute_uri(entry["fullUrl"], at + ".fullUrl");
      const std::string full_url = entry.value("fullUrl", "");
      static const std::regex kUrnUuid(
          "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
      if (full_url.rfind("urn:uuid:", 0) == 0 && !std::regex_match(full_url, kUrnUuid)) {
        problem(at + ".fullUrl", "is not a well-formed urn:uuid (lowercase 8-4-4-4-12)");
      }
      const json resource = entry.value("resource", json::object());
      if (!full_urls_.emplace(full_url, resource.value("resourceType", "")).second) {
        problem(at + ".fullUrl", "is not unique in the Bundle (bdl-7)");
      }
      // A urn:uuid fullUrl names the resource: its id, when given, is that UUID.
      if (full_url.rfind("urn:uuid:", 0) == 0 && resource.contains("id") &&
          resource["id"] != full_url.substr(9)) {
        problem(at + ".resource.id", "differs from the UUID of its fullUrl");
      }
      if (resource.value("resourceType", "") == "Questionnaire" && resource.contains("url")) {
        Names link_ids;
        collect_link_ids(resource.value("item", json::array()), link_ids);
        canonicals_[resource.value("url", "")] = std::move(link_ids);
      }
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (!entries[i].contains("resource")) continue;
      check_resource(entries[i]["resource"], path + ".entry[" + std::to_string(i) + "].resource");
    }
  }

  static void collect_link_ids(const json& items, Names& link_ids) {
    if (!items.is_array()) return;
    for (const json& item : items) {
      if (!item.is_object()) continue;
      if (item.contains("linkId") && item["linkId"].is_string()) {
        link_ids.insert(item["linkId"].get<std::string>());
      }
      if (item.contains("item")) collect_link_ids(item["item"], link_ids);
    }
  }

  std::vector<std::string> problems_;
  std::map<std::string, std::string> full_urls_;  // fullUrl -> resourceType.
  std::map<std::string, Names> canonicals_;       // Questionnaire.url -> its linkIds.
};

// Every problem of `bundle`, as above.
inline std::vector<std::string> validate_fhir_bundle(const nlohmann::json& bundle) {
  return FhirValidator().validate(bundle);
}

}  // namespace hipcoach::service::testing
