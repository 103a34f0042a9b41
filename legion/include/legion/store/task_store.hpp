#pragma once
// The durable task store: the one contract the SQLite and PostgreSQL back-ends implement and
// that workers, the CLI and the stress harness rely on. Delivery is at-least-once (a lease
// that expires is handed out again); the *effect* of a task is recorded exactly once because
// complete() is fenced by the lease token and writes the effect in the same transaction.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "legion/store/store_error.hpp"

namespace legion::store {

// kCancelled: an operator gave the task up (`legion tasks cancel`); terminal like kDead, and
// like kDead it can be put back with retry().
enum class TaskState { kQueued, kLeased, kDone, kFailed, kDead, kCancelled };
const char* to_string(TaskState state);
TaskState task_state_from_string(const std::string& text);

struct Task {
  std::int64_t id = 0;
  std::string key;      // idempotency key: one task per key, whoever submits it how often
  std::string payload;  // JSON text, opaque to the store
  TaskState state = TaskState::kQueued;
  int attempts = 0;  // claims so far
  int max_attempts = 0;
  // Claims that ended in a lease expiring unrenewed (the worker crashed, hung, or lost the
  // store) and taken over. Not failures of the task: attempts - expiries is the attempt the
  // handler is on, and only that is bounded by max_attempts.
  int expiries = 0;
  std::string lease_owner;
  std::int64_t lease_token = 0;  // fencing token: grows with every claim of any task
  std::int64_t lease_expires_ms = 0;
  std::int64_t next_attempt_ms = 0;
  std::string result;  // JSON text once done
  std::string error;   // last failure
};

struct TaskSpec {
  std::string key;
  std::string payload = "{}";
  int max_attempts = 0;  // 0: the store's RetryPolicy default
};

struct Submitted {
  Task task;
  bool created = false;  // false: the key was known and `task` is the existing one
};

struct Completion {
  std::int64_t task_id = 0;
  std::int64_t lease_token = 0;
  std::string result = "{}";
};

enum class CompleteOutcome {
  kAccepted,     // this call recorded the effect
  kAlreadyDone,  // an earlier call with the same token did: a retry, nothing new recorded
  kRejected,     // fenced: the lease was lost (expired and re-claimed, failed, or unknown task)
};
const char* to_string(CompleteOutcome outcome);

struct RetryPolicy {
  int max_attempts = 5;
  std::chrono::milliseconds base_backoff{200};  // delay after the first failure, doubled after each
  std::chrono::milliseconds max_backoff{60'000};
  // A task whose lease has expired this many times is dead-lettered: what bounds a poison
  // task that kills or hangs its worker. Counted apart from max_attempts, so a store outage
  // (workers that cannot renew, or a claim whose reply was lost) cannot use up a healthy
  // task's attempts. The first takeover of an expired lease is immediate (a crashed worker's
  // work resumes at once); each further one waits a backoff after the expiry: base_backoff
  // doubled per earlier expiry, capped at max_backoff, jittered to 50-100% per task. Minimum 1.
  int max_lease_expiries = 10;
  std::chrono::milliseconds backoff_for(int attempts) const;
};

struct Message {
  std::int64_t id = 0;
  std::string topic;
  std::string body;
  std::int64_t created_ms = 0;
};

struct Checkpoint {
  std::string workflow_id;
  int step = 0;
  std::string state;  // JSON text
};

struct Stats {
  std::int64_t queued = 0, leased = 0, done = 0, failed = 0, dead = 0, cancelled = 0;
  std::int64_t total() const { return queued + leased + done + failed + dead + cancelled; }
  void add(TaskState state, std::int64_t count);
};

// An operator's action on a task, kept in the store's audit table (`legion tasks retry` and
// `cancel`); the ledger counts them.
struct AuditEntry {
  std::int64_t seq = 0;
  std::int64_t at_ms = 0;
  std::string action;  // "retry" or "cancel"
  std::int64_t task_id = 0;
  std::string key;
  std::string from_state, to_state;
  std::string actor;   // who asked (the CLI puts user@host)
  std::string reason;  // free text, may be empty
};

// What retry() or cancel() did to one key.
struct AdminOutcome {
  std::string key;
  bool changed = false;             // false: unknown key, or a state the action does not apply to
  std::optional<TaskState> before;  // nullopt: no task has this key
  std::optional<TaskState> after;
};

// The ledger `legion verify` prints. accepted = tasks the store acknowledged (rows), effects =
// effect rows written by accepted completions.
struct Ledger {
  std::int64_t accepted = 0;
  std::int64_t done = 0;
  std::int64_t dead = 0;
  std::int64_t pending = 0;  // not yet terminal: queued, leased, failed-awaiting-retry
  std::int64_t effects = 0;
  std::int64_t lost = 0;        // done without an effect, or (drained) still pending
  std::int64_t unexpected = 0;  // effects of unknown tasks or of a token that did not win
  std::int64_t duplicated = 0;  // tasks with more than one effect
  std::int64_t cancelled = 0;   // given up by an operator: terminal, not lost
  std::int64_t retries = 0;     // audited operator retries (dead/cancelled -> queued)
  std::int64_t cancels = 0;     // audited operator cancels
  bool ok() const { return lost == 0 && unexpected == 0 && duplicated == 0; }
};

using Clock = std::function<std::int64_t()>;  // milliseconds since the epoch
std::int64_t system_now_ms();

struct StoreOptions {
  RetryPolicy retry;
  Clock clock = system_now_ms;  // injectable so tests can move time instead of sleeping
  // PostgreSQL: how long to keep reconnecting (after the server went away; the first
  // connection is tried once) before giving up with a StoreError.
  std::chrono::milliseconds reconnect_deadline{30'000};
  // PostgreSQL: once set, reconnecting stops with a StoreUnavailableError (a worker told to
  // stop must not sit out the reconnect deadline first).
  const std::atomic<bool>* interrupt = nullptr;
  // SQLite: read without writing: the file is opened read-only (so a write-protected file or
  // directory can still be inspected) and must already hold a store; nothing is created.
  bool read_only = false;
  // PostgreSQL: a reply must come within this, or the connection is dropped and the statement
  // retried on a new one (0: wait as long as TCP does). URL parameter io_timeout_ms.
  std::chrono::milliseconds io_timeout{0};
};

class TaskStore {
 public:
  virtual ~TaskStore() = default;

