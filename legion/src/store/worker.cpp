#include "legion/store/worker.hpp"

#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

namespace legion::store {
namespace {

bool stopping(const WorkerOptions& options) {
  return options.stop && options.stop->load(std::memory_order_relaxed);
}

// Runs `step` until it succeeds, waiting out retryable store errors; false when stopped.
template <typename Step>
bool with_backpressure(const WorkerOptions& options, WorkerReport& report, Step&& step) {
  auto backoff = std::chrono::milliseconds(10);
  for (;;) {
    try {
      step();
      return true;
    } catch (const StoreError& error) {
      if (!error.retryable()) throw;
      ++report.store_errors;
      if (stopping(options)) return false;
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
    }
  }
}

// Extends the leases of a batch every lease/3 while its handlers run, so a slow task is not
// handed to a second worker behind this one's back. Stops (and joins) when destroyed.
class LeaseKeeper {
 public:
  LeaseKeeper(TaskStore& store, const std::vector<Task>& tasks, std::chrono::milliseconds lease)
      : thread_([&store, &tasks, lease, this](std::stop_token stop) {
          std::mutex mutex;
          std::unique_lock lock(mutex);
          for (;;) {
            wake_.wait_for(lock, stop, lease / 3, [] { return false; });
            if (stop.stop_requested()) return;
            for (const auto& task : tasks) {
              try {
                store.heartbeat(task.id, task.lease_token, lease);
              } catch (const StoreError&) {
                // Missing one beat is fine; the lease still has two thirds to run.
              }
            }
          }
        }) {}

 private:
  std::condition_variable_any wake_;
  std::jthread thread_;  // last: it must stop before wake_ is destroyed
};

}  // namespace

WorkerReport run_worker(TaskStore& store, const WorkerOptions& options,
                        const TaskHandler& handler) {
  WorkerReport report;
  std::vector<Completion> completions;
  while (!stopping(options)) {
    std::vector<Task> tasks;
    if (!with_backpressure(options, report, [&] {
          tasks = store.claim(options.worker_id, options.batch, options.lease);
        })) {
      break;
    }
    if (tasks.empty()) {
      if (options.exit_when_drained) {
        Stats stats;
        if (!with_backpressure(options, report, [&] { stats = store.stats(); })) break;
        if (stats.queued + stats.leased + stats.failed == 0) break;
      }
      store.wait_for_work(options.idle_wait);
      continue;
    }
    completions.clear();
    {
      LeaseKeeper keeper(store, tasks, options.lease);
      for (std::size_t i = 0; i < tasks.size(); ++i) {
        const Task& task = tasks[i];
        if (stopping(options)) {
          // Shutting down: the tasks not started go back now, so another worker takes them at
          // once instead of after their leases expire. Best effort: a release that fails
          // leaves the lease to expire.
          for (; i < tasks.size(); ++i) {
            try {
              report.released += store.release(tasks[i].id, tasks[i].lease_token) ? 1 : 0;
            } catch (const StoreError& error) {
              if (!error.retryable()) throw;
              ++report.store_errors;
            }
          }
          break;
        }
        try {
          completions.push_back({task.id, task.lease_token, handler(task)});
        } catch (const std::exception& error) {
          with_backpressure(options, report,
                            [&] { store.fail(task.id, task.lease_token, error.what()); });
          ++report.failed;
        }
      }
    }
    if (completions.empty()) continue;
    std::vector<CompleteOutcome> outcomes;
    if (!with_backpressure(options, report,
                           [&] { outcomes = store.complete_batch(completions); })) {
      break;
    }
    for (auto outcome : outcomes) {
      if (outcome == CompleteOutcome::kRejected) {
        ++report.rejected;
      } else {
        ++report.completed;
      }
    }
  }
  return report;
}

}  // namespace legion::store
