// The SQLite implementation of Store. Private to hipcoach_storage: callers
// reach it through open_store("sqlite:PATH").
#pragma once

#include <memory>
#include <string>

#include "hipcoach/core/result.h"
#include "hipcoach/storage/open_store.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::storage {

// Opens (creating when missing) the database file at `path`, sets WAL,
// foreign keys, synchronous=FULL and the busy timeout, and applies the
// missing migrations in one transaction. The store holds one connection,
// guarded by a mutex, with its prepared statements cached on it.
// Errors as open_store.
core::Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                       const StoreOptions& options);

}  // namespace hipcoach::storage
