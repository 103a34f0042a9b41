#pragma once
// A TaskStore decorator for the stress run: it forwards every call to the real store, times
// each one (the store query latency series), and reports a completion only once its group
// commit has returned kAccepted — the moment the effect is durable — and a dead letter once
// fail() has made it final (the keys of the tasks this connection holds leases on are kept for
// that, so the memory is bounded by what is in flight). The worker loop (legion::store::run_worker)
// runs on top unchanged.
#include <chrono>
#include <functional>
#include <memory>

#include "legion/store/task_store.hpp"

namespace stress {

struct StoreObserver {
  // Called after each store call with its duration.
  std::function<void(std::chrono::nanoseconds)> on_query;
  // A completion that committed (the task's result JSON), from the worker thread.
  std::function<void(const std::string& result)> on_completed;
  // A task that became dead (no attempts left): its key.
  std::function<void(const std::string& key)> on_dead;
};

std::unique_ptr<legion::store::TaskStore> observe_store(
    std::unique_ptr<legion::store::TaskStore> inner, StoreObserver observer);

}  // namespace stress
