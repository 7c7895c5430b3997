#include "target.h"

#include <optional>

namespace hipcoach::server {
namespace {

std::optional<int> hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

core::Error bad_path(std::string message) {
  return core::Error::invalid_input("path", std::move(message));
}

}  // namespace

std::string_view raw_path(std::string_view target) { return target.substr(0, target.find('?')); }

core::Result<Target> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return bad_path("the request target must be an absolute path starting with '/'");
  }
  const std::string_view encoded = raw_path(target);
  Target result;
  if (encoded.size() < target.size()) result.query = target.substr(encoded.size() + 1);

  result.path.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (c == '%') {
      const bool complete = i + 2 < encoded.size();
      const auto high = complete ? hex_value(encoded[i + 1]) : std::nullopt;
      const auto low = complete ? hex_value(encoded[i + 2]) : std::nullopt;
      if (!high || !low) {
        return bad_path("malformed percent escape: '%' must be followed by two hex digits");
      }
      c = static_cast<char>(*high * 16 + *low);
      i += 2;
    }
    result.path.push_back(c);
  }

  // The checks run on the decoded path, so that "%2e%2e", "..%2f" and
  // "%5c" are caught exactly like their plain forms.
  for (const char c : result.path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0) return bad_path("the path must not contain a NUL byte");
    if (byte < 0x20 || byte == 0x7f)
      return bad_path("the path must not contain control characters");
    if (c == '\\') return bad_path("the path must not contain a backslash");
    // A '%' left after one decoding means the path was encoded twice
    // ("%252e%252e"); no file or route has one, so refuse it outright.
    if (c == '%') return bad_path("the path must not be percent-encoded twice");
  }
  std::string_view rest = result.path;
  while (!rest.empty()) {
    rest.remove_prefix(1);  // The '/' before the segment.
    const std::string_view segment = rest.substr(0, rest.find('/'));
    if (segment == "." || segment == "..") {
      return bad_path("the path must not contain '.' or '..' segments");
    }
    rest.remove_prefix(segment.size());
  }
  return result;
}

}  // namespace hipcoach::server
