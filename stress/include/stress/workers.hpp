#pragma once
// The workers that consume the stress tasks, two ways, both running the workflow handler of
// `legion worker` (legion/cli/workflow_task.hpp):
// - WorkerThreads: in this process, each thread its own store connection running the shared
//   worker loop (legion::store::run_worker);
// - WorkerProcesses: `legion worker` executables, monitored by PID, for horizontal scaling
//   over PostgreSQL.
// Both stop cleanly (the running task finishes and commits, the rest of its batch is released)
// and can be started again: the restart scenario.
#include <sys/types.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "legion/store/task_store.hpp"
#include "legion/store/worker.hpp"

namespace stress {

// Opens one store connection (each worker thread calls it once).
using StoreFactory = std::function<std::unique_ptr<legion::store::TaskStore>()>;
// Makes a worker thread's handler over that thread's connection.
using HandlerFactory = std::function<legion::store::TaskHandler(legion::store::TaskStore&)>;

class WorkerThreads {
 public:
  WorkerThreads(StoreFactory open, HandlerFactory handler, int threads, int batch);
  ~WorkerThreads();  // stops
  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;

  void start();
  void stop();  // each thread finishes its task, releases the rest of its batch, returns
  // First error a worker thread died of (a non-retryable store error), empty when none.
  std::string error() const;

 private:
  StoreFactory open_;
  HandlerFactory handler_;
  int threads_;
  int batch_;
  int generation_ = 0;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> running_;
  mutable std::mutex mutex_;
  std::string error_;
};

class WorkerProcesses {
 public:
  // legion: path of the `legion` executable.
  WorkerProcesses(std::string legion, std::string store_url, int processes, int threads, int batch);
  ~WorkerProcesses();  // stops
  WorkerProcesses(const WorkerProcesses&) = delete;
  WorkerProcesses& operator=(const WorkerProcesses&) = delete;

  void start();  // throws legion::Error when a process cannot be spawned
  void stop();   // SIGTERM (the worker drains: docs/operations.md), then waits
  std::vector<pid_t> pids() const { return pids_; }
  // Exit statuses of stopped processes that did not exit 0, as text; empty when all did.
  std::string error() const { return error_; }

 private:
  std::string legion_, url_;
  int processes_, threads_, batch_;
  int generation_ = 0;
  std::vector<pid_t> pids_;
  std::string error_;
};

}  // namespace stress
