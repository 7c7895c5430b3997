// What the service tests share: the shipped data and times written as text.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "hipcoach/core/protocol.h"
#include "hipcoach/core/timestamp.h"
#include "hipcoach/storage/data_files.h"

namespace hipcoach::service::testing {

// The protocol in the repository's data/, loaded once.
inline const core::Protocol& shipped_protocol() {
  static const core::LoadedProtocol loaded =
      storage::load_protocol_dir(std::string(HIPCOACH_SOURCE_DIR) + "/data");
  return loaded.protocol;
}

// The instant an RFC 3339 text names; fails the test when it names none.
inline std::chrono::sys_seconds utc(const std::string& text) {
  const auto parsed = core::parse_timestamp(text, "test");
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed ? parsed->utc : std::chrono::sys_seconds{};
}

}  // namespace hipcoach::service::testing
