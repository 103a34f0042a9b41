#pragma once
// A thin owner of one sqlite3 connection: a cache of prepared statements (the hot paths run
// the same few statements millions of times), and one place that turns SQLite result codes
// into StoreErrors, so "disk full" reads the same whichever statement hit it.
#include <cstdint>
#include <string>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace legion::store {

class SqliteDb;

// A prepared statement in use; reset (and its bindings cleared) when it goes out of scope.
class SqliteQuery {
 public:
  SqliteQuery(SqliteDb& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteQuery(const SqliteQuery&) = delete;
  SqliteQuery& operator=(const SqliteQuery&) = delete;
  ~SqliteQuery();

  SqliteQuery& bind(int index, std::int64_t value);
  SqliteQuery& bind(int index, const std::string& value);
  bool step();  // true: a row is ready; false: done
  void run() { step(); }
  std::int64_t integer(int column) const;
  std::string text(int column) const;

 private:
  SqliteDb& db_;
  sqlite3_stmt* stmt_;
};

class SqliteDb {
 public:
  // read_only: SQLITE_OPEN_READONLY, never creating the file; where SQLite cannot open a WAL
  // database read-only (no -shm file and a directory it cannot write), it is opened as
  // immutable, which is sound because nobody with our rights can be writing it either.
  SqliteDb(const std::string& path, const std::string& vfs, int busy_timeout_ms,
           bool read_only = false);
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  void exec(const std::string& sql);
  // PRAGMA journal_mode=WAL, retried until busy_timeout: the switch needs an exclusive lock,
  // and when several connections open a new file at once SQLite answers SQLITE_BUSY without
  // calling the busy handler (it would deadlock), so busy_timeout alone does not wait.
  void use_wal();
  SqliteQuery query(const char* sql);  // `sql` must be a literal: it keys the cache
  std::int64_t changes() const;
  bool in_transaction() const;
  [[noreturn]] void raise(int rc, const std::string& what) const;
  void check(int rc, const std::string& what) const {
    if (rc != 0) raise(rc, what);
  }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  int busy_timeout_ms_ = 0;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

// Bytes SQLite holds in this process, over every connection: mostly page caches, each bounded
// by its connection's cache_size, plus schemas and prepared statements. A long run's memory
// grows by this much while the caches fill, which is not a leak: endurance runs report it
// next to RSS. -1 when SQLite was built without memory statistics.
std::int64_t sqlite_memory_used_bytes();

// BEGIN IMMEDIATE ... COMMIT. Immediate so a writer takes the lock up front and waits in
// busy_timeout instead of failing half-way with SQLITE_BUSY_SNAPSHOT. If the transaction is
// abandoned (exception, or SQLite already rolled it back after SQLITE_FULL/IOERR), the
// destructor rolls back only when one is still open.
class SqliteWriteTxn {
 public:
  explicit SqliteWriteTxn(SqliteDb& db);
  SqliteWriteTxn(const SqliteWriteTxn&) = delete;
  SqliteWriteTxn& operator=(const SqliteWriteTxn&) = delete;
  ~SqliteWriteTxn();
  void commit();

 private:
  SqliteDb& db_;
  bool finished_ = false;
};

}  // namespace legion::store
