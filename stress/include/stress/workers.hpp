#pragma once
// The workers that consume the stress tasks, two ways, both running the workflow handler of
// `legion worker` (legion/cli/workflow_task.hpp):
// - WorkerThreads: in this process, each thread its own store connection running the shared
//   worker loop (legion::store::run_worker);
// - WorkerProcesses: `legion worker` executables, monitored by PID, for horizontal scaling
//   over PostgreSQL (`--test-handler` among the launch's extra arguments when a failure run's
//   tasks carry faults only the built-in test handler reads). A supervisor thread reaps a
//   worker that exits on its own (killed, out of memory, crashed) and starts it again, unless
//   it keeps dying right after its start (a crash loop): then it gives up and says so, and the
//   run fails.
// Both stop cleanly (the running task finishes and commits, the rest of its batch is released)
// and can be started again: the restart scenario. Fault injectors reach in through crash()
// (threads) and signal() (processes).
#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
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

// Thrown inside a worker thread told to crash(): it leaves the worker loop at once, its batch
// uncommitted, as a killed process would.
struct WorkerCrashed {};

class WorkerThreads {
 public:
  WorkerThreads(StoreFactory open, HandlerFactory handler, int threads, int batch,
                legion::store::WorkerOptions base = {});
  // A handler that needs no connection of its own: the same one on every thread.
  WorkerThreads(StoreFactory open, legion::store::TaskHandler handler, int threads, int batch,
                legion::store::WorkerOptions base = {});
  ~WorkerThreads();  // stops
  WorkerThreads(const WorkerThreads&) = delete;
  WorkerThreads& operator=(const WorkerThreads&) = delete;

  void start();
  void stop();  // each thread finishes its task, releases the rest of its batch, returns
  // First error a worker thread died of (a non-retryable store error), empty when none.
  std::string error() const;
  // Thread `index` dies before its next task (its batch's leases are left to expire, nothing
  // of it is committed) and starts again with a new connection, as a supervisor would.
  void crash(int index);
  int crashes() const { return crashes_.load(); }
  int count() const { return threads_; }

 private:
  StoreFactory open_;
  HandlerFactory handler_;
  int threads_;
  int batch_;
  legion::store::WorkerOptions base_;
  int generation_ = 0;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> running_;
  std::unique_ptr<std::atomic<bool>[]> crash_;
  std::atomic<int> crashes_{0};
  mutable std::mutex mutex_;
  std::string error_;
};

// How worker processes are launched and supervised; the defaults run `legion worker` plainly.
struct WorkerLaunch {
  // Words before the executable for worker `index` (e.g. `ip netns exec NS`).
  std::function<std::vector<std::string>(int index)> prefix;
  // The store URL worker `index` connects to; empty function: the shared one.
  std::function<std::string(int index)> store_url;
  // After every start of worker `index`, restarts included (a cgroup, a memory limit).
  std::function<void(int index, pid_t pid)> started;
  std::vector<std::string> extra_args;  // e.g. --lease-ms 1000
  std::filesystem::path log_dir;        // each worker's stdout/stderr there; empty: /dev/null
  bool restart = true;                  // start a worker again when it exits on its own
  double min_uptime_s = 2.0;            // an exit sooner after the start counts toward...
  int crash_loop = 3;                   // ...this many in a row: give up
  // Whether the worker with this --id did any work (held a lease): one that did is restarted
  // however soon it died (a task that exhausts its memory kills it quickly, over and over);
  // only quick exits of workers that never worked make a crash loop. Empty: none did.
  std::function<bool(const std::string& worker_id)> worked;
  // The supervisor's liveness check saw worker `index` stopped (SIGSTOP: alive, doing nothing)
  // or running again. Same locking rule as `exited`.
  std::function<void(int index, pid_t pid, bool stopped)> frozen;
  // A worker exited on its own (status as waitpid gives it); `restarted` whether it was.
  // Called by the supervisor with its lock held: record, do not call back into it.
  std::function<void(int index, pid_t pid, int status, bool restarted)> exited;
};

// "exit status N", "killed by signal N (SIGKILL)".
std::string describe_status(int status);

class WorkerProcesses {
 public:
  // legion: path of the `legion` executable.
  WorkerProcesses(std::string legion, std::string store_url, int processes, int threads, int batch,
                  WorkerLaunch launch = {});
  ~WorkerProcesses();  // stops
  WorkerProcesses(const WorkerProcesses&) = delete;
  WorkerProcesses& operator=(const WorkerProcesses&) = delete;

  void start();  // throws legion::Error when a process cannot be spawned
  // SIGTERM (the worker drains: docs/operations.md; SIGCONT too, should it be stopped), then
  // waits; SIGKILL after 10 s.
  void stop();
  std::vector<pid_t> pids() const;
  pid_t pid(int index) const;  // 0 while it is down
  bool signal(int index, int signal);
  int count() const { return processes_; }
  int restarts() const { return restarts_.load(); }
  // The supervisor gave up (a crash loop, or an exit with restarts off): why; empty otherwise.
  std::string failure() const;
  // The --id worker `index` runs under now ("stress-G-P", ".N" after its N-th restart).
  std::string worker_id(int index) const;
  // Exit statuses of stopped processes that did not exit 0, as text; empty when all did.
  std::string error() const;
  // Each worker's last summary line ("worker ...: completed N, failed N, rejected N, ...")
  // when log_dir is set.
  std::vector<std::string> summaries() const;

 private:
  pid_t spawn(int index);  // needs mutex_
  void supervise();
  void reap(int index, int status);  // needs mutex_

  std::string legion_, url_;
  int processes_, threads_, batch_;
  WorkerLaunch launch_;
  int generation_ = 0;
  mutable std::mutex mutex_;
  std::vector<pid_t> pids_;
  std::vector<double> started_at_;  // steady seconds of each worker's last start
  std::vector<int> quick_exits_;    // consecutive exits within min_uptime_s
  std::vector<char> frozen_;        // last state seen: stopped or not
  std::vector<int> lives_;          // starts of each worker, for its --id
  std::string error_, failure_;
  std::atomic<int> restarts_{0};
  std::atomic<bool> supervising_{false};
  std::thread supervisor_;
};

}  // namespace stress
