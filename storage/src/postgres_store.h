// The PostgreSQL implementation of Store. Private to hipcoach_storage:
// callers reach it through open_store("postgresql://...").
#pragma once

#include <memory>
#include <string>

#include "hipcoach/core/result.h"
#include "hipcoach/storage/open_store.h"
#include "hipcoach/storage/store.h"

namespace hipcoach::storage {

// The connections a PostgreSQL store keeps open at most.
inline constexpr int kPostgresPoolSize = 4;

// Connects to the server `url` names (a libpq URL), sets lock_timeout to the
// busy timeout, and applies the missing migrations in one transaction. The
// store keeps a pool of up to kPostgresPoolSize connections, each with its
// prepared statements. Errors as open_store: kInvalidInput (where "url") for
// a URL libpq cannot parse; kUnavailable (where "url", "the database is
// unreachable") when the server cannot be reached or refuses the login; the
// message never repeats the URL, which may hold a password.
core::Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url,
                                                         const StoreOptions& options);

}  // namespace hipcoach::storage
