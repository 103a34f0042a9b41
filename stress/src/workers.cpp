#include "stress/workers.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include "legion/error.hpp"

extern char** environ;

namespace stress {

WorkerThreads::WorkerThreads(StoreFactory open, HandlerFactory handler, int threads, int batch)
    : open_(std::move(open)), handler_(std::move(handler)), threads_(threads), batch_(batch) {}

WorkerThreads::~WorkerThreads() {
  stop();
}

void WorkerThreads::start() {
  stop_ = false;
  ++generation_;
  for (int t = 0; t < threads_; ++t) {
    running_.emplace_back([this, t, generation = generation_] {
      try {
        auto store = open_();
        legion::store::WorkerOptions options;
        options.worker_id = "stress-" + std::to_string(generation) + "/" + std::to_string(t);
        options.batch = batch_;
        // Short: an idle worker polls SQLite (no NOTIFY there), and the wait adds to latency.
        options.idle_wait = std::chrono::milliseconds(2);
        options.stop = &stop_;
        legion::store::run_worker(*store, options, handler_(*store));
      } catch (const std::exception& e) {
        std::lock_guard lock(mutex_);
        if (error_.empty()) error_ = e.what();
      }
    });
  }
}

void WorkerThreads::stop() {
  stop_ = true;
  for (auto& thread : running_) thread.join();
  running_.clear();
}

std::string WorkerThreads::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

WorkerProcesses::WorkerProcesses(std::string legion, std::string store_url, int processes,
                                 int threads, int batch)
    : legion_(std::move(legion)),
      url_(std::move(store_url)),
      processes_(processes),
      threads_(threads),
      batch_(batch) {}

WorkerProcesses::~WorkerProcesses() {
  stop();
}

void WorkerProcesses::start() {
  ++generation_;
  for (int p = 0; p < processes_; ++p) {
    std::vector<std::string> args = {
        legion_, "worker", "--store", url_, "--concurrency", std::to_string(threads_), "--batch",
        std::to_string(batch_), "--id",
        "stress-" + std::to_string(generation_) + "-" + std::to_string(p),
        // Lifecycle lines only: a line per task would flood the run's stderr.
        "--log-level", "warn"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // The worker's summary line on exit would interleave with our progress lines.
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, legion_.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      stop();
      throw legion::Error("cannot start worker process " + legion_ + ": " + std::strerror(rc));
    }
    pids_.push_back(pid);
  }
}

void WorkerProcesses::stop() {
  for (pid_t pid : pids_) ::kill(pid, SIGTERM);
  for (pid_t pid : pids_) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      error_ += (error_.empty() ? "" : "; ") + std::string("worker process ") +
                std::to_string(pid) + " exited with status " + std::to_string(status);
    }
  }
  pids_.clear();
}

}  // namespace stress
