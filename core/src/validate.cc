#include "hipcoach/core/validate.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "clinic_data.h"
#include "hipcoach/core/utf8.h"
#include "questionnaire_data.h"
#include "session_data.h"
#include "toml_reader.h"
#include "triage_data.h"

namespace hipcoach::core {

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ':' + std::to_string(line) + ':' + std::to_string(column);
  }
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

namespace {

using namespace detail;  // NOLINT: the reader toolkit is this file's vocabulary.

constexpr std::string_view kRequiredSections[] = {
    "temporary-relief", "long-term-plan", "when-to-get-help", "tender-spots", "massage-gun-safety"};

// A view that a group or area is drawn on; coordinates are checked against it later.
struct PlacedOnView {
  std::string view;
  std::string file;
  Position where;
  std::string path;
  int x = 0;
  int y = 0;
};

struct GroupViewCheck {
  std::string group_view;
  std::string file;
  Position where;
  std::string path;
  std::string id;
  enum class What { kLandmark, kArea } what;
};

struct Context {
  std::vector<PlacedOnView> points;
  std::vector<GroupViewCheck> group_checks;
  std::map<std::string, Position> section_ids;
  bool unreadable_files = false;  // A file failed to parse or has no known kind.
};

void read_muscle_group(TableReader& root, Protocol& protocol, Context& context) {
  MuscleGroup group;
  group.id = read_defined_id(root, "group");
  group.name = root.string("name").value_or("");
  group.order = static_cast<int>(root.integer("order", 1, 100).value_or(0));
  group.tool = root.string("tool").value_or("");
  group.body_map_view = root.id("body_map_view").value_or("");
  refer(root, RefKind::kView, group.body_map_view, "body_map_view");

  group.landmarks = root.id_list("landmarks");
  const toml::node* landmarks_node = root.node("landmarks", false, "");
  const auto* landmarks_array = landmarks_node != nullptr ? landmarks_node->as_array() : nullptr;
  for (std::size_t i = 0; i < group.landmarks.size(); ++i) {
    const toml::node* element =
        landmarks_array != nullptr && i < landmarks_array->size() ? landmarks_array->get(i)
                                                                  : landmarks_node;
    const std::string path = index_path("landmarks", i);
    refer(root, RefKind::kLandmark, group.landmarks[i], "landmarks", element, path);
    context.group_checks.push_back({group.body_map_view, std::string(root.file()),
                                    where_of(element, root), path, group.landmarks[i],
                                    GroupViewCheck::What::kLandmark});
  }

  group.summary = read_statement(root, "summary");
  group.location = read_statement(root, "location");
  group.function = read_statement(root, "function");
  group.why_trigger_points = read_statement(root, "why_trigger_points");
  group.hold_seconds = read_range(root, "hold_seconds", 10, 600);

  const auto muscles = root.tables("muscles", 1);
  for (std::size_t i = 0; i < muscles.size(); ++i) {
    TableReader reader(root.checker(), root.file(), *muscles[i], index_path("muscles", i));
    Muscle muscle;
    muscle.id = read_defined_id(reader, "muscle");
    muscle.name = reader.string("name").value_or("");
    reader.finish();
    group.muscles.push_back(std::move(muscle));
  }

  group.position = read_step(root, "position");
  group.locate = read_step(root, "locate");
  group.treat = read_step(root, "treat");

  const auto areas = root.tables("areas", 1);
  for (std::size_t i = 0; i < areas.size(); ++i) {
    TableReader reader(root.checker(), root.file(), *areas[i], index_path("areas", i));
    TreatmentArea area;
    area.id = read_defined_id(reader, "treatment area");
    area.name = reader.string("name").value_or("");
    area.fibre_direction = reader.string("fibre_direction", false).value_or("");
    area.body_map_area = reader.id("body_map_area").value_or("");
    refer(reader, RefKind::kArea, area.body_map_area, "body_map_area");
    if (!area.body_map_area.empty()) {
      const toml::node* node = reader.node("body_map_area", false, "");
      context.group_checks.push_back({group.body_map_view, std::string(root.file()),
                                      where_of(node, reader),
                                      join_path(reader.path(), "body_map_area"),
                                      area.body_map_area, GroupViewCheck::What::kArea});
    }
    area.description = read_statement(reader, "description");
    reader.finish();
    group.areas.push_back(std::move(area));
  }

  group.cautions = read_statements(root, "cautions", 1);
  protocol.groups.push_back(std::move(group));
}

void read_guidance(TableReader& root, Protocol& protocol, Context& context) {
  const auto sections = root.tables("sections", 1);
  for (std::size_t i = 0; i < sections.size(); ++i) {
    TableReader reader(root.checker(), root.file(), *sections[i], index_path("sections", i));
    GuidanceSection section;
    section.id = read_defined_id(reader, "guidance section");
    section.title = reader.string("title").value_or("");
    section.statements = read_statements(reader, "statements", 1);
    reader.finish();
    if (!section.id.empty()) context.section_ids.emplace(section.id, reader.where());
    protocol.guidance.push_back(std::move(section));
  }
}

void read_body_map(TableReader& root, Protocol& protocol, Context& context) {
  BodyMap& map = protocol.body_map;
  const auto views = root.tables("views", 1);
  for (std::size_t i = 0; i < views.size(); ++i) {
    TableReader reader(root.checker(), root.file(), *views[i], index_path("views", i));
    BodyMapView view;
    view.id = read_defined_id(reader, "view");
    view.name = reader.string("name").value_or("");
    view.width = static_cast<int>(reader.integer("width", 50, 2000).value_or(0));
    view.height = static_cast<int>(reader.integer("height", 50, 2000).value_or(0));
    reader.finish();
    map.views.push_back(std::move(view));
  }

  const auto landmarks = root.tables("landmarks", 1);
  for (std::size_t i = 0; i < landmarks.size(); ++i) {
    TableReader reader(root.checker(), root.file(), *landmarks[i], index_path("landmarks", i));
    Landmark landmark;
    landmark.id = read_defined_id(reader, "landmark");
    landmark.name = reader.string("name").value_or("");
    landmark.cite = read_cite(reader);
    const auto positions = reader.tables("positions", 1);
    for (std::size_t j = 0; j < positions.size(); ++j) {
      TableReader point_reader(root.checker(), root.file(), *positions[j],
                               index_path(join_path(reader.path(), "positions"), j));
      MapPoint point;
      point.view = point_reader.id("view").value_or("");
      refer(point_reader, RefKind::kView, point.view, "view");
      point.x = static_cast<int>(point_reader.integer("x", 0, 2000).value_or(0));
      point.y = static_cast<int>(point_reader.integer("y", 0, 2000).value_or(0));
      point_reader.finish();
      context.points.push_back({point.view, std::string(root.file()), point_reader.where(),
                                point_reader.path(), point.x, point.y});
      landmark.positions.push_back(std::move(point));
    }
    reader.finish();
    map.landmarks.push_back(std::move(landmark));
  }

  const auto areas = root.tables("areas", 1);
  for (std::size_t i = 0; i < areas.size(); ++i) {
    TableReader reader(root.checker(), root.file(), *areas[i], index_path("areas", i));
    BodyMapArea area;
    area.id = read_defined_id(reader, "body-map area");
    area.name = reader.string("name").value_or("");
    if (auto kind = reader.string("kind")) {
      if (*kind == "treat") {
        area.kind = AreaKind::kTreat;
      } else if (*kind == "avoid") {
        area.kind = AreaKind::kAvoid;
      } else {
        reader.report(*reader.node("kind", false, ""), join_path(reader.path(), "kind"),
                      "must be \"treat\" or \"avoid\", got \"" + *kind + "\"");
      }
    }
    area.view = reader.id("view").value_or("");
    refer(reader, RefKind::kView, area.view, "view");
    area.cx = static_cast<int>(reader.integer("cx", 0, 2000).value_or(0));
    area.cy = static_cast<int>(reader.integer("cy", 0, 2000).value_or(0));
    area.rx = static_cast<int>(reader.integer("rx", 1, 2000).value_or(1));
    area.ry = static_cast<int>(reader.integer("ry", 1, 2000).value_or(1));
    area.rotate_degrees =
        static_cast<int>(reader.integer("rotate_degrees", -180, 180, false).value_or(0));
    reader.finish();
    context.points.push_back(
        {area.view, std::string(root.file()), reader.where(), reader.path(), area.cx, area.cy});
    map.areas.push_back(std::move(area));
  }
}

void read_sources(Checker& checker, const DataFile& file, const toml::table& document,
                  Protocol& protocol) {
  TableReader root(checker, file.name, document, "");
  const auto sources = root.tables("sources", 1);
  for (std::size_t i = 0; i < sources.size(); ++i) {
    TableReader reader(checker, file.name, *sources[i], index_path("sources", i));
    Source source;
    source.id = read_defined_id(reader, "source");
    if (auto kind = reader.string("kind")) {
      if (*kind == "clinic") {
        source.kind = SourceKind::kClinic;
      } else if (*kind == "published") {
        source.kind = SourceKind::kPublished;
      } else {
        reader.report(*reader.node("kind", false, ""), join_path(reader.path(), "kind"),
                      "must be \"clinic\" or \"published\", got \"" + *kind + "\"");
      }
    }
    source.title = reader.string("title").value_or("");
    source.authors = reader.string("authors", false).value_or("");
    source.publication = reader.string("publication", false).value_or("");
    source.year = static_cast<int>(reader.integer("year", 1900, 2100, false).value_or(0));
    source.url = reader.string("url", false).value_or("");
    source.note = reader.string("note", false).value_or("");
    reader.finish();
    protocol.sources.push_back(std::move(source));
  }
  root.finish();
}

// Checks size and encoding, then parses. Returns nullopt after reporting.
std::optional<toml::table> parse_file(Checker& checker, const DataFile& file) {
  if (file.text.size() > kMaxDataFileBytes) {
    checker.report(file.name, {}, "",
                   "file is larger than 1 MiB (" + std::to_string(kMaxDataFileBytes) +
                       " bytes); refusing to read it");
    return std::nullopt;
  }
  // toml++ 3.3.0 has undefined behaviour on some invalid UTF-8, so check first.
  if (const auto bad = find_invalid_utf8(file.text)) {
    checker.report(file.name, {bad->line, bad->column}, "",
                   "text is not valid UTF-8 (byte " + std::to_string(bad->offset) + ")");
    return std::nullopt;
  }
  try {
    return toml::parse(file.text, std::string_view(file.name));
  } catch (const toml::parse_error& error) {
    checker.report(file.name, position_of(error.source()), "",
                   "TOML syntax error: " + std::string(error.description()));
    return std::nullopt;
  }
}

std::string_view ref_kind_name(RefKind kind) {
  switch (kind) {
    case RefKind::kSource:
      return "source";
    case RefKind::kView:
      return "view";
    case RefKind::kLandmark:
      return "landmark";
    case RefKind::kArea:
      return "body-map area";
    case RefKind::kGroup:
      return "muscle group";
  }
  return "id";
}

template <typename T>
std::set<std::string> ids_of(const std::vector<T>& items) {
  std::set<std::string> ids;
  for (const auto& item : items) {
    if (!item.id.empty()) ids.insert(item.id);
  }
  return ids;
}

void check_cross_references(Checker& checker, const Protocol& protocol,
                            const Context& context, std::string_view dir_name) {
  const std::set<std::string> sources = ids_of(protocol.sources);
  const std::set<std::string> views = ids_of(protocol.body_map.views);
  const std::set<std::string> landmarks = ids_of(protocol.body_map.landmarks);
  const std::set<std::string> areas = ids_of(protocol.body_map.areas);
  const std::set<std::string> groups = ids_of(protocol.groups);

  for (const Reference& reference : checker.references()) {
    const std::set<std::string>* known = nullptr;
    switch (reference.kind) {
      case RefKind::kSource:
        known = &sources;
        break;
      case RefKind::kView:
        known = &views;
        break;
      case RefKind::kLandmark:
        known = &landmarks;
        break;
      case RefKind::kArea:
        known = &areas;
        break;
      case RefKind::kGroup:
        known = &groups;
        break;
    }
    if (known->count(reference.id) == 0) {
      checker.report(reference.file, reference.where, reference.path,
                     std::string(ref_kind_name(reference.kind)) + " \"" + reference.id +
                         "\" does not exist");
    }
  }

  for (const PlacedOnView& point : context.points) {
    const auto view = std::find_if(protocol.body_map.views.begin(), protocol.body_map.views.end(),
                                   [&](const BodyMapView& v) { return v.id == point.view; });
    if (view == protocol.body_map.views.end() || view->width == 0 || view->height == 0) continue;
    if (point.x > view->width || point.y > view->height) {
      checker.report(point.file, point.where, point.path,
                     "point (" + std::to_string(point.x) + ", " + std::to_string(point.y) +
                         ") lies outside view \"" + view->id + "\" (" +
                         std::to_string(view->width) + " x " + std::to_string(view->height) +
                         ")");
    }
  }

  for (const GroupViewCheck& check : context.group_checks) {
    // An unknown view is reported once, above; checks against it would only repeat it.
    if (views.count(check.group_view) == 0) continue;
    if (check.what == GroupViewCheck::What::kLandmark) {
      const auto it =
          std::find_if(protocol.body_map.landmarks.begin(), protocol.body_map.landmarks.end(),
                       [&](const Landmark& l) { return l.id == check.id; });
      if (it == protocol.body_map.landmarks.end()) continue;
      const bool on_view = std::any_of(it->positions.begin(), it->positions.end(),
                                       [&](const MapPoint& p) { return p.view == check.group_view; });
      if (!on_view) {
        checker.report(check.file, check.where, check.path,
                       "landmark \"" + check.id + "\" has no position on view \"" +
                           check.group_view + "\"");
      }
    } else {
      const auto it = std::find_if(protocol.body_map.areas.begin(), protocol.body_map.areas.end(),
                                   [&](const BodyMapArea& a) { return a.id == check.id; });
      if (it == protocol.body_map.areas.end()) continue;
      if (it->view != check.group_view) {
        checker.report(check.file, check.where, check.path,
                       "body-map area \"" + check.id + "\" is on view \"" + it->view +
                           "\", not on the group's view \"" + check.group_view + "\"");
      } else if (it->kind != AreaKind::kTreat) {
        checker.report(check.file, check.where, check.path,
                       "body-map area \"" + check.id + "\" is a place to avoid, not to treat");
      }
    }
  }

  // A file that could not be read may hold what is missing; say nothing more then.
  if (context.unreadable_files) return;
  for (const std::string_view required : kRequiredSections) {
    if (context.section_ids.count(std::string(required)) == 0) {
      checker.report(dir_name, {}, "",
                     "the guidance section \"" + std::string(required) +
                         "\" is missing (no file of kind \"guidance\" defines it)");
    }
  }
  if (protocol.groups.empty()) {
    checker.report(dir_name, {}, "", "no file of kind \"muscle_group\"");
  }
  if (protocol.body_map.views.empty()) {
    checker.report(dir_name, {}, "", "no file of kind \"body_map\" with a view");
  }
}

std::string directory_of(std::span<const DataFile> files) {
  if (files.empty()) return "protocol";
  const std::string& name = files.front().name;
  const auto slash = name.find_last_of('/');
  return slash == std::string::npos ? std::string(".") : name.substr(0, slash);
}

}  // namespace

