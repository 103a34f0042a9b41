#include "legion/store/pg_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "legion/store/store_error.hpp"

namespace legion::store {
namespace {

// After a try whose reply did not come within the wait, the next try of the same call waits
// twice as long, up to this many times io_timeout: a statement that is slow rather than lost
// (a large batch on a loaded server) gets the time it needs instead of being cut at the same
// bound on every try, while a silent connection is still dropped within io_timeout first.
constexpr int kMaxReplyWaitFactor = 8;

// libpq's messages end in a newline and may span lines ("...failed: Connection refused\n\tIs
// the server running...?"): an error is reported on one line.
std::string one_line(const char* message) {
  std::string out;
  for (const char* c = message; c && *c; ++c) {
    const bool space = *c == '\n' || *c == '\t' || *c == '\r' || *c == ' ';
    if (!space) {
      out += *c;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

PgResult::~PgResult() {
  PQclear(result_);
}

int PgResult::rows() const {
  return PQntuples(result_);
}

std::string PgResult::text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column),
                     static_cast<std::size_t>(PQgetlength(result_, row, column)));
}

std::int64_t PgResult::integer(int row, int column) const {
  return std::stoll(PQgetvalue(result_, row, column));
}

std::int64_t PgResult::affected() const {
  const char* tuples = PQcmdTuples(result_);
  return *tuples ? std::stoll(tuples) : 0;
}

PgConnection::PgConnection(std::string conninfo, std::string session_sql,
                           std::chrono::milliseconds reconnect_deadline,
                           std::chrono::milliseconds io_timeout, const std::atomic<bool>* interrupt)
    : conninfo_(std::move(conninfo)),
      session_sql_(std::move(session_sql)),
      reconnect_deadline_(reconnect_deadline),
      io_timeout_(io_timeout),
      reply_wait_(io_timeout),
      interrupt_(interrupt) {
  std::string error;
  if (!try_connect(error)) {
    throw StoreUnavailableError("postgresql unreachable (the first connection is not retried): " +
                                error);
  }
}

PgConnection::~PgConnection() {
  disconnect();
}

void PgConnection::disconnect() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
  prepared_.clear();
}

bool PgConnection::try_connect(std::string& error) {
  disconnect();
  timed_out_ = false;  // a refused connection is not a reply that came late
  conn_ = PQconnectdb(conninfo_.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    error = one_line(PQerrorMessage(conn_));
    disconnect();
    return false;
  }
  // "relation already exists, skipping" and friends are expected, not news for stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  if (!session_sql_.empty()) {
    PgResult setup(exec(session_sql_));
    if (PQresultStatus(setup.get()) != PGRES_COMMAND_OK &&
        PQresultStatus(setup.get()) != PGRES_TUPLES_OK) {
      error = timed_out_ ? "no reply to the session set-up within the I/O timeout"
                         : one_line(PQerrorMessage(conn_));
      disconnect();
      return false;
    }
  }
  ++reconnects_;
  return true;
}

void PgConnection::ensure_connected() {
  if (conn_ && PQstatus(conn_) == CONNECTION_OK) return;
  auto start = std::chrono::steady_clock::now();
  Backoff backoff(std::chrono::milliseconds(20), std::chrono::milliseconds(1000));
  std::string error;
  reply_wait_ = io_timeout_;
  while (!try_connect(error)) wait_before_retry(start, backoff, error);
}

void PgConnection::lengthen_reply_wait() {
  if (timed_out_) reply_wait_ = std::min(reply_wait_ * 2, io_timeout_ * kMaxReplyWaitFactor);
}

void PgConnection::wait_before_retry(std::chrono::steady_clock::time_point start, Backoff& backoff,
                                     const std::string& error) const {
  if (std::chrono::steady_clock::now() - start >= reconnect_deadline_) give_up(error);
  if (interrupt_ && interrupt_->load()) {
    throw StoreUnavailableError("postgresql: stopped while reconnecting: " + error);
  }
  std::this_thread::sleep_for(backoff.next());
}

void PgConnection::give_up(const std::string& error) const {
  throw StoreUnavailableError("postgresql unreachable for " +
                              std::to_string(reconnect_deadline_.count()) +
                              " ms (reconnect deadline): " + error);
}

PgConnection::Failure PgConnection::classify(pg_result* result) const {
  auto status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Failure::kNone;
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK || result == nullptr) return Failure::kConnection;
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string sqlstate = state ? state : "";
  // 08: connection exception; 57P01-03: the server is shutting down or starting up.
  if (sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57P0", 0) == 0) return Failure::kConnection;
  // Serialization failure / deadlock: the statement had no effect; running it again is safe.
  if (sqlstate == "40001" || sqlstate == "40P01") return Failure::kTransient;
  std::string message = one_line(PQresultErrorMessage(result));
  if (sqlstate == "53100") throw StoreFullError("disk full: postgresql: " + message);
  throw StoreError("postgresql: " + message);
}

