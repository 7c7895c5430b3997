#include "protocol_text.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "text.h"

namespace hipcoach::cli {

namespace {

void write_statement(const core::Statement& statement, Footnotes& notes, std::string_view indent,
                     std::ostream& out) {
  write_wrapped(statement.text + notes.markers(statement.cite), indent, out);
}

void write_step(std::string_view title, const core::Step& step, Footnotes& notes,
                std::ostream& out) {
  out << '\n' << title << '\n';
  write_statement(step.advice, notes, "  ", out);
  for (const core::Statement& caveat : step.caveats) {
    write_wrapped("Caution: " + caveat.text + notes.markers(caveat.cite), "  ! ", out);
  }
}

}  // namespace

void write_group_list(const core::Protocol& protocol, std::ostream& out) {
  std::size_t width = 0;
  for (const core::MuscleGroup& group : protocol.groups) width = std::max(width, group.id.size());
  for (const core::MuscleGroup& group : protocol.groups) {
    out << group.id << std::string(width - group.id.size() + 2, ' ') << group.name << '\n';
  }
}

void write_group(const core::Protocol& protocol, const core::MuscleGroup& group,
                 std::ostream& out) {
  Footnotes notes;
  out << group.name << '\n' << std::string(group.name.size(), '=') << '\n';
  write_statement(group.summary, notes, "", out);

  out << "\nMuscles: ";
  for (std::size_t i = 0; i < group.muscles.size(); ++i) {
    out << (i == 0 ? "" : ", ") << group.muscles[i].name;
  }
  out << '\n';

  out << "\nWhere it is\n";
  write_statement(group.location, notes, "  ", out);
  out << "\nWhat it does\n";
  write_statement(group.function, notes, "  ", out);
  out << "\nWhy it gets tender spots\n";
  write_statement(group.why_trigger_points, notes, "  ", out);

  write_step("1. Position", group.position, notes, out);
  write_step("2. Locate", group.locate, notes, out);
  out << "  Areas:\n";
  for (const core::TreatmentArea& area : group.areas) {
    std::string text = area.name;
    if (!area.fibre_direction.empty()) text += " (fibres run " + area.fibre_direction + ")";
    write_wrapped(text + ": " + area.description.text + notes.markers(area.description.cite),
                  "  - ", out);
  }
  write_step("3. Treat", group.treat, notes, out);
  write_wrapped("Tool: " + group.tool + ". Hold still for " +
                    std::to_string(group.hold_seconds.min) + " to " +
                    std::to_string(group.hold_seconds.max) + " seconds." +
                    notes.markers(group.hold_seconds.cite),
                "  ", out);

  out << "\nCautions\n";
  for (const core::Statement& caution : group.cautions) {
    write_statement(caution, notes, "  - ", out);
  }
  notes.write(protocol, out);
}

}  // namespace hipcoach::cli
