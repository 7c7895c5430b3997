#include "sqlite_vfs.h"

#include <sqlite3.h>

#include <cerrno>
#include <mutex>

namespace hipcoach::storage::sqlite_vfs {
namespace {

constexpr const char* kName = "hipcoach-errno";

thread_local int t_last_errno = 0;

// Records errno when `rc` is a failure; returns `rc`. Called right after the
// default VFS returns, before anything else can change errno.
int noted(int rc) {
  if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_IOERR_SHORT_READ) {
    t_last_errno = errno;
  }
  return rc;
}

// An open file: ours first, the default VFS's file right after it.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_file* real(sqlite3_file* file) { return reinterpret_cast<File*>(file)->real; }
const sqlite3_io_methods* real_methods(sqlite3_file* file) { return real(file)->pMethods; }

int x_close(sqlite3_file* file) {
  const int rc = real_methods(file)->xClose(real(file));
  file->pMethods = nullptr;
  return rc;
}
int x_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  return noted(real_methods(file)->xRead(real(file), buffer, amount, offset));
}
int x_write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
  return noted(real_methods(file)->xWrite(real(file), buffer, amount, offset));
}
int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
  return noted(real_methods(file)->xTruncate(real(file), size));
}
int x_sync(sqlite3_file* file, int flags) {
  return noted(real_methods(file)->xSync(real(file), flags));
}
int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
  return noted(real_methods(file)->xFileSize(real(file), size));
}
int x_lock(sqlite3_file* file, int level) { return real_methods(file)->xLock(real(file), level); }
int x_unlock(sqlite3_file* file, int level) {
  return real_methods(file)->xUnlock(real(file), level);
}
int x_check_reserved_lock(sqlite3_file* file, int* out) {
  return real_methods(file)->xCheckReservedLock(real(file), out);
}
int x_file_control(sqlite3_file* file, int op, void* argument) {
  return real_methods(file)->xFileControl(real(file), op, argument);
}
int x_sector_size(sqlite3_file* file) { return real_methods(file)->xSectorSize(real(file)); }
int x_device_characteristics(sqlite3_file* file) {
  return real_methods(file)->xDeviceCharacteristics(real(file));
}
int x_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  if (real_methods(file)->iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return noted(real_methods(file)->xShmMap(real(file), region, size, extend, out));
}
int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  if (real_methods(file)->iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  return real_methods(file)->xShmLock(real(file), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* file) {
  if (real_methods(file)->iVersion >= 2) real_methods(file)->xShmBarrier(real(file));
}
int x_shm_unmap(sqlite3_file* file, int delete_flag) {
  if (real_methods(file)->iVersion < 2) return SQLITE_OK;
  return real_methods(file)->xShmUnmap(real(file), delete_flag);
}
int x_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  if (real_methods(file)->iVersion < 3) {
    *out = nullptr;
    return SQLITE_OK;
  }
  return real_methods(file)->xFetch(real(file), offset, amount, out);
}
int x_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  if (real_methods(file)->iVersion < 3) return SQLITE_OK;
  return real_methods(file)->xUnfetch(real(file), offset, page);
}

const sqlite3_io_methods kMethods = {
    3,
    x_close,
    x_read,
    x_write,
    x_truncate,
    x_sync,
    x_file_size,
    x_lock,
    x_unlock,
    x_check_reserved_lock,
    x_file_control,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    x_fetch,
    x_unfetch,
};

sqlite3_vfs* base(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

int x_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* ours = reinterpret_cast<File*>(file);
  ours->real = reinterpret_cast<sqlite3_file*>(ours + 1);
  ours->real->pMethods = nullptr;
  const int rc = noted(base(vfs)->xOpen(base(vfs), name, ours->real, flags, out_flags));
  // As the default VFS does: xClose is due whenever its file has methods.
  file->pMethods = ours->real->pMethods != nullptr ? &kMethods : nullptr;
  return rc;
}
int x_delete(sqlite3_vfs* vfs, const char* name, int sync_directory) {
  return noted(base(vfs)->xDelete(base(vfs), name, sync_directory));
}
int x_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return base(vfs)->xAccess(base(vfs), name, flags, out);
}
int x_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return base(vfs)->xFullPathname(base(vfs), name, size, out);
}
void* x_dl_open(sqlite3_vfs* vfs, const char* name) { return base(vfs)->xDlOpen(base(vfs), name); }
void x_dl_error(sqlite3_vfs* vfs, int size, char* out) {
  base(vfs)->xDlError(base(vfs), size, out);
}
void (*x_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return base(vfs)->xDlSym(base(vfs), handle, symbol);
}
void x_dl_close(sqlite3_vfs* vfs, void* handle) { base(vfs)->xDlClose(base(vfs), handle); }
int x_randomness(sqlite3_vfs* vfs, int size, char* out) {
  return base(vfs)->xRandomness(base(vfs), size, out);
}
int x_sleep(sqlite3_vfs* vfs, int microseconds) {
  return base(vfs)->xSleep(base(vfs), microseconds);
}
int x_current_time(sqlite3_vfs* vfs, double* out) {
  return base(vfs)->xCurrentTime(base(vfs), out);
}
int x_get_last_error(sqlite3_vfs* vfs, int size, char* out) {
  return base(vfs)->xGetLastError(base(vfs), size, out);
}
int x_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return base(vfs)->xCurrentTimeInt64(base(vfs), out);
}

sqlite3_vfs g_vfs;  // Filled once under call_once, then only read by SQLite.

const char* register_once() {
  sqlite3_vfs* default_vfs = sqlite3_vfs_find(nullptr);
  if (default_vfs == nullptr || default_vfs->iVersion < 2) return nullptr;
  g_vfs = sqlite3_vfs{};
  g_vfs.iVersion = 2;
  g_vfs.szOsFile = static_cast<int>(sizeof(File)) + default_vfs->szOsFile;
  g_vfs.mxPathname = default_vfs->mxPathname;
  g_vfs.zName = kName;
  g_vfs.pAppData = default_vfs;
  g_vfs.xOpen = x_open;
  g_vfs.xDelete = x_delete;
  g_vfs.xAccess = x_access;
  g_vfs.xFullPathname = x_full_pathname;
  g_vfs.xDlOpen = x_dl_open;
  g_vfs.xDlError = x_dl_error;
  g_vfs.xDlSym = x_dl_sym;
  g_vfs.xDlClose = x_dl_close;
  g_vfs.xRandomness = x_randomness;
  g_vfs.xSleep = x_sleep;
  g_vfs.xCurrentTime = x_current_time;
  g_vfs.xGetLastError = x_get_last_error;
  g_vfs.xCurrentTimeInt64 = x_current_time_int64;
  if (sqlite3_vfs_register(&g_vfs, 0) != SQLITE_OK) return nullptr;
  return kName;
}

}  // namespace

const char* name() {
  static const char* const registered = register_once();
  return registered;
}

int last_errno() { return t_last_errno; }
void clear_last_errno() { t_last_errno = 0; }

}  // namespace hipcoach::storage::sqlite_vfs
