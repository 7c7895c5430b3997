// open_store: the Store named by a database URL, as given to --db.
// Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>

#include "hipcoach/core/result.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::storage {

struct StoreOptions {
  // How long a write waits for another connection's lock before it fails
  // with kUnavailable ("the database is busy"). Default 5000 ms.
  std::chrono::milliseconds busy_timeout{5000};
};

// Opens the store that `url` names and returns it; the caller owns it.
//   "sqlite:PATH"     the SQLite database at PATH, created when missing. The
//                     directory must exist: creating it is the caller's job.
//                     Missing schema migrations are applied before this
//                     returns. One write connection, shared by all threads
//                     (diary entries written concurrently share a commit),
//                     and up to 4 read connections.
//   "memory:"         a new, empty MemoryStore.
//   "postgresql://..." (or "postgres://...") a libpq URL: a pool of up to 4
//                     connections, migrations applied at open; kUnavailable
//                     "the database is unreachable" when the server cannot be reached.
// Errors: kInvalidInput (where "url") for an empty path or any other scheme;
// the message names the scheme but never the rest of the URL, which may hold
// a password. kUnavailable when the database cannot be opened: it is busy,
// damaged or not a database (where: the path), or its schema is newer than
// this program.
core::Result<std::unique_ptr<Store>> open_store(std::string_view url,
                                                const StoreOptions& options = {});

}  // namespace hipcoach::storage
