#include "legion/store/sqlite_db.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "legion/store/store_error.hpp"

namespace legion::store {

std::int64_t sqlite_memory_used_bytes() {
  sqlite3_int64 current = 0, high = 0;
  if (sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &high, 0) != SQLITE_OK) return -1;
  return static_cast<std::int64_t>(current);
}

SqliteQuery::~SqliteQuery() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

SqliteQuery& SqliteQuery::bind(int index, std::int64_t value) {
  db_.check(sqlite3_bind_int64(stmt_, index, value), "bind");
  return *this;
}

SqliteQuery& SqliteQuery::bind(int index, const std::string& value) {
  db_.check(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                              SQLITE_TRANSIENT),
            "bind");
  return *this;
}

bool SqliteQuery::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.raise(rc, sqlite3_sql(stmt_));
}

std::int64_t SqliteQuery::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteQuery::text(int column) const {
  auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return data ? std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
              : std::string();
}

namespace {

// A file: URI for `path` (the characters that URIs reserve percent-encoded).
std::string file_uri(const std::string& path, const std::string& query) {
  std::string uri = "file:";
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static const char* const hex = "0123456789ABCDEF";
      uri += '%';
      uri += hex[static_cast<unsigned char>(c) >> 4];
      uri += hex[static_cast<unsigned char>(c) & 15];
    } else {
      uri += c;
    }
  }
  return uri + "?" + query;
}

}  // namespace

SqliteDb::SqliteDb(const std::string& path, const std::string& vfs, int busy_timeout_ms,
                   bool read_only)
    : path_(path), busy_timeout_ms_(busy_timeout_ms) {
  const char* vfs_name = vfs.empty() ? nullptr : vfs.c_str();
  const int flags =
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs_name);
  // A read-only WAL database needs its -shm file; without one, and without the right to
  // create it, the first read fails (SQLITE_CANTOPEN) rather than the open.
  if (rc == SQLITE_OK && read_only) {
    rc = sqlite3_exec(db_, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  }
  if (read_only && (rc == SQLITE_CANTOPEN || rc == SQLITE_READONLY)) {
    sqlite3_close(db_);
    db_ = nullptr;
    rc = sqlite3_open_v2(file_uri(path, "immutable=1").c_str(), &db_, flags | SQLITE_OPEN_URI,
                         vfs_name);
  }
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("sqlite: cannot open '" + path + "'" + (read_only ? " read-only" : "") + ": " +
                     message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

void SqliteDb::exec(const std::string& sql) {
  check(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr), sql);
}

void SqliteDb::use_wal() {
  static constexpr const char* kSql = "PRAGMA journal_mode=WAL";
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms_);
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    std::string mode;
    int rc = sqlite3_exec(
        db_, kSql,
        [](void* out, int, char** values, char**) {
          if (values[0]) *static_cast<std::string*>(out) = values[0];
          return 0;
        },
        &mode, nullptr);
    if ((rc & 0xff) == SQLITE_BUSY && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(50));
      continue;
    }
    check(rc, kSql);
    if (mode != "wal") throw StoreError("sqlite: could not switch '" + path_ + "' to WAL mode");
    return;
  }
}

SqliteQuery SqliteDb::query(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    check(sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr), sql);
    it = statements_.emplace(sql, stmt).first;
  }
  return SqliteQuery(*this, it->second);
}

std::int64_t SqliteDb::changes() const {
  return sqlite3_changes64(db_);
}

bool SqliteDb::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

void SqliteDb::raise(int rc, const std::string& what) const {
  std::string detail = std::string(sqlite3_errstr(rc)) + " (" + sqlite3_errmsg(db_) + ") in '" +
                       what + "' on " + path_;
  switch (rc & 0xff) {
    case SQLITE_FULL:
      throw StoreFullError(
          "disk full: sqlite could not write: " + detail +
          "; nothing of the failed transaction was committed, retry once space is freed");
    case SQLITE_IOERR:
      throw StoreError("sqlite i/o error (disk full or failing disk?): " + detail, true);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw StoreError("sqlite busy past busy_timeout: " + detail, true);
    default:
      throw StoreError("sqlite: " + detail);
  }
}

SqliteWriteTxn::SqliteWriteTxn(SqliteDb& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

SqliteWriteTxn::~SqliteWriteTxn() {
  if (!finished_ && db_.in_transaction()) {
    try {
      db_.exec("ROLLBACK");
    } catch (const StoreError&) {
      // A rollback that fails leaves SQLite to roll back on the next open (hot journal/WAL);
      // the original error is the one the caller must see.
    }
  }
}

void SqliteWriteTxn::commit() {
  db_.exec("COMMIT");
  finished_ = true;
}

}  // namespace legion::store
