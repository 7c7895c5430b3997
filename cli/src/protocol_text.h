// Plain-text views of the protocol for the terminal: wrapped paragraphs with
// numbered source footnotes. Thread-safe.
#pragma once

#include <ostream>

#include "hipcoach/core/protocol.h"

namespace hipcoach::cli {

// One line per group: id, name and summary.
void write_group_list(const core::Protocol& protocol, std::ostream& out);

// The whole group (where, what, why, position, locate, treat, cautions), each
// statement followed by [n] markers, then the numbered sources.
void write_group(const core::Protocol& protocol, const core::MuscleGroup& group, std::ostream& out);

}  // namespace hipcoach::cli
