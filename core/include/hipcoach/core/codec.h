// JSON views of the core's values, for the HTTP API and the CLI's --json.
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/validate.h"

namespace hipcoach::core {

// The whole protocol: {"groups": [...], "guidance": [...], "body_map": {...},
// "sources": [...]}. Field names are those of the TOML data (docs/protocol-data.md).
nlohmann::json to_json(const Protocol& protocol);

// A source: {"id", "kind": "clinic"|"published", "title", "authors",
// "publication", "year" (0 when unknown), "url", "note"}.
nlohmann::json to_json(const Source& source);

// One group with the body map parts it uses and the sources it cites:
// {"group": {...}, "body_map": {...}, "sources": [...]}.
nlohmann::json group_to_json(const Protocol& protocol, const MuscleGroup& group);

// A statement: {"text", "cite"}.
nlohmann::json to_json(const Statement& statement);

// The body-map views in `views`, the landmarks in `landmarks` and every area
// on those views: {"views": [...], "landmarks": [...], "areas": [...]}, in
// protocol order.
nlohmann::json body_map_to_json(const Protocol& protocol, const std::set<std::string>& views,
                                const std::set<std::string>& landmarks);

// A short list for menus: [{"id", "name", "summary", "order"}...].
nlohmann::json group_list_to_json(const Protocol& protocol);

// A questionnaire for people and programs: {"id", "name", "instructions",
// "licence": statement, "wording_cite", "scale": {"min", "max", "anchors":
// [{"value", "label"}], "cite"}, "items": [{"id", "text"}], "patient_items":
// {"min_count", "max_count", "prompt"} or null, "scoring": {"method", "min",
// "max", "direction", "cite"}, "thresholds": {"mcid": T, "mdc": T or null,
// "much_better": T or null}} where T is {"points", "percent" (or null), "cite"}.
nlohmann::json to_json(const Questionnaire& questionnaire);

// Every questionnaire and the sources they cite: {"questionnaires": [...], "sources": [...]}.
nlohmann::json questionnaires_to_json(const Protocol& protocol);

// A score: {"value", "min", "max", "direction", "answered"}.
nlohmann::json to_json(const QuestionnaireScore& score);

// The sources among protocol.sources whose ids are in `ids`, in protocol order.
nlohmann::json sources_to_json(const Protocol& protocol, const std::set<std::string>& ids);

// The clinic's settings: {"name", "address" ("" when not given), "phone",
// "tel" (its digits, for a tel: link), "hours": [...] ([] when not given:
// "call to ask"), "emergency_number", "appointment_types": [{"id", "name",
// "minutes"}], "offers": [{"id", "product", "text", "code", "url"}] ("" when
// an offer has no code or url)}.
nlohmann::json to_json(const ClinicSettings& clinic);

nlohmann::json to_json(const Diagnostic& diagnostic);
nlohmann::json to_json(const std::vector<Diagnostic>& diagnostics);

}  // namespace hipcoach::core

// Triage over JSON: the answers contract (docs/triage-data.md, README "Triage").
#include <string>
#include <unordered_map>

#include "hipcoach/core/result.h"
#include "hipcoach/core/triage.h"

namespace hipcoach::core {

// Reads answers from parsed JSON. Errors (kInvalidInput) name the field as a
// JSON Pointer in where(): an unknown key or value, a wrong type, a number out
// of range, a value listed twice; all missing answers are listed in one error
// (where "/"). Never defaults a missing answer.
Result<Answers> answers_from_json(const nlohmann::json& json);

// Parses `text` as JSON, then answers_from_json. A syntax error gives where
// "/" and the line and column in the message.
Result<Answers> parse_answers(std::string_view text);

// Checks one answer (e.g. typed at the terminal) as answers_from_json would.
Result<void> check_answer(const AnswerField& field, const nlohmann::json& value);

// The result for people and programs: disposition, reasons with their
// sources, groups, cautions, advice and the sources they cite.
nlohmann::json to_json(const Protocol& protocol, const TriageResult& result);

// Writes triage results as JSON text, the same bytes as
// to_json(protocol, result).dump(), from fragments serialized once: the
// server's hot path. Immutable after construction; thread-safe.
class TriageJsonWriter {
 public:
  // REQUIRES: `protocol` outlives the writer, and results passed to write()
  // come from evaluate_triage() on this same protocol.
  explicit TriageJsonWriter(const Protocol& protocol);

  std::string write(const TriageResult& result) const;

 private:
  struct Fragment {
    std::string json;                  // One serialized object.
    std::vector<std::size_t> sources;  // Indexes into protocol.sources that it cites.
  };
  Fragment fragment(const nlohmann::json& object, const std::vector<std::string>& cite) const;
  void append(std::string& out, const Fragment& fragment, std::vector<char>& cited) const;

  const Protocol& protocol_;
  std::unordered_map<const void*, Fragment> rules_;  // Keyed by the rule's address.
  Fragment default_reason_;
  std::vector<std::string> sources_;  // Serialized, in protocol order.
};

// The questionnaire: [{"id", "prompt", "help", "type", "min", "max", "unit",
// "none_label", "options": [{"value", "label", "help"}]}...].
nlohmann::json questions_to_json(const TriageData& triage);

}  // namespace hipcoach::core
