// Internal to the core: reading data/questionnaires/ files (kind =
// "questionnaire") into Protocol::questionnaires. Citations are resolved with
// the other references once sources.toml is known.
#pragma once

#include "hipcoach/core/protocol.h"
#include "toml_reader.h"

namespace hipcoach::core::detail {

void read_questionnaire(TableReader& root, Protocol& protocol);

}  // namespace hipcoach::core::detail
