#pragma once
// The stress run's view of a store connection, over the runtime's store decorator
// (legion/store/observed_store.hpp): every call timed (the store query latency series) and
// watched while in flight (a call that hangs is a symptom the fault driver sees), a completion
// reported only once its group commit returned kAccepted — the moment the effect is durable —
// and a dead letter once fail() made it final. The keys of the tasks this connection holds
// leases on are kept for that, so the memory is bounded by what is in flight. The worker loop
// (legion::store::run_worker) runs on top unchanged.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "legion/store/call_watch.hpp"
#include "legion/store/task_store.hpp"

namespace stress {

using legion::store::CallWatch;

struct StoreObserver {
  // Called after each store call that succeeded, with its duration.
  std::function<void(std::chrono::nanoseconds)> on_query;
  // A completion that committed (kAccepted): the task's key, and its result JSON and lease
  // token, from the worker thread. A kAlreadyDone retry is not reported again.
  std::function<void(const std::string& key, const legion::store::Completion& done)> on_completed;
  // A task that became dead (no attempts left): its key.
  std::function<void(const std::string& key)> on_dead;
  // A store call failed (the error is rethrown to the caller).
  std::function<void(const std::string& what)> on_error;
  std::shared_ptr<CallWatch> watch;  // optional
};

std::unique_ptr<legion::store::TaskStore> observe_store(
    std::unique_ptr<legion::store::TaskStore> inner, StoreObserver observer);

}  // namespace stress
