// Internal to the core: reading the clinic's settings (the file of kind
// "clinic", data/clinic.toml) into Protocol::clinic.
#pragma once

#include "hipcoach/core/protocol.h"
#include "toml_reader.h"

namespace hipcoach::core::detail {

// Reads the file; a second file of this kind is reported at its `kind`.
void read_clinic(TableReader& root, Protocol& protocol);

}  // namespace hipcoach::core::detail
