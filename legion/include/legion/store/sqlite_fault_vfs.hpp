#pragma once
// A fault-injecting SQLite VFS, in the manner of SQLite's own test_vfs.c: it wraps the
// default VFS and, once armed, lets `countdown` more writes/syncs through and then fails
// every xWrite and xSync with the chosen error (SQLITE_FULL: a disk that filled up;
// SQLITE_IOERR: a failing device) until disarmed. Inert unless a store URL names it
// (`sqlite://PATH?vfs=legion-fault`): the store tests and the stress engine's I/O-error fault
// use it, so a disk-full or I/O-error path runs without root, tmpfs or a broken disk.
namespace legion::store::fault_vfs {

inline constexpr const char* kName = "legion-fault";

enum class Error { kFull, kIoErr };

void install();  // registers the VFS under kName (once; idempotent)
void arm(int writes_before_failing, Error error = Error::kFull);
void disarm();
int injected();  // writes and syncs failed so far

}  // namespace legion::store::fault_vfs
