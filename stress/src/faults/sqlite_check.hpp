#pragma once
// PRAGMA integrity_check on a SQLite store file, on a connection of its own (read-only).
#include <string>

namespace stress::faults {

// "ok" when intact; otherwise SQLite's first complaint (or why the file could not be opened).
std::string sqlite_integrity(const std::string& path);
// The file path of a sqlite:// store URL.
std::string sqlite_path(const std::string& url);

}  // namespace stress::faults