LoadedProtocol load_protocol(const DataFile& sources, std::span<const DataFile> protocol_files) {
  LoadedProtocol loaded;
  Checker checker(loaded.diagnostics);
  Context context;
  TriageContext triage_context;
  bool session_seen = false;

  if (auto document = parse_file(checker, sources)) {
    read_sources(checker, sources, *document, loaded.protocol);
  }

  for (const DataFile& file : protocol_files) {
    auto document = parse_file(checker, file);
    if (!document) {
      context.unreadable_files = true;
      continue;
    }
    TableReader root(checker, file.name, *document, "");
    const auto kind = root.string("kind");
    if (!kind) {  // Reported; without a kind the rest cannot be checked.
      context.unreadable_files = true;
      continue;
    }
    if (*kind == "muscle_group") {
      read_muscle_group(root, loaded.protocol, context);
    } else if (*kind == "guidance") {
      read_guidance(root, loaded.protocol, context);
    } else if (*kind == "body_map") {
      read_body_map(root, loaded.protocol, context);
    } else if (*kind == "triage_questions") {
      read_triage_questions(root, loaded.protocol, triage_context);
    } else if (*kind == "triage_rules") {
      read_triage_rules(root, loaded.protocol, triage_context);
    } else if (*kind == "questionnaire") {
      read_questionnaire(root, loaded.protocol);
    } else if (*kind == "session") {
      read_session(root, loaded.protocol, session_seen);
    } else if (*kind == "clinic") {
      read_clinic(root, loaded.protocol);
    } else {
      root.report(*root.node("kind", false, ""), "kind",
                  "must be \"muscle_group\", \"guidance\", \"body_map\", "
                  "\"triage_questions\", \"triage_rules\", \"questionnaire\", \"session\" or "
                  "\"clinic\", got \"" +
                      *kind + "\"");
      context.unreadable_files = true;
      continue;
    }
    root.finish();
  }

  check_cross_references(checker, loaded.protocol, context, directory_of(protocol_files));
  if (!context.unreadable_files) {
    check_triage(checker, loaded.protocol, triage_context, directory_of(protocol_files));
  }

  std::stable_sort(loaded.protocol.groups.begin(), loaded.protocol.groups.end(),
                   [](const MuscleGroup& a, const MuscleGroup& b) {
                     return std::tie(a.order, a.id) < std::tie(b.order, b.id);
                   });
  std::stable_sort(loaded.protocol.questionnaires.begin(), loaded.protocol.questionnaires.end(),
                   [](const Questionnaire& a, const Questionnaire& b) { return a.id < b.id; });
  std::stable_sort(loaded.diagnostics.begin(), loaded.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.file, a.line, a.column) <
                            std::tie(b.file, b.line, b.column);
                   });
  return loaded;
}

}  // namespace hipcoach::core
