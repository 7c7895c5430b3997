#include "hipcoach/core/codec.h"

#include <set>
#include <string>

namespace hipcoach::core {

namespace {

using nlohmann::json;

json statement_json(const Statement& statement) {
  return {{"text", statement.text}, {"cite", statement.cite}};
}

json statements_json(const std::vector<Statement>& statements) {
  json out = json::array();
  for (const Statement& statement : statements) out.push_back(statement_json(statement));
  return out;
}

json step_json(const Step& step) {
  return {{"advice", statement_json(step.advice)}, {"caveats", statements_json(step.caveats)}};
}

json group_json(const MuscleGroup& group) {
  json muscles = json::array();
  for (const Muscle& muscle : group.muscles) {
    muscles.push_back({{"id", muscle.id}, {"name", muscle.name}});
  }
  json areas = json::array();
  for (const TreatmentArea& area : group.areas) {
    areas.push_back({{"id", area.id},
                     {"name", area.name},
                     {"description", statement_json(area.description)},
                     {"fibre_direction", area.fibre_direction},
                     {"body_map_area", area.body_map_area}});
  }
  return {{"id", group.id},
          {"name", group.name},
          {"order", group.order},
          {"summary", statement_json(group.summary)},
          {"muscles", std::move(muscles)},
          {"location", statement_json(group.location)},
          {"function", statement_json(group.function)},
          {"why_trigger_points", statement_json(group.why_trigger_points)},
          {"position", step_json(group.position)},
          {"locate", step_json(group.locate)},
          {"treat", step_json(group.treat)},
          {"tool", group.tool},
          {"hold_seconds",
           {{"min", group.hold_seconds.min},
            {"max", group.hold_seconds.max},
            {"cite", group.hold_seconds.cite}}},
          {"body_map_view", group.body_map_view},
          {"landmarks", group.landmarks},
          {"areas", std::move(areas)},
          {"cautions", statements_json(group.cautions)}};
}

json view_json(const BodyMapView& view) {
  return {{"id", view.id}, {"name", view.name}, {"width", view.width}, {"height", view.height}};
}

json landmark_json(const Landmark& landmark) {
  json positions = json::array();
  for (const MapPoint& point : landmark.positions) {
    positions.push_back({{"view", point.view}, {"x", point.x}, {"y", point.y}});
  }
  return {{"id", landmark.id},
          {"name", landmark.name},
          {"cite", landmark.cite},
          {"positions", std::move(positions)}};
}

json area_json(const BodyMapArea& area) {
  return {{"id", area.id},
          {"name", area.name},
          {"kind", area.kind == AreaKind::kTreat ? "treat" : "avoid"},
          {"view", area.view},
          {"cx", area.cx},
          {"cy", area.cy},
          {"rx", area.rx},
          {"ry", area.ry},
          {"rotate_degrees", area.rotate_degrees}};
}

json guidance_json(const std::vector<GuidanceSection>& guidance) {
  json out = json::array();
  for (const GuidanceSection& section : guidance) {
    out.push_back({{"id", section.id},
                   {"title", section.title},
                   {"statements", statements_json(section.statements)}});
  }
  return out;
}

void collect(std::set<std::string>& ids, const Statement& statement) {
  ids.insert(statement.cite.begin(), statement.cite.end());
}

void collect(std::set<std::string>& ids, const std::vector<Statement>& statements) {
  for (const Statement& statement : statements) collect(ids, statement);
}

void collect(std::set<std::string>& ids, const Step& step) {
  collect(ids, step.advice);
  collect(ids, step.caveats);
}

// The ids of every source the group cites, directly or through its landmarks.
std::set<std::string> cited_by(const Protocol& protocol, const MuscleGroup& group) {
  std::set<std::string> ids;
  for (const Statement* statement :
       {&group.summary, &group.location, &group.function, &group.why_trigger_points}) {
    collect(ids, *statement);
  }
  collect(ids, group.position);
  collect(ids, group.locate);
  collect(ids, group.treat);
  ids.insert(group.hold_seconds.cite.begin(), group.hold_seconds.cite.end());
  for (const TreatmentArea& area : group.areas) collect(ids, area.description);
  collect(ids, group.cautions);
  for (const Landmark& landmark : protocol.body_map.landmarks) {
    for (const std::string& id : group.landmarks) {
      if (landmark.id == id) ids.insert(landmark.cite.begin(), landmark.cite.end());
    }
  }
  return ids;
}

}  // namespace

json to_json(const Protocol& protocol) {
  json groups = json::array();
  for (const MuscleGroup& group : protocol.groups) groups.push_back(group_json(group));
  json views = json::array();
  for (const BodyMapView& view : protocol.body_map.views) views.push_back(view_json(view));
  json landmarks = json::array();
  for (const Landmark& landmark : protocol.body_map.landmarks) {
    landmarks.push_back(landmark_json(landmark));
  }
  json areas = json::array();
  for (const BodyMapArea& area : protocol.body_map.areas) areas.push_back(area_json(area));
  json sources = json::array();
  for (const Source& source : protocol.sources) sources.push_back(to_json(source));
  return {{"groups", std::move(groups)},
          {"guidance", guidance_json(protocol.guidance)},
          {"body_map",
           {{"views", std::move(views)},
            {"landmarks", std::move(landmarks)},
            {"areas", std::move(areas)}}},
          {"sources", std::move(sources)}};
}

json to_json(const Source& source) {
  return {{"id", source.id},
          {"kind", source.kind == SourceKind::kClinic ? "clinic" : "published"},
          {"title", source.title},
          {"authors", source.authors},
          {"publication", source.publication},
          {"year", source.year},
          {"url", source.url},
          {"note", source.note}};
}

json to_json(const Statement& statement) { return statement_json(statement); }

json body_map_to_json(const Protocol& protocol, const std::set<std::string>& views,
                      const std::set<std::string>& landmarks) {
  json view_list = json::array();
  for (const BodyMapView& view : protocol.body_map.views) {
    if (views.count(view.id) != 0) view_list.push_back(view_json(view));
  }
  json landmark_list = json::array();
  for (const Landmark& landmark : protocol.body_map.landmarks) {
    if (landmarks.count(landmark.id) != 0) landmark_list.push_back(landmark_json(landmark));
  }
  // Every area on those views: the places to treat and the places to avoid.
  json areas = json::array();
  for (const BodyMapArea& area : protocol.body_map.areas) {
    if (views.count(area.view) != 0) areas.push_back(area_json(area));
  }
  return {{"views", std::move(view_list)},
          {"landmarks", std::move(landmark_list)},
          {"areas", std::move(areas)}};
}

json group_to_json(const Protocol& protocol, const MuscleGroup& group) {
  const std::set<std::string> landmarks(group.landmarks.begin(), group.landmarks.end());
  return {{"group", group_json(group)},
          {"body_map", body_map_to_json(protocol, {group.body_map_view}, landmarks)},
          {"sources", sources_to_json(protocol, cited_by(protocol, group))}};
}

json group_list_to_json(const Protocol& protocol) {
  json out = json::array();
  for (const MuscleGroup& group : protocol.groups) {
    out.push_back({{"id", group.id},
                   {"name", group.name},
                   {"order", group.order},
                   {"summary", statement_json(group.summary)}});
  }
  return out;
}

namespace {

json threshold_json(const Threshold& threshold) {
  return {{"points", threshold.points},
          {"percent", threshold.percent ? json(*threshold.percent) : json(nullptr)},
          {"cite", threshold.cite}};
}

json optional_threshold_json(const std::optional<Threshold>& threshold) {
  return threshold ? threshold_json(*threshold) : json(nullptr);
}

void add_cites(std::set<std::string>& ids, const std::vector<std::string>& cite) {
  ids.insert(cite.begin(), cite.end());
}

void add_cites(std::set<std::string>& ids, const std::optional<Threshold>& threshold) {
  if (threshold) add_cites(ids, threshold->cite);
}

}  // namespace

json to_json(const Questionnaire& questionnaire) {
  json anchors = json::array();
  for (const ScaleAnchor& anchor : questionnaire.scale.anchors) {
    anchors.push_back({{"value", anchor.value}, {"label", anchor.label}});
  }
  json items = json::array();
  for (const QuestionnaireItem& item : questionnaire.items) {
    items.push_back({{"id", item.id}, {"text", item.text}});
  }
  json patient_items = nullptr;
  if (questionnaire.patient_items) {
    patient_items = {{"min_count", questionnaire.patient_items->min_count},
                     {"max_count", questionnaire.patient_items->max_count},
                     {"prompt", questionnaire.patient_items->prompt}};
  }
  const Scoring& scoring = questionnaire.scoring;
  return {{"id", questionnaire.id},
          {"name", questionnaire.name},
          {"instructions", questionnaire.instructions},
          {"licence", statement_json(questionnaire.licence)},
          {"wording_cite", questionnaire.wording_cite},
          {"scale",
           {{"min", questionnaire.scale.min},
            {"max", questionnaire.scale.max},
            {"anchors", std::move(anchors)},
            {"cite", questionnaire.scale.cite}}},
          {"items", std::move(items)},
          {"patient_items", std::move(patient_items)},
          {"scoring",
           {{"method", scoring_method_name(scoring.method)},
            {"min", scoring.min},
            {"max", scoring.max},
            {"direction", direction_name(scoring.direction)},
            {"cite", scoring.cite}}},
          {"thresholds",
           {{"mcid", threshold_json(questionnaire.thresholds.mcid)},
            {"mdc", optional_threshold_json(questionnaire.thresholds.mdc)},
            {"much_better", optional_threshold_json(questionnaire.thresholds.much_better)}}}};
}

json questionnaires_to_json(const Protocol& protocol) {
  json list = json::array();
  std::set<std::string> cited;
  for (const Questionnaire& questionnaire : protocol.questionnaires) {
    list.push_back(to_json(questionnaire));
    add_cites(cited, questionnaire.licence.cite);
    add_cites(cited, questionnaire.wording_cite);
    add_cites(cited, questionnaire.scale.cite);
    add_cites(cited, questionnaire.scoring.cite);
    add_cites(cited, questionnaire.thresholds.mcid.cite);
    add_cites(cited, questionnaire.thresholds.mdc);
    add_cites(cited, questionnaire.thresholds.much_better);
  }
  return {{"questionnaires", std::move(list)}, {"sources", sources_to_json(protocol, cited)}};
}

json to_json(const QuestionnaireScore& score) {
  return {{"value", score.value},
          {"min", score.min},
          {"max", score.max},
          {"direction", direction_name(score.direction)},
          {"answered", score.answered}};
}

json sources_to_json(const Protocol& protocol, const std::set<std::string>& ids) {
  json sources = json::array();
  for (const Source& source : protocol.sources) {
    if (ids.count(source.id) != 0) sources.push_back(to_json(source));
  }
  return sources;
}

json to_json(const Diagnostic& diagnostic) {
  return {{"file", diagnostic.file},
          {"line", diagnostic.line},
          {"column", diagnostic.column},
          {"path", diagnostic.path},
          {"message", diagnostic.message}};
}

json to_json(const std::vector<Diagnostic>& diagnostics) {
  json out = json::array();
  for (const Diagnostic& diagnostic : diagnostics) out.push_back(to_json(diagnostic));
  return out;
}

json to_json(const ClinicSettings& clinic) {
  json types = json::array();
  for (const AppointmentType& type : clinic.appointment_types) {
    types.push_back({{"id", type.id}, {"name", type.name}, {"minutes", type.minutes}});
  }
  json offers = json::array();
  for (const EquipmentOffer& offer : clinic.offers) {
    offers.push_back({{"id", offer.id},
                      {"product", offer.product},
                      {"text", offer.text},
                      {"code", offer.code},
                      {"url", offer.url}});
  }
  return {{"name", clinic.name},
          {"address", clinic.address},
          {"phone", clinic.phone},
          {"tel", tel_digits(clinic.phone)},
          {"hours", clinic.hours},
          {"emergency_number", clinic.emergency_number},
          {"appointment_types", std::move(types)},
          {"offers", std::move(offers)}};
}

}  // namespace hipcoach::core
