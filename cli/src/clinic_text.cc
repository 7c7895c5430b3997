#include "clinic_text.h"

#include "text.h"

namespace hipcoach::cli {

std::string emergency_number_text(const core::Protocol& protocol) {
  if (!protocol.clinic) return "your local emergency number";
  return protocol.clinic->emergency_number + " (or your local emergency number)";
}

void write_clinic_contact(const core::Protocol& protocol, std::ostream& out,
                          bool with_emergency_number) {
  if (!protocol.clinic) return;
  const core::ClinicSettings& clinic = *protocol.clinic;
  std::string text = "Contact the clinic: " + clinic.name;
  if (!clinic.address.empty()) text += ", " + clinic.address;
  text += ". Phone " + clinic.phone;
  if (clinic.hours.empty()) {
    text += " (opening hours: call to ask).";
  } else {
    text += ". Opening hours:";
    for (std::size_t i = 0; i < clinic.hours.size(); ++i) {
      text += (i == 0 ? " " : "; ") + clinic.hours[i];
    }
    text += ".";
  }
  write_wrapped(text, "", out);
  if (!with_emergency_number) return;
  write_wrapped("In an emergency, call " + emergency_number_text(protocol) + ".", "", out);
}

}  // namespace hipcoach::cli
