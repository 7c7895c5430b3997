// Parsing a request target into a safe, decoded path.
//
// Pure functions without I/O or shared state; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "hipcoach/core/result.h"

namespace hipcoach::server {

// A request target split at the first '?': the percent-decoded path and the
// raw query (which the server ignores, and never logs).
struct Target {
  std::string path;        // Decoded, starts with '/'.
  std::string_view query;  // Raw, without the '?'; points into the input.
};

// Returns the raw path of `target`: everything before the first '?'. Used by
// the access log so that query strings are never written.
std::string_view raw_path(std::string_view target);

// Splits and decodes `target` (the request line's origin-form target).
// Returns kInvalidInput with where "path" when the target is not absolute
// ("/..."), has a malformed percent escape, or decodes to a NUL, a control
// character, a backslash, a '%' (a double-encoded path), or a "." or ".."
// segment. The message says which, and never copies the target.
core::Result<Target> parse_target(std::string_view target);

}  // namespace hipcoach::server
