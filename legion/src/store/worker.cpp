#include "legion/store/worker.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <new>
#include <optional>
#include <stop_token>
#include <thread>
#include <vector>

#include "legion/store/backoff.hpp"

namespace legion::store {
namespace {

bool stopping(const WorkerOptions& options) {
  return options.stop && options.stop->load(std::memory_order_relaxed);
}

using Steady = std::chrono::steady_clock;

// Runs `step` until it succeeds, waiting out retryable store errors; false when stopped.
// `last_success` is when a store call last succeeded: past options.give_up_after the error
// is thrown.
template <typename Step>
bool with_backpressure(const WorkerOptions& options, WorkerReport& report,
                       Steady::time_point& last_success, Step&& step) {
  // Jittered, so the threads and processes an outage stopped together do not retry together.
  Backoff backoff(std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  for (;;) {
    try {
      step();
      last_success = Steady::now();
      return true;
    } catch (const StoreError& error) {
      if (!error.retryable()) throw;
      ++report.store_errors;
      if (options.on_store_error) options.on_store_error(error);
      if (stopping(options)) return false;
      const auto failing = Steady::now() - last_success;
      if (options.give_up_after.count() > 0 && failing >= options.give_up_after) {
        throw StoreError(
            "gave up after " +
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(failing).count()) +
            " ms of store errors: " + error.what());
      }
      std::this_thread::sleep_for(backoff.next());
    }
  }
}

// The handler running now (index into the batch) and since when; written by the worker
// thread, read by the lease keeper for the task timeout.
struct Running {
  std::atomic<std::size_t> index{static_cast<std::size_t>(-1)};
  std::atomic<std::int64_t> since_ns{0};
};

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Extends the leases of a batch every lease/3 while its handlers run, so a slow task is not
// handed to a second worker behind this one's back. With a task timeout it also fails the
// handler that overran it (timed_out[i] set first, so the worker drops its late result).
// Stops (and joins) when destroyed.
class LeaseKeeper {
 public:
  LeaseKeeper(TaskStore& store, const std::vector<Task>& tasks, const WorkerOptions& options,
              const Running& running, std::vector<std::atomic<bool>>& timed_out)
      : thread_(
            [&store, &tasks, &options, &running, &timed_out, this](const std::stop_token& stop) {
              const auto lease = options.lease;
              auto tick = lease / 3;
              if (options.task_timeout.count() > 0) tick = std::min(tick, options.task_timeout / 4);
              tick = std::max(tick, std::chrono::milliseconds(1));
              auto next_beat = std::chrono::steady_clock::now() + lease / 3;
              std::mutex mutex;
              std::unique_lock lock(mutex);
              for (;;) {
                wake_.wait_for(lock, stop, tick, [] { return false; });
                if (stop.stop_requested()) return;
                check_timeout(store, tasks, options, running, timed_out);
                if (std::chrono::steady_clock::now() < next_beat) continue;
                next_beat += lease / 3;
                for (std::size_t i = 0; i < tasks.size(); ++i) {
                  if (timed_out[i].load()) continue;
                  try {
                    store.heartbeat(tasks[i].id, tasks[i].lease_token, lease);
                  } catch (const StoreError&) {
                    // Missing one beat is fine; the lease still has two thirds to run.
                  }
                }
              }
            }) {}

 private:
  static void check_timeout(TaskStore& store, const std::vector<Task>& tasks,
                            const WorkerOptions& options, const Running& running,
                            std::vector<std::atomic<bool>>& timed_out) {
    if (options.task_timeout.count() <= 0) return;
    const auto i = running.index.load();
    if (i >= tasks.size() || timed_out[i].load()) return;
    const auto elapsed = std::chrono::nanoseconds(steady_ns() - running.since_ns.load());
    if (elapsed < options.task_timeout || running.index.load() != i) return;
    timed_out[i] = true;
    try {
      store.fail(tasks[i].id, tasks[i].lease_token,
                 "handler timed out after " + std::to_string(options.task_timeout.count()) + " ms");
    } catch (const StoreError&) {
      // Not recorded: the lease is no longer renewed, so it expires and the task is offered
      // again all the same (or dead-lettered on its last attempt).
    }
  }

  std::condition_variable_any wake_;
  std::jthread thread_;  // last: it must stop before wake_ is destroyed
};

}  // namespace

WorkerReport run_worker(TaskStore& store, const WorkerOptions& options,
                        const TaskHandler& handler) {
  WorkerReport report;
  std::vector<Completion> completions;
  auto last_success = Steady::now();
  while (!stopping(options)) {
    std::vector<Task> tasks;
    if (!with_backpressure(options, report, last_success, [&] {
          tasks = store.claim(options.worker_id, options.batch, options.lease);
        })) {
      break;
    }
    if (tasks.empty()) {
      if (options.exit_when_drained) {
        // pending(), not stats(): this runs on every idle poll, and counting every state would
        // read all the done tasks each time, a cost growing with the store.
        std::int64_t pending = 0;
        if (!with_backpressure(options, report, last_success, [&] { pending = store.pending(); }))
          break;
        if (pending == 0) break;
      }
      store.wait_for_work(options.idle_wait);
      continue;
    }
    completions.clear();
    {
      Running running;
      std::vector<std::atomic<bool>> timed_out(tasks.size());
      LeaseKeeper keeper(store, tasks, options, running, timed_out);
      for (std::size_t i = 0; i < tasks.size(); ++i) {
        const auto& task = tasks[i];
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
        running.since_ns = steady_ns();
        running.index = i;
        std::optional<std::string> result;
        try {
          result = handler(task);
        } catch (const std::bad_alloc&) {
          throw;
        } catch (const std::exception& error) {
          running.index = static_cast<std::size_t>(-1);
          if (!timed_out[i].load()) {
            with_backpressure(options, report, last_success,
                              [&] { store.fail(task.id, task.lease_token, error.what()); });
          }
        }
        running.index = static_cast<std::size_t>(-1);
        if (timed_out[i].load()) {
          ++report.timed_out;
          ++report.failed;
        } else if (result) {
          completions.push_back({task.id, task.lease_token, std::move(*result)});
        } else {
          ++report.failed;
        }
      }
    }
    if (completions.empty()) continue;
    std::vector<CompleteOutcome> outcomes;
    if (!with_backpressure(options, report, last_success,
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
