#include "legion/store/task_store.hpp"

#include <algorithm>

#include "legion/error.hpp"
#include "legion/store/postgres_store.hpp"
#include "legion/store/sqlite_store.hpp"
#include "legion/store/store_url.hpp"

namespace legion::store {

const char* to_string(TaskState state) {
  switch (state) {
    case TaskState::kQueued:
      return "queued";
    case TaskState::kLeased:
      return "leased";
    case TaskState::kDone:
      return "done";
    case TaskState::kFailed:
      return "failed";
    case TaskState::kDead:
      return "dead";
    case TaskState::kCancelled:
      return "cancelled";
  }
  return "?";
}

TaskState task_state_from_string(const std::string& text) {
  for (auto state : {TaskState::kQueued, TaskState::kLeased, TaskState::kDone, TaskState::kFailed,
                     TaskState::kDead, TaskState::kCancelled}) {
    if (text == to_string(state)) return state;
  }
  throw StoreError("unknown task state '" + text + "' in the store");
}

const char* to_string(CompleteOutcome outcome) {
  switch (outcome) {
    case CompleteOutcome::kAccepted:
      return "accepted";
    case CompleteOutcome::kAlreadyDone:
      return "already_done";
    case CompleteOutcome::kRejected:
      return "rejected";
  }
  return "?";
}

void Stats::add(TaskState state, std::int64_t count) {
  switch (state) {
    case TaskState::kQueued:
      queued += count;
      break;
    case TaskState::kLeased:
      leased += count;
      break;
    case TaskState::kDone:
      done += count;
      break;
    case TaskState::kFailed:
      failed += count;
      break;
    case TaskState::kDead:
      dead += count;
      break;
    case TaskState::kCancelled:
      cancelled += count;
      break;
  }
}

std::chrono::milliseconds RetryPolicy::backoff_for(int attempts) const {
  // Doubling in floating point first avoids the overflow a shift would hit after ~40 failures.
  double delay = static_cast<double>(base_backoff.count());
  for (int i = 1; i < attempts && delay < static_cast<double>(max_backoff.count()); ++i) delay *= 2;
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(std::min(delay, static_cast<double>(max_backoff.count()))));
}

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

CompleteOutcome TaskStore::complete(std::int64_t task_id, std::int64_t lease_token,
                                    const std::string& result) {
  Completion one{task_id, lease_token, result};
  return complete_batch(std::span<const Completion>(&one, 1)).front();
}

std::unique_ptr<TaskStore> open_store(const std::string& url, const StoreOptions& options) {
  StoreUrl parsed = parse_store_url(url);
  // Both back-ends: every process claiming from one store should pass the same value.
  StoreOptions effective = options;
  if (const auto expiries =
          parsed.take_integer("max_lease_expiries", 1, 1000, "an integer from 1 to 1000")) {
    effective.retry.max_lease_expiries = static_cast<int>(*expiries);
  }
  if (parsed.scheme == "sqlite") return open_sqlite_store(parsed, effective);
  if (parsed.scheme == "postgresql" || parsed.scheme == "postgres") {
    return open_postgres_store(parsed, effective);
  }
  throw ConfigError("store url: unknown scheme '" + parsed.scheme +
                    "' (expected sqlite:// or postgresql://)");
}

}  // namespace legion::store
