#pragma once
// What the worker's queue gauges (legion_queue_tasks{state}) read from the store, at a cost
// bounded whatever the store's size. The unfinished states (queued, leased, failed) are read
// on every sample through the store's partial indexes (TaskStore::unfinished(): its cost follows
// the backlog). The finished states (done, dead, cancelled) need a whole count
// (TaskStore::stats(), O(tasks)), which is made again only once `budget` of the time since the
// last one covers what it cost: at the default 1 % a count that took 80 ms waits 8 s, one that
// took 5 ms waits the 1 s floor. Between whole counts the finished states keep their last
// figures (the sum of the states is then not the store's total).
// Not thread-safe: one sampler thread owns it.
#include <chrono>
#include <functional>
#include <optional>

#include "legion/store/task_store.hpp"

namespace legion::cli {

class QueueSampler {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    std::chrono::milliseconds floor{1000};  // the shortest wait between whole counts
    double budget = 0.01;                   // the share of the time whole counts may take
  };

  explicit QueueSampler(Options options, std::function<Clock::time_point()> now = Clock::now);

  // The counts to show now. A store error propagates; the next call tries again.
  store::Stats sample(store::TaskStore& store);

  // How long the finished states' figures may now wait for their next whole count.
  std::chrono::nanoseconds whole_count_interval() const { return interval_; }

 private:
  Options options_;
  std::function<Clock::time_point()> now_;
  std::optional<store::Stats> whole_;  // the last whole count
  Clock::time_point next_whole_{};
  std::chrono::nanoseconds interval_;
};

}  // namespace legion::cli