pg_result* PgConnection::await_reply() {
  const auto deadline = std::chrono::steady_clock::now() + reply_wait_;
  pg_result* kept = nullptr;  // the last result, or the first error among several
  for (;;) {
    while (PQisBusy(conn_)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        PQclear(kept);
        timed_out_ = true;
        return nullptr;
      }
      pollfd p{PQsocket(conn_), POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()) + 1);
      if (ready < 0 && errno != EINTR) break;
      if (ready > 0 && !PQconsumeInput(conn_)) break;  // the connection failed: say so below
    }
    pg_result* r = PQgetResult(conn_);
    if (!r) return kept;
    const auto status = PQresultStatus(r);
    const bool error = status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
    const bool kept_error =
        kept && PQresultStatus(kept) != PGRES_COMMAND_OK && PQresultStatus(kept) != PGRES_TUPLES_OK;
    if (kept_error && !error) {
      PQclear(r);
    } else {
      PQclear(kept);
      kept = r;
    }
    if (PQstatus(conn_) != CONNECTION_OK) return kept;
  }
}

pg_result* PgConnection::exec(const std::string& script) {
  timed_out_ = false;
  if (io_timeout_.count() <= 0) return PQexec(conn_, script.c_str());
  if (!PQsendQuery(conn_, script.c_str())) return nullptr;
  return await_reply();
}

pg_result* PgConnection::prepare(const std::string& name, const char* sql, int params) {
  timed_out_ = false;
  if (io_timeout_.count() <= 0) return PQprepare(conn_, name.c_str(), sql, params, nullptr);
  if (!PQsendPrepare(conn_, name.c_str(), sql, params, nullptr)) return nullptr;
  return await_reply();
}

pg_result* PgConnection::exec_prepared(const std::string& name,
                                       const std::vector<const char*>& values) {
  timed_out_ = false;
  const int n = static_cast<int>(values.size());
  if (io_timeout_.count() <= 0) {
    return PQexecPrepared(conn_, name.c_str(), n, values.data(), nullptr, nullptr, 0);
  }
  if (!PQsendQueryPrepared(conn_, name.c_str(), n, values.data(), nullptr, nullptr, 0)) {
    return nullptr;
  }
  return await_reply();
}

bool PgConnection::succeeded(pg_result* result, std::string& error) {
  Failure failure = classify(result);
  if (failure == Failure::kNone) return true;
  if (timed_out_) {
    error = "no reply within " + std::to_string(reply_wait_.count()) + " ms (io_timeout_ms " +
            std::to_string(io_timeout_.count()) + ", lengthened on each retry)";
  } else {
    error = conn_ ? one_line(PQerrorMessage(conn_)) : "connection lost";
  }
  if (failure == Failure::kConnection) disconnect();
  return false;
}

std::optional<PgResult> PgConnection::attempt(const char* sql, const std::string& script,
                                              const std::vector<std::string>& params,
                                              std::string& error) {
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    if (!try_connect(error)) return std::nullopt;
  }
  if (sql == nullptr) {
    PgResult result(exec(script));
    if (!succeeded(result.get(), error)) return std::nullopt;
    return result;
  }
  auto& name = names_[sql];
  if (name.empty()) name = "legion_s" + std::to_string(names_.size());
  if (!prepared_.contains(sql)) {
    PgResult prepared(prepare(name, sql, static_cast<int>(params.size())));
    if (!succeeded(prepared.get(), error)) return std::nullopt;
    prepared_.insert(sql);
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  PgResult result(exec_prepared(name, values));
  if (!succeeded(result.get(), error)) return std::nullopt;
  return result;
}

PgResult PgConnection::with_retry(const char* sql, const std::string& script,
                                  const std::vector<std::string>& params) {
  auto start = std::chrono::steady_clock::now();
  Backoff backoff(std::chrono::milliseconds(20), std::chrono::milliseconds(1000));
  std::string error;
  reply_wait_ = io_timeout_;
  for (;;) {
    if (auto result = attempt(sql, script, params, error)) return std::move(*result);
    lengthen_reply_wait();
    wait_before_retry(start, backoff, error);
  }
}

PgResult PgConnection::run(const char* sql, const std::vector<std::string>& params) {
  return with_retry(sql, {}, params);
}

void PgConnection::run_script(const std::string& sql) {
  with_retry(nullptr, sql, {});
}

std::string pg_text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace legion::store
