#include "stress/observed_store.hpp"

#include <mutex>
#include <unordered_map>

#include "legion/store/observed_store.hpp"

namespace stress {

std::unique_ptr<legion::store::TaskStore> observe_store(
    std::unique_ptr<legion::store::TaskStore> inner, StoreObserver observer) {
  using namespace legion::store;
  struct Leases {
    std::mutex mutex;  // the lease keeper's heartbeats run on another thread
    std::unordered_map<std::int64_t, std::string> keys;  // task id -> key, while leased
    std::string take(std::int64_t id) {
      std::lock_guard lock(mutex);
      auto it = keys.find(id);
      if (it == keys.end()) return {};
      std::string key = std::move(it->second);
      keys.erase(it);
      return key;
    }
  };
  auto leases = std::make_shared<Leases>();
  const bool track = observer.on_completed || observer.on_dead;
  legion::store::StoreObserver inner_observer;
  inner_observer.watch = observer.watch;
  if (observer.on_query) {
    inner_observer.on_call = [on_query = observer.on_query](const char*, std::chrono::nanoseconds d,
                                                            bool ok) {
      if (ok) on_query(d);
    };
  }
  if (observer.on_error) {
    inner_observer.on_error = [on_error = observer.on_error](const char*, const StoreError& e) {
      on_error(e.what());
    };
  }
  if (track) {
    inner_observer.on_claimed = [leases](const std::vector<Task>& tasks) {
      std::lock_guard lock(leases->mutex);
      for (const auto& task : tasks) leases->keys[task.id] = task.key;
    };
    inner_observer.on_completed = [leases, on_completed = observer.on_completed](
                                      std::span<const Completion> batch,
                                      const std::vector<CompleteOutcome>& outcomes) {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        std::string key = leases->take(batch[i].task_id);
        // kAlreadyDone is a retry of a completion already reported: not a second effect.
        if (on_completed && i < outcomes.size() && outcomes[i] == CompleteOutcome::kAccepted) {
          on_completed(key, batch[i]);
        }
      }
    };
    inner_observer.on_failed = [leases, on_dead = observer.on_dead](
                                   std::int64_t id, std::optional<TaskState> state) {
      std::string key = leases->take(id);
      if (on_dead && state == TaskState::kDead && !key.empty()) on_dead(key);
    };
    inner_observer.on_released = [leases](std::int64_t id, bool) { leases->take(id); };
  }
  return legion::store::observe_store(std::move(inner), std::move(inner_observer));
}

}  // namespace stress
