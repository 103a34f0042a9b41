#include "legion/store/postgres_store.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <csignal>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "legion/error.hpp"
#include "legion/store/pg_connection.hpp"
#include "task_row.hpp"

namespace legion::store {
namespace {

// Runs under an advisory lock: CREATE ... IF NOT EXISTS is not safe against a second
// process creating the same object at the same moment.
const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS tasks(
  id BIGSERIAL PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  max_attempts INT NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_token BIGINT NOT NULL DEFAULT 0,
  lease_expires_ms BIGINT NOT NULL DEFAULT 0,
  next_attempt_ms BIGINT NOT NULL DEFAULT 0,
  done_token BIGINT NOT NULL DEFAULT 0,
  result TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  expiries INT NOT NULL DEFAULT 0);
-- A store made before lease expiries were counted apart gets the column.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS expiries INT NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS tasks_due ON tasks(next_attempt_ms) WHERE state IN ('queued', 'failed');
CREATE INDEX IF NOT EXISTS tasks_lease ON tasks(lease_expires_ms) WHERE state = 'leased';
CREATE SEQUENCE IF NOT EXISTS lease_tokens;
CREATE TABLE IF NOT EXISTS effects(
  seq BIGSERIAL PRIMARY KEY,
  task_id BIGINT NOT NULL,
  lease_token BIGINT NOT NULL,
  result TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS effects_task ON effects(task_id);
CREATE TABLE IF NOT EXISTS messages(
  id BIGSERIAL PRIMARY KEY,
  topic TEXT NOT NULL,
  body TEXT NOT NULL,
  created_ms BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS messages_topic ON messages(topic, id);
CREATE TABLE IF NOT EXISTS checkpoints(
  workflow_id TEXT NOT NULL,
  step INT NOT NULL,
  state TEXT NOT NULL,
  saved_ms BIGINT NOT NULL,
  PRIMARY KEY (workflow_id, step));
-- Operators' retries and cancels: who did what to which task, and when.
CREATE TABLE IF NOT EXISTS audit(
  seq BIGSERIAL PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  action TEXT NOT NULL,
  task_id BIGINT NOT NULL,
  key TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT NOT NULL);
-- A statement-level trigger wakes idle workers for any insert, also one made by hand in psql.
CREATE OR REPLACE FUNCTION legion_notify_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('legion_' || TG_TABLE_SCHEMA, '');
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER tasks_notify AFTER INSERT ON tasks
  FOR EACH STATEMENT EXECUTE FUNCTION legion_notify_tasks();
)sql";

// One row of a result, seen from column `first` on.
struct PgRow {
  const PgResult& result;
  int row;
  int first;
  std::int64_t integer(int column) const { return result.integer(row, first + column); }
  std::string text(int column) const { return result.text(row, first + column); }
};

Task read_task(const PgResult& r, int row, int first = 0) {
  return task_from_row(PgRow{r, row, first});
}

std::string num(std::int64_t value) {
  return std::to_string(value);
}

class PostgresStore final : public TaskStore {
 public:
  PostgresStore(const std::string& conninfo, const std::string& schema, const StoreOptions& options)
      : conninfo_(conninfo),
        session_sql_(schema.empty() ? "" : "SET search_path TO \"" + schema + "\""),
        channel_("legion_" + (schema.empty() ? std::string("public") : schema)),
        options_(options),
        db_(conninfo, session_sql_, options.reconnect_deadline, options.io_timeout,
            options.interrupt) {
    std::string setup = "BEGIN; SELECT pg_advisory_xact_lock(7461293); ";
    if (!schema.empty()) setup += "CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"; ";
    db_.run_script(setup + session_sql_ + ";" + kSchema + "COMMIT;");
  }

  Submitted submit(const TaskSpec& spec) override {
    return submit_batch(std::span<const TaskSpec>(&spec, 1)).front();
  }

  std::vector<Submitted> submit_batch(std::span<const TaskSpec> specs) override {
    std::vector<std::string> keys, payloads, attempts;
    for (const auto& spec : specs) {
      if (spec.key.empty()) throw ConfigError("submit: a task needs an idempotency key");
      keys.push_back(spec.key);
      payloads.push_back(spec.payload);
      attempts.push_back(
          num(spec.max_attempts > 0 ? spec.max_attempts : options_.retry.max_attempts));
    }
    std::lock_guard lock(mutex_);
    // Rows inserted here are returned by the INSERT; rows that existed before are visible to
    // the statement's snapshot. A key inserted concurrently by another session is in neither
    // and is read again below, with a new snapshot.
    PgResult r = db_.run(
        "WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) "
        "  WITH ORDINALITY AS i(key, payload, max_attempts, ord)), "
        "ins AS (INSERT INTO tasks(key, payload, state, max_attempts, next_attempt_ms, "
        "  created_ms, updated_ms) SELECT key, payload, 'queued', max_attempts, $4, $4, $4 "
        "  FROM input ORDER BY ord ON CONFLICT (key) DO NOTHING RETURNING " LEGION_TASK_COLUMNS
        ") "
        "SELECT true, " LEGION_TASK_COLUMNS
        " FROM ins UNION ALL "
        "SELECT false, t.id, t.key, t.payload, t.state, t.attempts, t.max_attempts, "
        "t.lease_owner, t.lease_token, t.lease_expires_ms, t.next_attempt_ms, t.result, t.error, "
        "t.expiries "
        "FROM tasks t WHERE t.key = ANY($1::text[])",
        {pg_text_array(keys), pg_text_array(payloads), pg_text_array(attempts),
         num(options_.clock())});
    std::map<std::string, Submitted> by_key;
    for (int row = 0; row < r.rows(); ++row) {
      Submitted s{read_task(r, row, 1), r.boolean(row, 0)};
      by_key.emplace(s.task.key, s);
    }
    std::vector<Submitted> out;
    out.reserve(specs.size());
    for (const auto& spec : specs) {
      auto it = by_key.find(spec.key);
      if (it != by_key.end()) {
        out.push_back(it->second);
        it->second.created = false;  // the same key twice in one batch: one task
        continue;
      }
      auto existing = find_locked(spec.key);
      if (!existing) throw StoreError("submit: key '" + spec.key + "' conflicted but is absent");
      out.push_back({*existing, false});
    }
    return out;
  }

  std::vector<Task> claim(const std::string& worker_id, int n,
                          std::chrono::milliseconds lease) override {
    std::lock_guard lock(mutex_);
    std::int64_t now = options_.clock();
    // A task whose lease keeps expiring (it kills or hangs its worker) is dead-lettered
    // instead of being handed out forever. Idempotent, so retried freely.
    db_.run(
        "UPDATE tasks SET state = 'dead', lease_owner = '', updated_ms = $1, "
        "expiries = expiries + 1, error = " LEGION_EXPIRED_ERROR
        " WHERE state = 'leased' AND lease_expires_ms <= $1 AND expiries + 1 >= $2",
        {num(now), num(options_.retry.max_lease_expiries)});
    // One statement: SKIP LOCKED lets concurrent claimers pass each other's candidate rows
    // instead of queueing on them; = ANY(ARRAY(...)) makes the planner run the LIMITed
    // sub-select once. Expired leases come first (a crashed worker's tasks must not wait
    // for the whole queue to drain), once their takeover backoff has passed; the CTEs are
    // read lazily, so `due` is not even scanned when expired leases fill the batch. If the
    // connection dies mid-claim the rows may be leased to nobody: they come back when the
    // lease expires, as an expiry, not an attempt of the task.
    PgResult r = db_.run(
        "WITH expired AS (SELECT id FROM tasks WHERE state = 'leased' AND lease_expires_ms <= $3 "
        "  AND lease_expires_ms + " LEGION_TAKEOVER_DELAY("LEAST", "$5::bigint", "$6::bigint")
        " <= $3 LIMIT $4 FOR UPDATE SKIP LOCKED), "
        "due AS (SELECT id FROM tasks WHERE state IN ('queued', 'failed') "
        "  AND next_attempt_ms <= $3 LIMIT $4 FOR UPDATE SKIP LOCKED) "
        "UPDATE tasks SET state = 'leased', lease_owner = $1, "
        "lease_token = nextval('lease_tokens'), lease_expires_ms = $2, "
        "attempts = attempts + 1, updated_ms = $3, "
        "expiries = expiries + CASE WHEN state = 'leased' THEN 1 ELSE 0 END "
        "WHERE id = ANY(ARRAY((SELECT id FROM expired) UNION ALL (SELECT id FROM due) "
        "  LIMIT $4)) "
        "RETURNING " LEGION_TASK_COLUMNS,
        {worker_id, num(now + lease.count()), num(now), num(n),
         num(options_.retry.base_backoff.count()), num(options_.retry.max_backoff.count())});
    std::vector<Task> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int row = 0; row < r.rows(); ++row) out.push_back(read_task(r, row));
    return out;
  }

  bool heartbeat(std::int64_t task_id, std::int64_t lease_token,
                 std::chrono::milliseconds lease) override {
    std::lock_guard lock(mutex_);
    std::int64_t now = options_.clock();
    PgResult r = db_.run(
        "UPDATE tasks SET lease_expires_ms = $3, updated_ms = $4 "
        "WHERE id = $1 AND lease_token = $2 AND state = 'leased'",
        {num(task_id), num(lease_token), num(now + lease.count()), num(now)});
    return r.affected() == 1;
  }

  std::vector<CompleteOutcome> complete_batch(std::span<const Completion> batch) override {
    std::vector<std::string> ids, tokens, results;
    for (const auto& c : batch) {
      ids.push_back(num(c.task_id));
      tokens.push_back(num(c.lease_token));
      results.push_back(c.result);
    }
    std::lock_guard lock(mutex_);
    // One statement, so one commit: the task row and its effect row land together or not at
    // all. Sent again after a connection loss, a completion that did commit reads back as
    // already done (the snapshot shows done_token = our token), never as a second effect.
    PgResult r = db_.run(
        "WITH input AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[]) "
        "  WITH ORDINALITY AS i(id, token, result, ord)), "
        "done AS (UPDATE tasks t SET state = 'done', done_token = t.lease_token, "
        "  result = i.result, lease_owner = '', updated_ms = $4 FROM input i "
        "  WHERE t.id = i.id AND t.lease_token = i.token AND t.state = 'leased' "
        "  RETURNING t.id, t.done_token, i.result), "
        "eff AS (INSERT INTO effects(task_id, lease_token, result) "
        "  SELECT id, done_token, result FROM done RETURNING task_id, lease_token) "
        "SELECT EXISTS (SELECT 1 FROM eff WHERE eff.task_id = i.id AND eff.lease_token = i.token), "
        "  EXISTS (SELECT 1 FROM tasks t WHERE t.id = i.id AND t.state = 'done' "
        "          AND t.done_token = i.token) "
        "FROM input i ORDER BY i.ord",
        {pg_text_array(ids), pg_text_array(tokens), pg_text_array(results), num(options_.clock())});
    std::vector<CompleteOutcome> out;
    out.reserve(batch.size());
    for (int row = 0; row < r.rows(); ++row) {
      out.push_back(r.boolean(row, 0)   ? CompleteOutcome::kAccepted
                    : r.boolean(row, 1) ? CompleteOutcome::kAlreadyDone
                                        : CompleteOutcome::kRejected);
    }
    return out;
  }

  std::optional<TaskState> fail(std::int64_t task_id, std::int64_t lease_token,
                                const std::string& error) override {
    std::lock_guard lock(mutex_);
    std::int64_t now = options_.clock();
    // attempts - expiries: the handler's attempts; claims that ended in an expired lease are
    // bounded apart (RetryPolicy::max_lease_expiries).
    PgResult r = db_.run(
        "UPDATE tasks SET "
        "state = CASE WHEN attempts - expiries >= max_attempts THEN 'dead' ELSE 'failed' END, "
        "error = $3, lease_owner = '', updated_ms = $4, "
        "next_attempt_ms = $4 + LEAST($6::float8, $5::float8 * power(2, GREATEST(attempts - "
        "expiries - 1, 0)))::bigint "
        "WHERE id = $1 AND lease_token = $2 AND state = 'leased' RETURNING state",
        {num(task_id), num(lease_token), error, num(now), num(options_.retry.base_backoff.count()),
         num(options_.retry.max_backoff.count())});
    if (r.rows() == 1) return task_state_from_string(r.text(0, 0));
    // A retry after an in-doubt commit finds the failure already recorded with our token.
    auto task = get_locked(task_id);
    if (task && task->lease_token == lease_token &&
        (task->state == TaskState::kFailed || task->state == TaskState::kDead)) {
      return task->state;
    }
    return std::nullopt;
  }

  bool release(std::int64_t task_id, std::int64_t lease_token) override {
    std::lock_guard lock(mutex_);
    std::int64_t now = options_.clock();
    // Sent again after an in-doubt commit it changes nothing and says false: the task is
    // queued either way, which is all the caller needs.
    PgResult r = db_.run(
        "UPDATE tasks SET state = 'queued', attempts = GREATEST(attempts - 1, 0), "
        "lease_owner = '', next_attempt_ms = $3, updated_ms = $3 "
        "WHERE id = $1 AND lease_token = $2 AND state = 'leased'",
        {num(task_id), num(lease_token), num(now)});
    return r.affected() == 1;
  }

  std::vector<AdminOutcome> retry(std::span<const std::string> keys, const std::string& actor,
                                  const std::string& reason) override {
    return administer(keys, kRetry, actor, reason);
  }

  std::vector<AdminOutcome> cancel(std::span<const std::string> keys, const std::string& actor,
                                   const std::string& reason) override {
    return administer(keys, kCancel, actor, reason);
  }

  std::vector<AuditEntry> audit_log(std::int64_t after_seq, int limit) override {
    std::lock_guard lock(mutex_);
    PgResult r = db_.run(
        "SELECT seq, at_ms, action, task_id, key, from_state, to_state, actor, reason FROM audit "
        "WHERE seq > $1 ORDER BY seq LIMIT $2",
        {num(after_seq), num(limit)});
    std::vector<AuditEntry> out;
    for (int row = 0; row < r.rows(); ++row) {
      out.push_back({r.integer(row, 0), r.integer(row, 1), r.text(row, 2), r.integer(row, 3),
                     r.text(row, 4), r.text(row, 5), r.text(row, 6), r.text(row, 7),
                     r.text(row, 8)});
    }
    return out;
  }

  std::optional<Task> get(std::int64_t task_id) override {
    std::lock_guard lock(mutex_);
    return get_locked(task_id);
  }

  std::optional<Task> find(const std::string& key) override {
    std::lock_guard lock(mutex_);
    return find_locked(key);
  }

  std::vector<Task> list(std::int64_t after_id, int limit) override {
    std::lock_guard lock(mutex_);
    PgResult r =
        db_.run("SELECT " LEGION_TASK_COLUMNS " FROM tasks WHERE id > $1 ORDER BY id LIMIT $2",
                {num(after_id), num(limit)});
    std::vector<Task> out;
    for (int row = 0; row < r.rows(); ++row) out.push_back(read_task(r, row));
    return out;
  }

  std::vector<Task> list_in_state(TaskState state, std::int64_t after_id, int limit) override {
    std::lock_guard lock(mutex_);
    PgResult r = db_.run("SELECT " LEGION_TASK_COLUMNS
                         " FROM tasks WHERE state = $1 AND id > $2 ORDER BY id LIMIT $3",
                         {to_string(state), num(after_id), num(limit)});
    std::vector<Task> out;
    for (int row = 0; row < r.rows(); ++row) out.push_back(read_task(r, row));
    return out;
  }

  std::int64_t append_message(const std::string& topic, const std::string& body) override {
    std::lock_guard lock(mutex_);
    // At-least-once: a retry after an in-doubt commit may append the message twice; readers
    // that need exactly-once deduplicate on their own message ids.
    PgResult r =
        db_.run("INSERT INTO messages(topic, body, created_ms) VALUES ($1, $2, $3) RETURNING id",
                {topic, body, num(options_.clock())});
    return r.integer(0, 0);
  }

  std::vector<Message> read_messages(const std::string& topic, std::int64_t after_id,
                                     int limit) override {
    std::lock_guard lock(mutex_);
    PgResult r = db_.run(
        "SELECT id, topic, body, created_ms FROM messages WHERE topic = $1 AND id > $2 "
        "ORDER BY id LIMIT $3",
        {topic, num(after_id), num(limit)});
    std::vector<Message> out;
    for (int row = 0; row < r.rows(); ++row) {
      out.push_back({r.integer(row, 0), r.text(row, 1), r.text(row, 2), r.integer(row, 3)});
    }
    return out;
  }

  void save_checkpoint(const Checkpoint& checkpoint) override {
    std::lock_guard lock(mutex_);
    db_.run(
        "INSERT INTO checkpoints(workflow_id, step, state, saved_ms) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (workflow_id, step) DO UPDATE SET state = excluded.state, "
        "saved_ms = excluded.saved_ms",
        {checkpoint.workflow_id, num(checkpoint.step), checkpoint.state, num(options_.clock())});
  }

  std::optional<Checkpoint> load_checkpoint(const std::string& workflow_id) override {
    std::lock_guard lock(mutex_);
    PgResult r = db_.run(
        "SELECT step, state FROM checkpoints WHERE workflow_id = $1 ORDER BY step DESC LIMIT 1",
        {workflow_id});
    if (r.rows() == 0) return std::nullopt;
    return Checkpoint{workflow_id, static_cast<int>(r.integer(0, 0)), r.text(0, 1)};
  }

  Stats stats() override {
    std::lock_guard lock(mutex_);
    PgResult r = db_.run("SELECT state, count(*) FROM tasks GROUP BY state");
    Stats s;
    for (int row = 0; row < r.rows(); ++row) {
      s.add(task_state_from_string(r.text(row, 0)), r.integer(row, 1));
    }
    return s;
  }

  std::int64_t pending() override {
    std::lock_guard lock(mutex_);
    // Two counts, each of whose WHERE matches a partial index (tasks_due, tasks_lease), so
    // the planner never has to read the done rows; one statement, one snapshot.
    PgResult r = db_.run(
        "SELECT (SELECT count(*) FROM tasks WHERE state IN ('queued', 'failed')) + "
        "(SELECT count(*) FROM tasks WHERE state = 'leased')");
    return r.integer(0, 0);
  }

  Stats unfinished() override {
    std::lock_guard lock(mutex_);
    // The WHEREs of pending(), which match the partial indexes; one statement, one snapshot.
    PgResult r = db_.run(
        "SELECT state, count(*) FROM tasks WHERE state IN ('queued', 'failed') GROUP BY state "
        "UNION ALL SELECT 'leased', count(*) FROM tasks WHERE state = 'leased'");
    Stats s;
    for (int row = 0; row < r.rows(); ++row) {
      s.add(task_state_from_string(r.text(row, 0)), r.integer(row, 1));
    }
    return s;
  }

  Ledger verify(bool drained) override {
    std::lock_guard lock(mutex_);
    // One statement, one snapshot.
    PgResult r = db_.run(
        "SELECT (SELECT count(*) FROM tasks), "
        "(SELECT count(*) FROM tasks WHERE state = 'done'), "
        "(SELECT count(*) FROM tasks WHERE state = 'dead'), "
        "(SELECT count(*) FROM tasks WHERE state IN ('queued', 'leased', 'failed')), "
        "(SELECT count(*) FROM effects), "
        "(SELECT count(*) FROM tasks t WHERE state = 'done' "
        "  AND NOT EXISTS (SELECT 1 FROM effects e WHERE e.task_id = t.id)), "
        "(SELECT count(*) FROM effects e WHERE NOT EXISTS (SELECT 1 FROM tasks t "
        "  WHERE t.id = e.task_id AND t.state = 'done' AND t.done_token = e.lease_token)), "
        "(SELECT count(*) FROM (SELECT task_id FROM effects GROUP BY task_id "
        "  HAVING count(*) > 1) d), "
        "(SELECT count(*) FROM tasks WHERE state = 'cancelled'), "
        "(SELECT count(*) FROM audit WHERE action = 'retry'), "
        "(SELECT count(*) FROM audit WHERE action = 'cancel')");
    Ledger ledger;
    ledger.accepted = r.integer(0, 0);
    ledger.done = r.integer(0, 1);
    ledger.dead = r.integer(0, 2);
    ledger.pending = r.integer(0, 3);
    ledger.effects = r.integer(0, 4);
    ledger.lost = r.integer(0, 5) + (drained ? ledger.pending : 0);
    ledger.unexpected = r.integer(0, 6);
    ledger.duplicated = r.integer(0, 7);
    ledger.cancelled = r.integer(0, 8);
    ledger.retries = r.integer(0, 9);
    ledger.cancels = r.integer(0, 10);
    return ledger;
  }

  void wait_for_work(std::chrono::milliseconds timeout) override {
    // A connection of its own: the main one is shared by the calling threads, and a
    // LISTENing session must sit idle in poll() to hear the NOTIFY.
    std::lock_guard lock(listen_mutex_);
    try {
      if (!listener_ || PQstatus(listener_->raw()) != CONNECTION_OK) {
        listener_ = std::make_unique<PgConnection>(conninfo_, session_sql_, timeout,
                                                   options_.io_timeout, options_.interrupt);
        listener_->run_script("LISTEN \"" + channel_ + "\"");
      }
    } catch (const StoreError&) {
      listener_.reset();
      std::this_thread::sleep_for(timeout);  // the server is away; claim() will say so
      return;
    }
    PGconn* conn = listener_->raw();
    if (!drain_notifications(conn)) {
      pollfd fd{PQsocket(conn), POLLIN, 0};
      if (poll(&fd, 1, static_cast<int>(timeout.count())) > 0) drain_notifications(conn);
    }
  }

 private:
  // One statement: each key in a state the action applies to moves to its target state, with
  // its audit row. A retry of the statement after an in-doubt commit reads the new states and
  // reports them unchanged: the change and its audit row happened once.
  std::vector<AdminOutcome> administer(std::span<const std::string> keys, const AdminAction& action,
                                       const std::string& actor, const std::string& reason) {
    std::vector<std::string> from;
    for (auto state : action.from) from.push_back(to_string(state));
    std::lock_guard lock(mutex_);
    PgResult r = db_.run(
        "WITH old AS (SELECT id, key, state FROM tasks WHERE key = ANY($1::text[]) FOR UPDATE), "
        "upd AS (UPDATE tasks t SET state = $5, lease_owner = '', updated_ms = $2, "
        "  attempts = CASE WHEN $5 = 'queued' THEN 0 ELSE t.attempts END, "
        "  expiries = CASE WHEN $5 = 'queued' THEN 0 ELSE t.expiries END, "
        "  next_attempt_ms = CASE WHEN $5 = 'queued' THEN $2 ELSE t.next_attempt_ms END "
        "  FROM old WHERE t.id = old.id AND old.state = ANY($6::text[]) "
        "  RETURNING t.id, t.key, old.state AS from_state), "
        "aud AS (INSERT INTO audit(at_ms, action, task_id, key, from_state, to_state, actor, "
        "  reason) SELECT $2, $7, id, key, from_state, $5, $3, $4 FROM upd) "
        "SELECT old.key, old.state, EXISTS (SELECT 1 FROM upd WHERE upd.id = old.id) FROM old",
        {pg_text_array({keys.begin(), keys.end()}), num(options_.clock()), actor, reason,
         to_string(action.to), pg_text_array(from), action.name});
    std::map<std::string, AdminOutcome> by_key;
    for (int row = 0; row < r.rows(); ++row) {
      AdminOutcome o{r.text(row, 0), r.boolean(row, 2), task_state_from_string(r.text(row, 1)),
                     std::nullopt};
      o.after = o.changed ? action.to : *o.before;
      by_key[o.key] = o;
    }
    std::vector<AdminOutcome> out;
    for (const auto& key : keys) {
      auto it = by_key.find(key);
      out.push_back(it != by_key.end() ? it->second
                                       : AdminOutcome{key, false, std::nullopt, std::nullopt});
    }
    return out;
  }

  static bool drain_notifications(PGconn* conn) {
    bool any = false;
    PQconsumeInput(conn);
    while (PGnotify* note = PQnotifies(conn)) {
      any = true;
      PQfreemem(note);
    }
    return any;
  }

  std::optional<Task> get_locked(std::int64_t task_id) {
    PgResult r = db_.run("SELECT " LEGION_TASK_COLUMNS " FROM tasks WHERE id = $1", {num(task_id)});
    if (r.rows() == 0) return std::nullopt;
    return read_task(r, 0);
  }

  std::optional<Task> find_locked(const std::string& key) {
    PgResult r = db_.run("SELECT " LEGION_TASK_COLUMNS " FROM tasks WHERE key = $1", {key});
    if (r.rows() == 0) return std::nullopt;
    return read_task(r, 0);
  }

  std::string conninfo_;
  std::string session_sql_;
  std::string channel_;
  StoreOptions options_;
  std::mutex mutex_;  // one connection: calls from several threads take turns
  PgConnection db_;
  std::mutex listen_mutex_;
  std::unique_ptr<PgConnection> listener_;
};

bool valid_identifier(const std::string& name) {
  if (name.empty() || name.size() > 48) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<TaskStore> open_postgres_store(StoreUrl url, const StoreOptions& options) {
  // libpq writes to sockets the server may have closed; without this a restarted server
  // would kill the worker with SIGPIPE instead of letting it reconnect.
  std::signal(SIGPIPE, SIG_IGN);
  std::string schema = url.take("schema", "");
  StoreOptions effective = options;
  auto milliseconds = [&url](const char* name, std::chrono::milliseconds& out) {
    if (const auto ms = url.take_integer(name, 0, std::numeric_limits<std::int64_t>::max(),
                                         "a non-negative number of milliseconds")) {
      out = std::chrono::milliseconds(*ms);
    }
  };
  milliseconds("reconnect_deadline_ms", effective.reconnect_deadline);
  milliseconds("io_timeout_ms", effective.io_timeout);
  // Connecting is I/O too: without a timeout a connect into a silent network waits for TCP.
  if (effective.io_timeout.count() > 0 && !url.params.count("connect_timeout")) {
    url.params["connect_timeout"] =
        std::to_string(std::max<long long>(2, (effective.io_timeout.count() + 999) / 1000));
  }
  if (!schema.empty() && !valid_identifier(schema)) {
    throw ConfigError("store url: schema must be [a-z0-9_]{1,48}, not '" + schema + "'");
  }
  std::string conninfo = "postgresql://" + url.location;
  char separator = '?';
  for (const auto& [name, value] : url.params) {
    conninfo += separator + name + "=" + value;  // the rest is libpq's to judge
    separator = '&';
  }
  return std::make_unique<PostgresStore>(conninfo, schema, effective);
}

}  // namespace legion::store
