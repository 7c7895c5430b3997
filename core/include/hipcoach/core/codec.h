// JSON views of the core's values, for the HTTP API and the CLI's --json.
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/validate.h"

namespace hipcoach::core {

// The whole protocol: {"groups": [...], "guidance": [...], "body_map": {...},
// "sources": [...]}. Field names are those of the TOML data (docs/protocol-data.md).
nlohmann::json to_json(const Protocol& protocol);

// One group with the body map parts it uses and the sources it cites:
// {"group": {...}, "body_map": {...}, "sources": [...]}.
nlohmann::json group_to_json(const Protocol& protocol, const MuscleGroup& group);

// A short list for menus: [{"id", "name", "summary", "order"}...].
nlohmann::json group_list_to_json(const Protocol& protocol);

nlohmann::json to_json(const Diagnostic& diagnostic);
nlohmann::json to_json(const std::vector<Diagnostic>& diagnostics);

}  // namespace hipcoach::core
