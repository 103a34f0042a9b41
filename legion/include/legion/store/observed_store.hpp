#pragma once
// A TaskStore decorator that forwards every call to the real store and reports it: each call's
// name, duration and whether it threw, and what the worker-facing calls did (the tasks a claim
// leased, each completion's outcome, failures, releases, lost heartbeats). The worker's
// metrics (`legion worker --metrics-addr`), its lease bookkeeping for a graceful shutdown and
// the stress engine's series and fault detection all hang off it; the worker loop runs on top
// unchanged.
// Callbacks run on the calling thread (the lease keeper's heartbeats on its own) and must be
// thread-safe; any left empty is skipped.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "legion/store/call_watch.hpp"
#include "legion/store/store_error.hpp"
#include "legion/store/task_store.hpp"

namespace legion::store {

struct StoreObserver {
  // After every call but wait_for_work (waiting is not a query); `ok` false when it threw.
  std::function<void(const char* operation, std::chrono::nanoseconds duration, bool ok)> on_call;
  // A call that threw a StoreError, before on_call (the error is rethrown to the caller).
  std::function<void(const char* operation, const StoreError& error)> on_error;
  std::function<void(const std::vector<Task>& leased)> on_claimed;
  std::function<void(std::span<const Completion> batch,
                     const std::vector<CompleteOutcome>& outcomes)>
      on_completed;
  // The state fail() moved the task to; nullopt when the lease was lost.
  std::function<void(std::int64_t task_id, std::optional<TaskState> state)> on_failed;
  std::function<void(std::int64_t task_id, bool released)> on_released;
  std::function<void(std::int64_t task_id, bool kept)> on_heartbeat;
  // Optional: every call but wait_for_work is in it while it runs.
  std::shared_ptr<CallWatch> watch;
};

std::unique_ptr<TaskStore> observe_store(std::unique_ptr<TaskStore> inner, StoreObserver observer);

}  // namespace legion::store
