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
// missing migrations in one transaction. Each connection caches its
// prepared statements.
//
// Every write goes through one write connection, guarded by a mutex.
// add_diary_entry commits in groups: concurrent callers queue their entries,
// and one of them writes all that are queued in one transaction (each entry
// in its own savepoint, so that one the database refuses fails alone) and
// wakes each with its own id or error, once the commit is durable. Reads use
// a pool of up to four read connections, which WAL lets read the last
// commit while a write holds the lock or waits for the disk.
// Errors as open_store.
core::Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                       const StoreOptions& options);

}  // namespace hipcoach::storage
