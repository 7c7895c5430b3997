// The hip protocol as data: the article's muscle groups, the general guidance,
// the body map and the sources every statement cites.
//
// These are plain structs, filled by load_protocol() (validate.h) and read by
// the server, the CLI and later the triage and session code. A loaded
// Protocol is immutable by convention and safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hipcoach/core/clinic.h"
#include "hipcoach/core/questionnaire.h"
#include "hipcoach/core/session_model.h"
#include "hipcoach/core/statement.h"
#include "hipcoach/core/triage_model.h"

namespace hipcoach::core {

// One step of the method (position, locate, treat): the clinic's advice and,
// beside it, the cautions that published sources add to it ("caveats").
struct Step {
  Statement advice;
  std::vector<Statement> caveats;
};

// A muscle of a group, e.g. "Piriformis".
struct Muscle {
  std::string id;
  std::string name;
};

// A place to treat within a group: for gluteus medius/minimus one per fibre
// direction, for TFL the band along the ASIS-trochanter line.
struct TreatmentArea {
  std::string id;
  std::string name;
  Statement description;
  std::string fibre_direction;  // Empty when the source gives none.
  std::string body_map_area;    // Id of a BodyMapArea.
};

struct MuscleGroup {
  std::string id;
  std::string name;
  int order = 0;  // Position in lists, ascending.
  Statement summary;
  std::vector<Muscle> muscles;
  Statement location;            // Where it is.
  Statement function;            // What it does.
  Statement why_trigger_points;  // Why it gets tender spots.
  Step position;
  Step locate;
  Step treat;
  std::string tool;  // e.g. "massage gun with a trigger-point attachment".
  Range hold_seconds;
  std::string body_map_view;            // Id of a BodyMapView.
  std::vector<std::string> landmarks;   // Ids of the landmarks to show.
  std::vector<TreatmentArea> areas;
  std::vector<Statement> cautions;
};

// A titled part of the general guidance, e.g. the long-term plan.
struct GuidanceSection {
  std::string id;
  std::string title;
  std::vector<Statement> statements;
};

struct BodyMapView {
  std::string id;
  std::string name;
  int width = 0;
  int height = 0;
};

// Where a landmark sits on one view.
struct MapPoint {
  std::string view;
  int x = 0;
  int y = 0;
};

// A bony landmark (ASIS, greater trochanter...), shown on one or more views.
struct Landmark {
  std::string id;
  std::string name;
  std::vector<std::string> cite;
  std::vector<MapPoint> positions;
};

enum class AreaKind { kTreat, kAvoid };

// An ellipse on a body-map view: a place to treat, or one to keep off.
struct BodyMapArea {
  std::string id;
  std::string name;
  AreaKind kind = AreaKind::kTreat;
  std::string view;
  int cx = 0;
  int cy = 0;
  int rx = 0;
  int ry = 0;
  int rotate_degrees = 0;
};

struct BodyMap {
  std::vector<BodyMapView> views;
  std::vector<Landmark> landmarks;
  std::vector<BodyMapArea> areas;
};

// "clinic" is the clinic's own advice (the article); "published" is a
// reference from clinical-sources.md.
enum class SourceKind { kClinic, kPublished };

struct Source {
  std::string id;
  SourceKind kind = SourceKind::kPublished;
  std::string title;
  std::string authors;      // Empty when unknown.
  std::string publication;  // Journal, site or publisher; empty when unknown.
  int year = 0;             // 0 when unknown.
  std::string url;          // Empty when there is none.
  std::string note;         // What the product takes from it; empty allowed.
};

struct Protocol {
  std::vector<Source> sources;
  std::vector<MuscleGroup> groups;  // Sorted by order.
  std::vector<GuidanceSection> guidance;
  BodyMap body_map;
  TriageData triage;
  std::vector<Questionnaire> questionnaires;  // From data/questionnaires/; may be empty.
  SessionData session;                        // From the file of kind "session".
  std::optional<ClinicSettings> clinic;       // From the file of kind "clinic" (data/clinic.toml).

  // Returns the group with `id`, or nullptr. The pointer lives as long as *this.
  const MuscleGroup* find_group(std::string_view id) const;
  const Source* find_source(std::string_view id) const;
};

}  // namespace hipcoach::core
