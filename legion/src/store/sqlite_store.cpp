#include "legion/store/sqlite_store.hpp"

#include <filesystem>
#include <mutex>
#include <thread>

#include "legion/error.hpp"
#include "legion/store/sqlite_db.hpp"
#include "task_row.hpp"

namespace legion::store {
namespace {

const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS tasks(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_token INTEGER NOT NULL DEFAULT 0,
  lease_expires_ms INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL DEFAULT 0,
  done_token INTEGER NOT NULL DEFAULT 0,
  result TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  expiries INTEGER NOT NULL DEFAULT 0);
-- Partial indexes: a finished task leaves both, so the done rows (the bulk of a busy store)
-- cost neither index space nor an index update per completion.
CREATE INDEX IF NOT EXISTS tasks_due ON tasks(next_attempt_ms) WHERE state IN ('queued', 'failed');
CREATE INDEX IF NOT EXISTS tasks_lease ON tasks(lease_expires_ms) WHERE state = 'leased';
-- No UNIQUE on task_id: a second effect must stay countable, or verify could not catch it.
CREATE TABLE IF NOT EXISTS effects(
  seq INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL,
  lease_token INTEGER NOT NULL,
  result TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS effects_task ON effects(task_id);
CREATE TABLE IF NOT EXISTS lease_tokens(id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL);
INSERT OR IGNORE INTO lease_tokens(id, last) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS messages(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL,
  body TEXT NOT NULL,
  created_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS messages_topic ON messages(topic, id);
CREATE TABLE IF NOT EXISTS checkpoints(
  workflow_id TEXT NOT NULL,
  step INTEGER NOT NULL,
  state TEXT NOT NULL,
  saved_ms INTEGER NOT NULL,
  PRIMARY KEY (workflow_id, step));
-- Operators' retries and cancels: who did what to which task, and when.
CREATE TABLE IF NOT EXISTS audit(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms INTEGER NOT NULL,
  action TEXT NOT NULL,
  task_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  actor TEXT NOT NULL,
  reason TEXT NOT NULL);
)sql";

Task read_task(const SqliteQuery& q) {
  return task_from_row(q);
}

class SqliteStore final : public TaskStore {
 public:
  SqliteStore(const std::string& path, const std::string& vfs, const std::string& synchronous,
              int busy_timeout_ms, const StoreOptions& options)
      : db_(path, vfs, busy_timeout_ms, options.read_only), options_(options) {
    if (options.read_only) {
      // Nothing is written: the file must already be a store (an empty or truncated file,
      // which SQLite reads as an empty database, is not).
      SqliteQuery tables = db_.query(
          "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
          "('tasks', 'effects', 'lease_tokens', 'messages', 'checkpoints')");
      if (!tables.step() || tables.integer(0) != 5) {
        throw StoreError("sqlite: '" + path +
                         "' is not a LEGION store (its tables are missing: an empty or "
                         "truncated file?)");
      }
      return;
    }
    db_.use_wal();
    db_.exec("PRAGMA synchronous=" + synchronous);
    db_.exec("PRAGMA cache_size=-16384");  // 16 MiB: the hot index pages of a large backlog
    SqliteWriteTxn txn(db_);
    db_.exec(kSchema);
    // A store made before lease expiries were counted apart gets the column (SQLite has no
    // ADD COLUMN IF NOT EXISTS).
    SqliteQuery has_expiries =
        db_.query("SELECT count(*) FROM pragma_table_info('tasks') WHERE name = 'expiries'");
    if (has_expiries.step() && has_expiries.integer(0) == 0) {
      db_.exec("ALTER TABLE tasks ADD COLUMN expiries INTEGER NOT NULL DEFAULT 0");
    }
    txn.commit();
  }

  Submitted submit(const TaskSpec& spec) override {
    return submit_batch(std::span<const TaskSpec>(&spec, 1)).front();
  }

  std::vector<Submitted> submit_batch(std::span<const TaskSpec> specs) override {
    for (const auto& spec : specs) {
      if (spec.key.empty()) throw ConfigError("submit: a task needs an idempotency key");
    }
    std::lock_guard lock(mutex_);
    std::int64_t now = options_.clock();
    std::vector<Submitted> out;
    out.reserve(specs.size());
    SqliteWriteTxn txn(db_);
    for (const auto& spec : specs) {
      int max_attempts = spec.max_attempts > 0 ? spec.max_attempts : options_.retry.max_attempts;
      SqliteQuery insert = db_.query(
          "INSERT INTO tasks(key, payload, state, max_attempts, next_attempt_ms, created_ms, "
          "updated_ms) VALUES (?1, ?2, 'queued', ?3, ?4, ?4, ?4) ON CONFLICT(key) DO NOTHING "
          "RETURNING " LEGION_TASK_COLUMNS);
      insert.bind(1, spec.key).bind(2, spec.payload).bind(3, max_attempts).bind(4, now);
      if (insert.step()) {
        out.push_back({read_task(insert), true});
        continue;
      }
      auto existing = find_locked(spec.key);
      if (!existing) throw StoreError("submit: key '" + spec.key + "' conflicted but is absent");
      out.push_back({*existing, false});
    }
    txn.commit();
    return out;
  }

  std::vector<Task> claim(const std::string& worker_id, int n,
                          std::chrono::milliseconds lease) override {
    std::lock_guard lock(mutex_);
    std::int64_t now = options_.clock();
    SqliteWriteTxn txn(db_);
    {
      // A task whose lease keeps expiring (it kills or hangs its worker) is dead-lettered
      // instead of being handed out forever.
      SqliteQuery poison = db_.query(
          "UPDATE tasks SET state = 'dead', lease_owner = '', updated_ms = ?1, "
          "expiries = expiries + 1, error = " LEGION_EXPIRED_ERROR
          " WHERE state = 'leased' AND lease_expires_ms <= ?1 AND expiries + 1 >= ?2");
      poison.bind(1, now).bind(2, options_.retry.max_lease_expiries);
      poison.run();
    }
    // Two index range scans instead of one OR: an OR with ORDER BY would sort every queued
    // row on each claim. Expired leases first (once their takeover backoff has passed): they
    // are the oldest work.
    std::vector<std::int64_t> ids;
    {
      SqliteQuery expired = db_.query(
          "SELECT id FROM tasks WHERE state = 'leased' AND lease_expires_ms <= ?1 "
          "AND lease_expires_ms + " LEGION_TAKEOVER_DELAY("min", "?3", "?4") " <= ?1 LIMIT ?2");
      expired.bind(1, now).bind(2, n).bind(3, options_.retry.base_backoff.count());
      expired.bind(4, options_.retry.max_backoff.count());
      while (expired.step()) ids.push_back(expired.integer(0));
    }
    if (static_cast<int>(ids.size()) < n) {
      SqliteQuery due = db_.query(
          "SELECT id FROM tasks WHERE state IN ('queued', 'failed') AND next_attempt_ms <= ?1 "
          "LIMIT ?2");
      due.bind(1, now).bind(2, n - static_cast<std::int64_t>(ids.size()));
      while (due.step()) ids.push_back(due.integer(0));
    }
    std::vector<Task> leased;
    if (ids.empty()) {
      txn.commit();  // keeps any dead-lettering above; writes nothing otherwise
      return leased;
    }
    std::int64_t token = 0;
    {
      SqliteQuery bump =
          db_.query("UPDATE lease_tokens SET last = last + ?1 WHERE id = 1 RETURNING last");
      bump.bind(1, static_cast<std::int64_t>(ids.size()));
      if (!bump.step()) throw StoreError("sqlite: lease token counter missing");
      token = bump.integer(0) - static_cast<std::int64_t>(ids.size());
    }
    leased.reserve(ids.size());
    for (auto id : ids) {
      SqliteQuery update = db_.query(
          "UPDATE tasks SET state = 'leased', lease_owner = ?2, lease_token = ?3, "
          "lease_expires_ms = ?4, attempts = attempts + 1, updated_ms = ?5, "
          "expiries = expiries + CASE WHEN state = 'leased' THEN 1 ELSE 0 END WHERE id = ?1 "
          "RETURNING " LEGION_TASK_COLUMNS);
      update.bind(1, id).bind(2, worker_id).bind(3, ++token).bind(4, now + lease.count());
      update.bind(5, now);
      if (update.step()) leased.push_back(read_task(update));
    }
    txn.commit();
    return leased;
  }

  bool heartbeat(std::int64_t task_id, std::int64_t lease_token,
                 std::chrono::milliseconds lease) override {
    std::lock_guard lock(mutex_);
    std::int64_t now = options_.clock();
    SqliteQuery update = db_.query(
        "UPDATE tasks SET lease_expires_ms = ?3, updated_ms = ?4 "
        "WHERE id = ?1 AND lease_token = ?2 AND state = 'leased'");
    update.bind(1, task_id).bind(2, lease_token).bind(3, now + lease.count()).bind(4, now);
    update.run();
    return db_.changes() == 1;
  }

  std::vector<CompleteOutcome> complete_batch(std::span<const Completion> batch) override {
    std::lock_guard lock(mutex_);
    std::int64_t now = options_.clock();
    std::vector<CompleteOutcome> out;
    out.reserve(batch.size());
    SqliteWriteTxn txn(db_);
    for (const auto& c : batch) {
      {
        SqliteQuery update = db_.query(
            "UPDATE tasks SET state = 'done', done_token = lease_token, result = ?3, "
            "lease_owner = '', updated_ms = ?4 "
            "WHERE id = ?1 AND lease_token = ?2 AND state = 'leased'");
        update.bind(1, c.task_id).bind(2, c.lease_token).bind(3, c.result).bind(4, now);
        update.run();
      }
      if (db_.changes() == 1) {
        SqliteQuery effect =
            db_.query("INSERT INTO effects(task_id, lease_token, result) VALUES (?1, ?2, ?3)");
        effect.bind(1, c.task_id).bind(2, c.lease_token).bind(3, c.result);
        effect.run();
        out.push_back(CompleteOutcome::kAccepted);
        continue;
      }
      SqliteQuery check = db_.query("SELECT state, done_token FROM tasks WHERE id = ?1");
      check.bind(1, c.task_id);
      bool same = check.step() && check.text(0) == "done" && check.integer(1) == c.lease_token;
      out.push_back(same ? CompleteOutcome::kAlreadyDone : CompleteOutcome::kRejected);
    }
    txn.commit();
    return out;
  }

  std::optional<TaskState> fail(std::int64_t task_id, std::int64_t lease_token,
                                const std::string& error) override {
    std::lock_guard lock(mutex_);
    std::int64_t now = options_.clock();
    SqliteWriteTxn txn(db_);
    int attempts = 0, max_attempts = 0;  // attempts: the handler's, expired leases not counted
    {
      SqliteQuery current = db_.query(
          "SELECT attempts - expiries, max_attempts FROM tasks "
          "WHERE id = ?1 AND lease_token = ?2 AND state = 'leased'");
      current.bind(1, task_id).bind(2, lease_token);
      if (!current.step()) return already_failed(task_id, lease_token);
      attempts = static_cast<int>(current.integer(0));
      max_attempts = static_cast<int>(current.integer(1));
    }
    TaskState next = attempts >= max_attempts ? TaskState::kDead : TaskState::kFailed;
    std::int64_t due = now + options_.retry.backoff_for(attempts).count();
    SqliteQuery update = db_.query(
        "UPDATE tasks SET state = ?2, error = ?3, next_attempt_ms = ?4, lease_owner = '', "
        "updated_ms = ?5 WHERE id = ?1");
    update.bind(1, task_id).bind(2, std::string(to_string(next))).bind(3, error).bind(4, due);
    update.bind(5, now);
    update.run();
    txn.commit();
    return next;
  }

  bool release(std::int64_t task_id, std::int64_t lease_token) override {
    std::lock_guard lock(mutex_);
    std::int64_t now = options_.clock();
    SqliteQuery update = db_.query(
        "UPDATE tasks SET state = 'queued', attempts = max(attempts - 1, 0), lease_owner = '', "
        "next_attempt_ms = ?3, updated_ms = ?3 "
        "WHERE id = ?1 AND lease_token = ?2 AND state = 'leased'");
    update.bind(1, task_id).bind(2, lease_token).bind(3, now);
    update.run();
    return db_.changes() == 1;
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
    SqliteQuery q = db_.query(
        "SELECT seq, at_ms, action, task_id, key, from_state, to_state, actor, reason FROM audit "
        "WHERE seq > ?1 ORDER BY seq LIMIT ?2");
    q.bind(1, after_seq).bind(2, limit);
    std::vector<AuditEntry> out;
    while (q.step()) {
      out.push_back({q.integer(0), q.integer(1), q.text(2), q.integer(3), q.text(4), q.text(5),
                     q.text(6), q.text(7), q.text(8)});
    }
    return out;
  }

  std::optional<Task> get(std::int64_t task_id) override {
    std::lock_guard lock(mutex_);
    SqliteQuery q = db_.query("SELECT " LEGION_TASK_COLUMNS " FROM tasks WHERE id = ?1");
    q.bind(1, task_id);
    if (!q.step()) return std::nullopt;
    return read_task(q);
  }

  std::optional<Task> find(const std::string& key) override {
    std::lock_guard lock(mutex_);
    return find_locked(key);
  }

  std::vector<Task> list(std::int64_t after_id, int limit) override {
    std::lock_guard lock(mutex_);
    SqliteQuery q =
        db_.query("SELECT " LEGION_TASK_COLUMNS " FROM tasks WHERE id > ?1 ORDER BY id LIMIT ?2");
    q.bind(1, after_id).bind(2, limit);
    std::vector<Task> out;
    while (q.step()) out.push_back(read_task(q));
    return out;
  }

  std::vector<Task> list_in_state(TaskState state, std::int64_t after_id, int limit) override {
    std::lock_guard lock(mutex_);
    SqliteQuery q = db_.query("SELECT " LEGION_TASK_COLUMNS
                              " FROM tasks WHERE state = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
    q.bind(1, std::string(to_string(state))).bind(2, after_id).bind(3, limit);
    std::vector<Task> out;
    while (q.step()) out.push_back(read_task(q));
    return out;
  }

  std::int64_t append_message(const std::string& topic, const std::string& body) override {
    std::lock_guard lock(mutex_);
    SqliteQuery q =
        db_.query("INSERT INTO messages(topic, body, created_ms) VALUES (?1, ?2, ?3) RETURNING id");
    q.bind(1, topic).bind(2, body).bind(3, options_.clock());
    if (!q.step()) throw StoreError("sqlite: append_message returned no id");
    return q.integer(0);
  }

  std::vector<Message> read_messages(const std::string& topic, std::int64_t after_id,
                                     int limit) override {
    std::lock_guard lock(mutex_);
    SqliteQuery q = db_.query(
        "SELECT id, topic, body, created_ms FROM messages WHERE topic = ?1 AND id > ?2 "
        "ORDER BY id LIMIT ?3");
    q.bind(1, topic).bind(2, after_id).bind(3, limit);
    std::vector<Message> out;
    while (q.step()) out.push_back({q.integer(0), q.text(1), q.text(2), q.integer(3)});
    return out;
  }

  void save_checkpoint(const Checkpoint& checkpoint) override {
    std::lock_guard lock(mutex_);
    SqliteQuery q = db_.query(
        "INSERT OR REPLACE INTO checkpoints(workflow_id, step, state, saved_ms) "
        "VALUES (?1, ?2, ?3, ?4)");
    q.bind(1, checkpoint.workflow_id).bind(2, checkpoint.step).bind(3, checkpoint.state);
    q.bind(4, options_.clock());
    q.run();
  }

  std::optional<Checkpoint> load_checkpoint(const std::string& workflow_id) override {
    std::lock_guard lock(mutex_);
    SqliteQuery q = db_.query(
        "SELECT step, state FROM checkpoints WHERE workflow_id = ?1 ORDER BY step DESC LIMIT 1");
    q.bind(1, workflow_id);
    if (!q.step()) return std::nullopt;
    return Checkpoint{workflow_id, static_cast<int>(q.integer(0)), q.text(1)};
  }

  Stats stats() override {
    std::lock_guard lock(mutex_);
    SqliteQuery q = db_.query("SELECT state, count(*) FROM tasks GROUP BY state");
    Stats s;
    while (q.step()) s.add(task_state_from_string(q.text(0)), q.integer(1));
    return s;
  }

  std::int64_t pending() override {
    std::lock_guard lock(mutex_);
    // Each count scans one partial index (tasks_due, tasks_lease), which hold no done rows;
    // one statement, one snapshot.
    return scalar(
        db_.query("SELECT (SELECT count(*) FROM tasks WHERE state IN ('queued', 'failed')) + "
                  "(SELECT count(*) FROM tasks WHERE state = 'leased')"));
  }

  Stats unfinished() override {
    std::lock_guard lock(mutex_);
    // Each WHERE repeats a partial index's own (tasks_due, tasks_lease), so SQLite scans the
    // index, never the done rows; one statement, one snapshot.
    SqliteQuery q = db_.query(
        "SELECT state, count(*) FROM tasks WHERE state IN ('queued', 'failed') GROUP BY state "
        "UNION ALL SELECT 'leased', count(*) FROM tasks WHERE state = 'leased'");
    Stats s;
    while (q.step()) s.add(task_state_from_string(q.text(0)), q.integer(1));
    return s;
  }

  Ledger verify(bool drained) override {
    Stats s = stats();
    std::lock_guard lock(mutex_);
    // One read transaction so the counts describe one snapshot.
    db_.exec("BEGIN");
    Ledger ledger;
    try {
      ledger.accepted = s.total();
      ledger.done = s.done;
      ledger.dead = s.dead;
      ledger.pending = s.queued + s.leased + s.failed;
      ledger.effects = scalar(db_.query("SELECT count(*) FROM effects"));
      ledger.lost =
          scalar(db_.query("SELECT count(*) FROM tasks t WHERE state = 'done' "
                           "AND NOT EXISTS (SELECT 1 FROM effects e WHERE e.task_id = t.id)"));
      if (drained) ledger.lost += ledger.pending;
      ledger.unexpected = scalar(db_.query(
          "SELECT count(*) FROM effects e WHERE NOT EXISTS (SELECT 1 FROM tasks t "
          "WHERE t.id = e.task_id AND t.state = 'done' AND t.done_token = e.lease_token)"));
      ledger.duplicated =
          scalar(db_.query("SELECT count(*) FROM (SELECT task_id FROM effects GROUP BY task_id "
                           "HAVING count(*) > 1)"));
      ledger.cancelled = s.cancelled;
      ledger.retries = scalar(db_.query("SELECT count(*) FROM audit WHERE action = 'retry'"));
      ledger.cancels = scalar(db_.query("SELECT count(*) FROM audit WHERE action = 'cancel'"));
    } catch (...) {
      db_.exec("ROLLBACK");
      throw;
    }
    db_.exec("COMMIT");
    return ledger;
  }

  void wait_for_work(std::chrono::milliseconds timeout) override {
    // SQLite cannot notify another process; data_version changes when any other connection
    // commits, so polling it is cheap and wakes an idle worker within one step.
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::int64_t seen = data_version();
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (data_version() != seen) return;
    }
  }

 private:
  static std::int64_t scalar(SqliteQuery&& q) { return q.step() ? q.integer(0) : 0; }

  // One transaction: each key in a state the action applies to moves to its target state, with
  // its audit row.
  std::vector<AdminOutcome> administer(std::span<const std::string> keys, const AdminAction& action,
                                       const std::string& actor, const std::string& reason) {
    const TaskState to = action.to;
    std::lock_guard lock(mutex_);
    std::int64_t now = options_.clock();
    std::vector<AdminOutcome> out;
    SqliteWriteTxn txn(db_);
    for (const auto& key : keys) {
      AdminOutcome outcome{key, false, std::nullopt, std::nullopt};
      auto task = find_locked(key);
      if (task) {
        outcome.before = outcome.after = task->state;
        if (action.applies(task->state)) {
          // Retry resets the attempts: the task gets a full set again, as if new.
          SqliteQuery update = db_.query(
              "UPDATE tasks SET state = ?2, lease_owner = '', updated_ms = ?3, "
              "next_attempt_ms = CASE WHEN ?2 = 'queued' THEN ?3 ELSE next_attempt_ms END, "
              "attempts = CASE WHEN ?2 = 'queued' THEN 0 ELSE attempts END, "
              "expiries = CASE WHEN ?2 = 'queued' THEN 0 ELSE expiries END WHERE id = ?1");
          update.bind(1, task->id).bind(2, std::string(to_string(to))).bind(3, now);
          update.run();
          SqliteQuery audit = db_.query(
              "INSERT INTO audit(at_ms, action, task_id, key, from_state, to_state, actor, "
              "reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
          audit.bind(1, now).bind(2, std::string(action.name)).bind(3, task->id).bind(4, key);
          audit.bind(5, std::string(to_string(task->state))).bind(6, std::string(to_string(to)));
          audit.bind(7, actor).bind(8, reason);
          audit.run();
          outcome.changed = true;
          outcome.after = to;
        }
      }
      out.push_back(std::move(outcome));
    }
    txn.commit();
    return out;
  }

  std::int64_t data_version() {
    std::lock_guard lock(mutex_);
    return scalar(db_.query("PRAGMA data_version"));
  }

  // A retried fail() whose first call committed finds the failure recorded with its token.
  std::optional<TaskState> already_failed(std::int64_t task_id, std::int64_t lease_token) {
    SqliteQuery q = db_.query("SELECT state FROM tasks WHERE id = ?1 AND lease_token = ?2");
    q.bind(1, task_id).bind(2, lease_token);
    if (!q.step()) return std::nullopt;
    TaskState state = task_state_from_string(q.text(0));
    if (state == TaskState::kFailed || state == TaskState::kDead) return state;
    return std::nullopt;
  }

  std::optional<Task> find_locked(const std::string& key) {
    SqliteQuery q = db_.query("SELECT " LEGION_TASK_COLUMNS " FROM tasks WHERE key = ?1");
    q.bind(1, key);
    if (!q.step()) return std::nullopt;
    return read_task(q);
  }

  std::mutex mutex_;  // one connection, one writer: calls from several threads take turns
  SqliteDb db_;
  StoreOptions options_;
};

}  // namespace

std::unique_ptr<TaskStore> open_sqlite_store(StoreUrl url, const StoreOptions& options) {
  if (url.location.empty()) {
    throw ConfigError(
        "store url: sqlite:// needs a file path (sqlite://PATH, e.g. sqlite://legion.db)");
  }
  const std::string& path = url.location;
  if (options.read_only) {
    std::error_code error;
    if (!std::filesystem::exists(path, error))
      throw StoreError("sqlite: no store at '" + path + "'");
  }
  std::string synchronous = url.take("synchronous", "full");
  if (synchronous != "full" && synchronous != "normal") {
    throw ConfigError("store url: synchronous must be full or normal, not '" + synchronous + "'");
  }
  std::string busy = url.take("busy_timeout", "5000");
  int busy_timeout_ms = 0;
  try {
    busy_timeout_ms = std::stoi(busy);
  } catch (const std::exception&) {
    throw ConfigError("store url: busy_timeout must be milliseconds, not '" + busy + "'");
  }
  std::string vfs = url.take("vfs", "");
  url.reject_unknown();
  return std::make_unique<SqliteStore>(path, vfs, synchronous, busy_timeout_ms, options);
}

}  // namespace legion::store
