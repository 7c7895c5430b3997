// The clinic's contact details for the terminal, where a command tells the
// person to see a clinician (triage, the coach's re-check and summary).
#pragma once

#include <ostream>
#include <string>

#include "hipcoach/core/protocol.h"

namespace hipcoach::cli {

// "911 (or your local emergency number)" from the clinic's settings, or
// "your local emergency number" when the data has none.
std::string emergency_number_text(const core::Protocol& protocol);

// Writes "Contact the clinic: NAME, ADDRESS. Phone PHONE (opening hours: call
// to ask)." wrapped, then (unless the text before just said it) the emergency
// number; nothing without settings.
void write_clinic_contact(const core::Protocol& protocol, std::ostream& out,
                          bool with_emergency_number = true);

}  // namespace hipcoach::cli
