#pragma once
// One libpq connection that survives the server going away: every statement runs through
// run(), which reconnects with jittered exponential backoff and runs the statement again until a
// deadline. That is only sound because every statement the store sends is idempotent (an
// idempotency key, a lease token, or a read): when the connection dies while a COMMIT is in
// flight the outcome is unknown, and running the statement again resolves it either way.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "legion/store/backoff.hpp"

struct pg_conn;
struct pg_result;

namespace legion::store {

class PgResult {
 public:
  explicit PgResult(pg_result* result) : result_(result) {}
  PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult();

  int rows() const;
  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  bool boolean(int row, int column) const { return text(row, column) == "t"; }
  std::int64_t affected() const;  // rows changed by an UPDATE/INSERT/DELETE
  pg_result* get() const { return result_; }

 private:
  pg_result* result_;
};

class PgConnection {
 public:
  // `session_sql` runs after every (re)connect: per-session settings such as search_path. The
  // first connection is tried once: a server that cannot be reached at all is an error at
  // once, not after the reconnect deadline, which is for a server that went away. Once
  // `interrupt` is set, reconnecting stops with a StoreUnavailableError.
  // io_timeout > 0: a reply must arrive within it, or the connection is dropped and the
  // statement sent again on a new one (a server or network that silently stopped answering
  // would otherwise hold the caller forever: TCP alone may never notice). Each such retry of
  // the same call waits twice as long as the one before, up to 8 x io_timeout, so a reply
  // that is slow rather than lost (a large batch on a loaded server) is not cut every time.
  PgConnection(std::string conninfo, std::string session_sql,
               std::chrono::milliseconds reconnect_deadline,
               std::chrono::milliseconds io_timeout = std::chrono::milliseconds(0),
               const std::atomic<bool>* interrupt = nullptr);
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  // `sql` must be a literal: it keys the prepared-statement cache.
  PgResult run(const char* sql, const std::vector<std::string>& params = {});
  // A multi-statement script without parameters (schema set-up); also retried.
  void run_script(const std::string& sql);

  // The socket and connection for LISTEN; nullptr when not connected.
  pg_conn* raw() { return conn_; }
  void ensure_connected();
  void disconnect();
  std::int64_t reconnects() const { return reconnects_; }

 private:
  enum class Failure { kNone, kConnection, kTransient };
  bool try_connect(std::string& error);
  Failure classify(pg_result* result) const;
  // True when `result` succeeded; otherwise sets `error` (dropping a dead connection) so the
  // caller retries. Throws for failures that retrying cannot fix.
  bool succeeded(pg_result* result, std::string& error);
  // One try of a prepared statement (sql != nullptr) or of a script; nullopt: retry.
  std::optional<PgResult> attempt(const char* sql, const std::string& script,
                                  const std::vector<std::string>& params, std::string& error);
  PgResult with_retry(const char* sql, const std::string& script,
                      const std::vector<std::string>& params);
  [[noreturn]] void give_up(const std::string& error) const;
  // After a try that timed out: the next try of the same call waits longer (see above).
  void lengthen_reply_wait();
  // Between two tries: gives up past the deadline or once interrupted, else sleeps.
  void wait_before_retry(std::chrono::steady_clock::time_point start, Backoff& backoff,
                         const std::string& error) const;
  // libpq's blocking calls, or with io_timeout_ their asynchronous form and a deadline;
  // nullptr when the connection failed or the deadline passed (timed_out_ set).
  pg_result* exec(const std::string& script);
  pg_result* prepare(const std::string& name, const char* sql, int params);
  pg_result* exec_prepared(const std::string& name, const std::vector<const char*>& values);
  pg_result* await_reply();

  std::string conninfo_;
  std::string session_sql_;
  std::chrono::milliseconds reconnect_deadline_;
  std::chrono::milliseconds io_timeout_;
  std::chrono::milliseconds reply_wait_;  // this try's bound: io_timeout_, lengthened per retry
  const std::atomic<bool>* interrupt_;
  bool timed_out_ = false;
  pg_conn* conn_ = nullptr;
  std::int64_t reconnects_ = -1;  // the first connect is not a reconnect
  std::unordered_map<const char*, std::string> names_;
  std::unordered_set<const char*> prepared_;  // on the current connection only
};

// A PostgreSQL array literal of text values, quoted so any text survives.
std::string pg_text_array(const std::vector<std::string>& values);

}  // namespace legion::store
