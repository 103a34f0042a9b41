#pragma once
// The stress run's view of a store connection, over the runtime's store decorator
// (legion/store/observed_store.hpp): every call timed (the store query latency series), a
// completion reported only once its group commit returned kAccepted — the moment the effect
// is durable — and a dead letter once fail() made it final. The keys of the tasks this
// connection holds leases on are kept for that, so the memory is bounded by what is in flight.
#include <chrono>
#include <functional>
#include <memory>

#include "legion/store/task_store.hpp"

namespace stress {

struct StoreObserver {
  // Called after each store call with its duration.
  std::function<void(std::chrono::nanoseconds)> on_query;
  // A completion that committed: the task's key and result JSON, from the worker thread.
  std::function<void(const std::string& key, const std::string& result)> on_completed;
  // A task that became dead (no attempts left): its key.
  std::function<void(const std::string& key)> on_dead;
};

std::unique_ptr<legion::store::TaskStore> observe_store(
    std::unique_ptr<legion::store::TaskStore> inner, StoreObserver observer);

}  // namespace stress
