#include "hipcoach/storage/open_store.h"

#include <string>

#include "hipcoach/storage/memory_store.h"
#include "postgres_store.h"
#include "sqlite_store.h"

namespace hipcoach::storage {
namespace {

using core::Error;

// The scheme of `url` when it looks like one (letters, digits, "+-."), else
// empty. Only the scheme is ever shown: the rest may hold a password.
std::string_view scheme_of(std::string_view url) {
  const auto colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 32) return {};
  const std::string_view scheme = url.substr(0, colon);
  for (const char c : scheme) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '-' || c == '.';
    if (!ok) return {};
  }
  return scheme;
}

}  // namespace

core::Result<std::unique_ptr<Store>> open_store(std::string_view url, const StoreOptions& options) {
  constexpr std::string_view kExpected = "expected sqlite:PATH, memory: or postgresql://...";
  const std::string_view scheme = scheme_of(url);
  if (scheme == "sqlite") {
    const std::string_view path = url.substr(scheme.size() + 1);
    if (path.empty()) return Error::invalid_input("url", "sqlite: needs a path, as sqlite:PATH");
    return open_sqlite_store(std::string(path), options);
  }
  if (scheme == "memory") {
    if (url.size() != scheme.size() + 1) {
      return Error::invalid_input("url", "memory: takes nothing after the colon");
    }
    return std::unique_ptr<Store>(std::make_unique<MemoryStore>());
  }
  if (scheme == "postgresql" || scheme == "postgres") {
    // libpq reads the whole URL; no error ever repeats it (it may hold a
    // password).
    return open_postgres_store(std::string(url), options);
  }
  if (scheme.empty()) {
    return Error::invalid_input("url", "the database URL has no scheme; " + std::string(kExpected));
  }
  return Error::invalid_input(
      "url", "unknown database scheme \"" + std::string(scheme) + "\"; " + std::string(kExpected));
}

}  // namespace hipcoach::storage
