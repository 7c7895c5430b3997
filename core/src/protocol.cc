#include "hipcoach/core/protocol.h"

#include <algorithm>

namespace hipcoach::core {

const MuscleGroup* Protocol::find_group(std::string_view id) const {
  const auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const MuscleGroup& group) { return group.id == id; });
  return it == groups.end() ? nullptr : &*it;
}

const Source* Protocol::find_source(std::string_view id) const {
  const auto it = std::find_if(sources.begin(), sources.end(),
                               [&](const Source& source) { return source.id == id; });
  return it == sources.end() ? nullptr : &*it;
}

}  // namespace hipcoach::core
