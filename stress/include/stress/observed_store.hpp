#pragma once
// A TaskStore decorator for the stress run: it forwards every call to the real store, times
// each one (the store query latency series), and reports a completion only once its group
// commit has returned kAccepted — the moment the effect is durable — and a dead letter once
// fail() has made it final (the keys of the tasks this connection holds leases on are kept for
// that, so the memory is bounded by what is in flight). The worker loop (legion::store::run_worker)
// runs on top unchanged.
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "legion/store/task_store.hpp"

namespace stress {

// The store calls in flight, so a watchdog can see one that hangs (a database that stopped
// answering) while it hangs, not only once it returns. Fixed slots: no allocation per call.
class CallWatch {
 public:
  std::size_t begin();  // a slot, or kNone when all are taken (the call goes unwatched)
  void end(std::size_t slot);
  std::chrono::nanoseconds oldest() const;  // age of the oldest call in flight; 0: none
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

 private:
  std::array<std::atomic<std::int64_t>, 256> started_{};  // steady ns; 0: free
};

struct StoreObserver {
  // Called after each store call with its duration.
  std::function<void(std::chrono::nanoseconds)> on_query;
  // A completion that committed (the task's result JSON), from the worker thread.
  std::function<void(const std::string& result)> on_completed;
  // A task that became dead (no attempts left): its key.
  std::function<void(const std::string& key)> on_dead;
  // A completion the store accepted, with its lease token (after on_completed).
  std::function<void(const legion::store::Completion&)> on_accepted;
  // A store call failed (the error is rethrown to the caller).
  std::function<void(const std::string& what)> on_error;
  std::shared_ptr<CallWatch> watch;  // optional
};

std::unique_ptr<legion::store::TaskStore> observe_store(
    std::unique_ptr<legion::store::TaskStore> inner, StoreObserver observer);

}  // namespace stress
