// Internal to the core: reading the guided session's data (the file of kind
// "session") into Protocol::session. Citations are resolved with the other
// references once sources.toml is known.
#pragma once

#include "hipcoach/core/protocol.h"
#include "toml_reader.h"

namespace hipcoach::core::detail {

// Reads the file; a second file of this kind is reported at its `kind`.
void read_session(TableReader& root, Protocol& protocol, bool& seen);

}  // namespace hipcoach::core::detail
