#include "legion/store/sqlite_fault_vfs.hpp"

#include <sqlite3.h>

#include <atomic>

namespace legion::store::fault_vfs {
namespace {

std::atomic<int> g_countdown{-1};  // < 0: disarmed
std::atomic<int> g_error{SQLITE_FULL};
std::atomic<int> g_injected{0};
sqlite3_vfs* g_real = nullptr;

int should_fail() {
  int left = g_countdown.load();
  while (left > 0 && !g_countdown.compare_exchange_weak(left, left - 1)) {
  }
  if (left != 0) return SQLITE_OK;
  ++g_injected;
  return g_error.load();
}

struct File {
  sqlite3_file base;
  sqlite3_file* real;  // the wrapped VFS's file lives right behind this struct
};

sqlite3_file* real(sqlite3_file* file) {
  return reinterpret_cast<File*>(file)->real;
}

const sqlite3_io_methods* io_methods() {
  static const sqlite3_io_methods methods = {
      3,
      [](sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); },
      [](sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
        return real(f)->pMethods->xRead(real(f), buffer, amount, offset);
      },
      [](sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
        if (int rc = should_fail()) return rc;
        return real(f)->pMethods->xWrite(real(f), buffer, amount, offset);
      },
      [](sqlite3_file* f, sqlite3_int64 size) {
        return real(f)->pMethods->xTruncate(real(f), size);
      },
      [](sqlite3_file* f, int flags) {
        if (int rc = should_fail()) return rc;
        return real(f)->pMethods->xSync(real(f), flags);
      },
      [](sqlite3_file* f, sqlite3_int64* size) {
        return real(f)->pMethods->xFileSize(real(f), size);
      },
      [](sqlite3_file* f, int lock) { return real(f)->pMethods->xLock(real(f), lock); },
      [](sqlite3_file* f, int lock) { return real(f)->pMethods->xUnlock(real(f), lock); },
      [](sqlite3_file* f, int* out) { return real(f)->pMethods->xCheckReservedLock(real(f), out); },
      [](sqlite3_file* f, int op, void* arg) {
        return real(f)->pMethods->xFileControl(real(f), op, arg);
      },
      [](sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); },
      [](sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); },
      [](sqlite3_file* f, int page, int size, int extend, void volatile** out) {
        return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
      },
      [](sqlite3_file* f, int offset, int n, int flags) {
        return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
      },
      [](sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); },
      [](sqlite3_file* f, int remove) { return real(f)->pMethods->xShmUnmap(real(f), remove); },
      [](sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
        return real(f)->pMethods->xFetch(real(f), offset, amount, out);
      },
      [](sqlite3_file* f, sqlite3_int64 offset, void* page) {
        return real(f)->pMethods->xUnfetch(real(f), offset, page);
      },
  };
  return &methods;
}

}  // namespace

void install() {
  static const bool installed = [] {
    g_real = sqlite3_vfs_find(nullptr);
    static sqlite3_vfs vfs = *g_real;  // the unix VFS's other methods ignore their vfs
    vfs.zName = kName;
    vfs.pNext = nullptr;
    vfs.szOsFile = static_cast<int>(sizeof(File)) + g_real->szOsFile;
    vfs.xOpen = [](sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out) {
      auto* wrapper = reinterpret_cast<File*>(file);
      wrapper->real = reinterpret_cast<sqlite3_file*>(wrapper + 1);
      int rc = g_real->xOpen(g_real, name, wrapper->real, flags, out);
      // Whenever the real file has methods, SQLite will call xClose through ours.
      wrapper->base.pMethods = wrapper->real->pMethods ? io_methods() : nullptr;
      return rc;
    };
    return sqlite3_vfs_register(&vfs, 0) == SQLITE_OK;
  }();
  (void)installed;
}

void arm(int writes_before_failing, Error error) {
  g_error = error == Error::kFull ? SQLITE_FULL : SQLITE_IOERR_WRITE;
  g_countdown = writes_before_failing;
}

void disarm() {
  g_countdown = -1;
}

int injected() {
  return g_injected.load();
}

}  // namespace legion::store::fault_vfs