  virtual Submitted submit(const TaskSpec& spec) = 0;
  // One transaction: all are acknowledged or (on error) none.
  virtual std::vector<Submitted> submit_batch(std::span<const TaskSpec> specs) = 0;

  // Leases up to n claimable tasks (queued and due, or leased with an expired lease whose
  // takeover backoff has passed: RetryPolicy::max_lease_expiries). Dead-letters the tasks
  // whose lease expired for the max_lease_expiries-th time.
  virtual std::vector<Task> claim(const std::string& worker_id, int n,
                                  std::chrono::milliseconds lease) = 0;
  // Extends the lease; false when it was lost (fenced).
  virtual bool heartbeat(std::int64_t task_id, std::int64_t lease_token,
                         std::chrono::milliseconds lease) = 0;

  CompleteOutcome complete(std::int64_t task_id, std::int64_t lease_token,
                           const std::string& result);
  // Group commit: one transaction (one fsync) for the whole batch.
  virtual std::vector<CompleteOutcome> complete_batch(std::span<const Completion> batch) = 0;

  // Records a failure: the task becomes claimable again after a backoff, or dead once the
  // handler has failed on max_attempts attempts (claims that ended in an expired lease do not
  // count). Returns the new state, or nullopt when the lease was lost.
  virtual std::optional<TaskState> fail(std::int64_t task_id, std::int64_t lease_token,
                                        const std::string& error) = 0;

  // Gives a lease back unused (a worker shutting down before it ran the task): queued and due
  // now, the attempt not counted. Fenced like complete(): false when the lease was lost.
  virtual bool release(std::int64_t task_id, std::int64_t lease_token) = 0;

  // Operator actions, each one transaction with its audit rows. retry: dead or cancelled ->
  // queued, due now, attempts reset to 0 (a done task is refused: its effect is recorded, a
  // second run could only duplicate it). cancel: queued, failed, leased or dead -> cancelled
  // (a worker still running it is fenced: its completion is rejected, so no effect lands).
  virtual std::vector<AdminOutcome> retry(std::span<const std::string> keys,
                                          const std::string& actor, const std::string& reason) = 0;
  virtual std::vector<AdminOutcome> cancel(std::span<const std::string> keys,
                                           const std::string& actor, const std::string& reason) = 0;
  virtual std::vector<AuditEntry> audit_log(std::int64_t after_seq, int limit) = 0;

  virtual std::optional<Task> get(std::int64_t task_id) = 0;
  virtual std::optional<Task> find(const std::string& key) = 0;
  virtual std::vector<Task> list(std::int64_t after_id, int limit) = 0;
  // The same, only tasks in `state` (`legion tasks list --state dead`).
  virtual std::vector<Task> list_in_state(TaskState state, std::int64_t after_id, int limit) = 0;

  virtual std::int64_t append_message(const std::string& topic, const std::string& body) = 0;
  virtual std::vector<Message> read_messages(const std::string& topic, std::int64_t after_id,
                                             int limit) = 0;

  virtual void save_checkpoint(const Checkpoint& checkpoint) = 0;
  virtual std::optional<Checkpoint> load_checkpoint(const std::string& workflow_id) = 0;

  // Counts every task by state: reads the whole store (O(tasks), the done ones included).
  virtual Stats stats() = 0;
  // Tasks not finished yet (queued, leased or failed: stats().queued + leased + failed), in
  // one snapshot. Reads only the indexes of unfinished tasks, so its cost follows the backlog,
  // not the store's size: it is the check a draining worker makes on every idle poll.
  virtual std::int64_t pending() = 0;
  // The same tasks by state: queued, leased and failed set, done, dead and cancelled left 0.
  // Reads the same partial indexes as pending(), so its cost follows the backlog too: it is
  // what the worker's queue gauges sample every second (legion/cli/queue_sampler.hpp).
  virtual Stats unfinished() = 0;
  // drained = true counts still-pending tasks as lost (use once the workers have finished).
  virtual Ledger verify(bool drained) = 0;

  // Blocks until new work may be there (a NOTIFY on PostgreSQL) or the timeout passes.
  virtual void wait_for_work(std::chrono::milliseconds timeout) = 0;
};

// sqlite://PATH[?synchronous=full|normal&busy_timeout=MS&vfs=NAME] (a path is required) or
// postgresql://... / postgres://... (a libpq URI; an extra `schema=NAME` parameter isolates a
// store inside one database; `reconnect_deadline_ms=MS`). Either back-end:
// `max_lease_expiries=N` (1..1000) sets RetryPolicy::max_lease_expiries. Any other scheme ->
// ConfigError.
std::unique_ptr<TaskStore> open_store(const std::string& url, const StoreOptions& options = {});

}  // namespace legion::store
