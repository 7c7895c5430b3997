// A thin SQLite VFS over the default one that remembers why the last file
// operation failed, so that the SQLite store can tell a full disk from a
// failing one.
//
// SQLite reports ENOSPC on a write as SQLITE_FULL, but EFBIG (past
// RLIMIT_FSIZE), EDQUOT (a quota) and ENOSPC while growing the -shm file or
// on fsync as a plain SQLITE_IOERR_*, and sqlite3_system_errno() does not
// keep the errno of a write to the WAL (it reads errno later, after the
// rollback has changed it). This VFS forwards every call to the default VFS
// and, when a read, write, sync, truncate, size query or -shm mapping fails,
// records errno for the calling thread.
//
// Thread-safety: the name is registered once (thread-safe); the recorded
// errno is per thread, and a connection is used by one thread at a time.
#pragma once

namespace hipcoach::storage::sqlite_vfs {

// Registers the VFS (once; later calls do nothing) and returns its name for
// sqlite3_open_v2, or nullptr (the default VFS) when it cannot be registered.
const char* name();

// The errno of the last file operation that failed on this thread through
// the VFS; 0 when none has, or after clear_last_errno().
int last_errno();
void clear_last_errno();

}  // namespace hipcoach::storage::sqlite_vfs
