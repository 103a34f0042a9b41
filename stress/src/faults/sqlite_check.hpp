#pragma once
// PRAGMA integrity_check on a SQLite store file, on a connection of its own (read-only).
#include <string>

namespace stress::faults {

// "ok" when intact; otherwise SQLite's first complaint (or why the file could not be opened).
std::string sqlite_integrity(const std::string& path);
// PRAGMA wal_checkpoint(TRUNCATE) on a connection of its own (waits up to 5 s for writers);
// false when it could not.
bool sqlite_checkpoint(const std::string& path);
// The file path of a sqlite:// store URL.
std::string sqlite_path(const std::string& url);

}  // namespace stress::faults
