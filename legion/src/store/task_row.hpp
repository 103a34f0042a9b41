#pragma once
// What both SQL back-ends share about a task row: the column list every task query selects,
// and how a row in that order becomes a Task. Private to the store's sources.
#include <vector>

#include "legion/store/task_store.hpp"

// A macro, not a constant: the back-ends splice it into string literals, which must stay
// literals because they key the prepared-statement caches.
#define LEGION_TASK_COLUMNS                                                     \
  "id, key, payload, state, attempts, max_attempts, lease_owner, lease_token, " \
  "lease_expires_ms, next_attempt_ms, result, error, expiries"

// How long after its expiry a lease may be taken over (RetryPolicy::max_lease_expiries): 0 the
// first time, then BASE doubled per earlier expiry, capped at MAX, times 50-100% by a hash of
// the task id and the expiry count, so the tasks of a batch cut together come back spread out.
// Integer arithmetic that SQLite and PostgreSQL evaluate alike; LEAST is the back-end's
// two-argument minimum, BASE and MAX statement parameters in milliseconds.
#define LEGION_TAKEOVER_DELAY(LEAST, BASE, MAX)                               \
  "(CASE WHEN expiries = 0 THEN 0 ELSE " LEAST "(" MAX ", " BASE " << " LEAST \
  "(expiries - 1, 30)) * (1024 + ((id % 1048576) * 977 + expiries * 331) % 1024) / 2048 END)"

// The error a task dead-lettered for its expired leases carries; `expiries + 1` is the count
// including the expiry that ends it.
#define LEGION_EXPIRED_ERROR \
  "'lease expired ' || (expiries + 1) || ' times (the worker crashed, hung or lost the store)'"

namespace legion::store {

// An operator's action (TaskStore::retry / cancel): which states it applies to, the state it
// moves a task to, and its name in the audit table.
struct AdminAction {
  const char* name;
  std::vector<TaskState> from;
  TaskState to;
  bool applies(TaskState state) const {
    for (auto s : from) {
      if (s == state) return true;
    }
    return false;
  }
};
// A done task is never retried: its effect is recorded, a second run could only duplicate it.
inline const AdminAction kRetry{
    "retry", {TaskState::kDead, TaskState::kCancelled}, TaskState::kQueued};
inline const AdminAction kCancel{
    "cancel",
    {TaskState::kQueued, TaskState::kFailed, TaskState::kLeased, TaskState::kDead},
    TaskState::kCancelled};

// Row: anything with integer(column) and text(column), columns in LEGION_TASK_COLUMNS order.
template <typename Row>
Task task_from_row(const Row& row) {
  Task task;
  task.id = row.integer(0);
  task.key = row.text(1);
  task.payload = row.text(2);
  task.state = task_state_from_string(row.text(3));
  task.attempts = static_cast<int>(row.integer(4));
  task.max_attempts = static_cast<int>(row.integer(5));
  task.lease_owner = row.text(6);
  task.lease_token = row.integer(7);
  task.lease_expires_ms = row.integer(8);
  task.next_attempt_ms = row.integer(9);
  task.result = row.text(10);
  task.error = row.text(11);
  task.expiries = static_cast<int>(row.integer(12));
  return task;
}

}  // namespace legion::store
