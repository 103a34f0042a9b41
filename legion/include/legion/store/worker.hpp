#pragma once
// The worker loop shared by `legion worker` and the crash-test helper: claim a batch, run the
// handler on each task, record the outcomes in one group commit. A store error that may pass
// (disk full, database away) is backpressure: the loop waits and sends the same completions
// again, which the lease tokens make safe.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "legion/store/task_store.hpp"

namespace legion::store {

struct WorkerOptions {
  std::string worker_id;
  int batch = 16;
  std::chrono::milliseconds lease{30'000};  // renewed every lease/3 while a batch runs
  std::chrono::milliseconds idle_wait{200};
  // A handler still running after this long is failed (the store's retry policy: backoff,
  // then dead once the task used its attempts) and its lease no longer renewed; whatever it
  // returns later is dropped. 0: no limit. The handler thread itself cannot be interrupted:
  // a hung handler holds its worker thread until it returns.
  std::chrono::milliseconds task_timeout{0};
  bool exit_when_drained = false;  // return once no task is queued, leased or awaiting retry
  // Set: no new claim, the rest of the current batch is released (TaskStore::release) rather
  // than run, the tasks already run are committed, and run_worker returns.
  const std::atomic<bool>* stop = nullptr;
  // Called with each retryable store error the loop waits out (from the worker's thread), so
  // an outage is never silent.
  std::function<void(const StoreError&)> on_store_error;
  // Once store calls have failed for this long without one succeeding, the last error is
  // thrown instead of waited out (0: wait for ever, as a long-running worker does).
  std::chrono::milliseconds give_up_after{0};
};

struct WorkerReport {
  std::int64_t completed = 0;
  std::int64_t failed = 0;        // handler threw: recorded with fail() (retry or dead letter)
  std::int64_t rejected = 0;      // lease lost before the completion landed
  std::int64_t store_errors = 0;  // retryable store errors waited out
  std::int64_t timed_out = 0;     // handlers that overran task_timeout (also counted in failed)
  std::int64_t released = 0;      // leases handed back unused when stopped mid-batch
};

// Returns the task's result (JSON text); throwing records a failure for retry, except
// std::bad_alloc: a process out of memory cannot be trusted to go on, so it leaves run_worker
// (the worker exits and its leases expire; a supervisor restarts it with its memory back).
using TaskHandler = std::function<std::string(const Task&)>;

WorkerReport run_worker(TaskStore& store, const WorkerOptions& options, const TaskHandler& handler);

}  // namespace legion::store
