#include "stress/workers.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "legion/error.hpp"
#include "thread_start.hpp"

extern char** environ;

namespace stress {
namespace {

// The state letter of /proc/PID/stat ('R', 'S', 'T' stopped, 'Z' zombie...); 0 when gone.
char process_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  const auto paren = line.rfind(')');  // the command name may hold spaces and parentheses
  return paren != std::string::npos && paren + 2 < line.size() ? line[paren + 2] : 0;
}

double steady_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    return "killed by signal " + std::to_string(sig) +
           (name ? " (SIG" + std::string(name) + ")" : "");
  }
  return "status " + std::to_string(status);
}

WorkerThreads::WorkerThreads(StoreFactory open, HandlerFactory handler, int threads, int batch,
                             legion::store::WorkerOptions base)
    : open_(std::move(open)),
      handler_(std::move(handler)),
      threads_(threads),
      batch_(batch),
      base_(std::move(base)),
      crash_(std::make_unique<std::atomic<bool>[]>(static_cast<std::size_t>(threads))) {}

WorkerThreads::WorkerThreads(StoreFactory open, legion::store::TaskHandler handler, int threads,
                             int batch, legion::store::WorkerOptions base)
    : WorkerThreads(
          std::move(open),
          [handler = std::move(handler)](legion::store::TaskStore&) { return handler; }, threads,
          batch, std::move(base)) {}

WorkerThreads::~WorkerThreads() {
  stop();
}

void WorkerThreads::start() {
  stop_ = false;
  ++generation_;
  for (int t = 0; t < threads_; ++t) crash_[static_cast<std::size_t>(t)] = false;
  auto started = detail::start_threads(
      static_cast<std::size_t>(threads_), "worker",
      [this, generation = generation_](std::size_t t) {
        for (int life = 0;; ++life) {
          try {
            auto store = open_();
            legion::store::WorkerOptions options = base_;
            options.worker_id = "stress-" + std::to_string(generation) + "/" + std::to_string(t) +
                                (life ? "." + std::to_string(life) : "");
            options.batch = batch_;
            // Short: an idle worker polls SQLite (no NOTIFY there), and the wait adds to latency.
            options.idle_wait = std::chrono::milliseconds(2);
            options.stop = &stop_;
            auto& crash = crash_[t];
            const legion::store::TaskHandler handler = handler_(*store);
            legion::store::run_worker(*store, options, [&](const legion::store::Task& task) {
              if (crash.exchange(false)) throw WorkerCrashed{};
              return handler(task);
            });
            return;
          } catch (const WorkerCrashed&) {
            ++crashes_;
            if (stop_.load()) return;
          } catch (const std::exception& e) {
            std::lock_guard lock(mutex_);
            if (error_.empty()) error_ = e.what();
            return;
          }
        }
      });
  for (auto& thread : started) running_.push_back(std::move(thread));
}

void WorkerThreads::stop() {
  stop_ = true;
  for (auto& thread : running_) thread.join();
  running_.clear();
}

void WorkerThreads::crash(int index) {
  if (index >= 0 && index < threads_) crash_[static_cast<std::size_t>(index)] = true;
}

std::string WorkerThreads::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

WorkerProcesses::WorkerProcesses(std::string legion, std::string store_url, int processes,
                                 int threads, int batch, WorkerLaunch launch)
    : legion_(std::move(legion)),
      url_(std::move(store_url)),
      processes_(processes),
      threads_(threads),
      batch_(batch),
      launch_(std::move(launch)),
      pids_(static_cast<std::size_t>(processes), 0),
      started_at_(static_cast<std::size_t>(processes), 0.0),
      quick_exits_(static_cast<std::size_t>(processes), 0),
      frozen_(static_cast<std::size_t>(processes), 0),
      lives_(static_cast<std::size_t>(processes), 0) {}

WorkerProcesses::~WorkerProcesses() {
  stop();
}

std::string WorkerProcesses::worker_id(int p) const {
  const int life = lives_[static_cast<std::size_t>(p)];
  return "stress-" + std::to_string(generation_) + "-" + std::to_string(p) +
         (life > 1 ? "." + std::to_string(life - 1) : "");
}

pid_t WorkerProcesses::spawn(int p) {
  ++lives_[static_cast<std::size_t>(p)];
  std::vector<std::string> args;
  if (launch_.prefix) args = launch_.prefix(p);
  const std::string url = launch_.store_url ? launch_.store_url(p) : url_;
  for (const auto& a : std::vector<std::string>{legion_, "worker", "--store", url, "--concurrency",
                                                std::to_string(threads_), "--batch",
                                                std::to_string(batch_), "--id", worker_id(p)}) {
    args.push_back(a);
  }
  args.insert(args.end(), launch_.extra_args.begin(), launch_.extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (launch_.log_dir.empty()) {
    // The worker's summary line on exit would interleave with our progress lines.
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  } else {
    const auto log = (launch_.log_dir / ("worker-" + std::to_string(p) + ".log")).string();
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  }
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw legion::Error("cannot start worker process " + std::string(argv[0]) + ": " +
                        std::strerror(rc));
  }
  pids_[static_cast<std::size_t>(p)] = pid;
  started_at_[static_cast<std::size_t>(p)] = steady_s();
  if (launch_.started) launch_.started(p, pid);
  return pid;
}

void WorkerProcesses::start() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
    std::fill(lives_.begin(), lives_.end(), 0);
    for (int p = 0; p < processes_; ++p) {
      try {
        spawn(p);
      } catch (...) {
        for (auto& pid : pids_) {
          if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
          }
          pid = 0;
        }
        throw;
      }
    }
  }
  supervising_ = true;
  supervisor_ = std::thread([this] { supervise(); });
}

void WorkerProcesses::supervise() {
  for (int round = 0; supervising_.load(); ++round) {
    {
      std::lock_guard lock(mutex_);
      for (int p = 0; p < processes_; ++p) {
        const auto i = static_cast<std::size_t>(p);
        const pid_t pid = pids_[i];
        if (pid <= 0) continue;
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
          reap(p, status);
          frozen_[i] = 0;
        } else if (round % 10 == 0 && launch_.frozen) {
          // Liveness: a stopped process is alive to waitpid but does no work.
          const char stopped = process_state(pid) == 'T';
          if (stopped != frozen_[i]) launch_.frozen(p, pid, stopped);
          frozen_[i] = stopped;
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void WorkerProcesses::reap(int p, int status) {
  const auto i = static_cast<std::size_t>(p);
  const pid_t pid = pids_[i];
  pids_[i] = 0;
  const double uptime = steady_s() - started_at_[i];
  const bool worked = launch_.worked && launch_.worked(worker_id(p));
  quick_exits_[i] = uptime < launch_.min_uptime_s && !worked ? quick_exits_[i] + 1 : 0;
  const std::string what = "worker process " + std::to_string(p) + " (pid " + std::to_string(pid) +
                           ") " + describe_status(status);
  bool restarted = false;
  if (!failure_.empty()) {
    // Given up already: the others are not restarted either.
  } else if (!launch_.restart) {
    failure_ = what + " on its own (worker restarts are off)";
  } else if (quick_exits_[i] >= launch_.crash_loop) {
    std::ostringstream text;
    text << what << ", within " << launch_.min_uptime_s << " s of its start and before it held "
         << "a lease, " << quick_exits_[i] << " times in a row: not restarting (crash loop)";
    failure_ = text.str();
  } else {
    try {
      spawn(p);
      ++restarts_;
      restarted = true;
    } catch (const std::exception& e) {
      failure_ = what + "; restarting it failed: " + e.what();
    }
  }
  if (launch_.exited) launch_.exited(p, pid, status, restarted);
}

void WorkerProcesses::stop() {
  supervising_ = false;
  if (supervisor_.joinable()) supervisor_.join();
  std::lock_guard lock(mutex_);
  for (pid_t pid : pids_) {
    if (pid <= 0) continue;
    ::kill(pid, SIGTERM);
    ::kill(pid, SIGCONT);  // a stopped worker handles SIGTERM only once continued
  }
  const double deadline = steady_s() + 10.0;
  for (int p = 0; p < processes_; ++p) {
    pid_t& pid = pids_[static_cast<std::size_t>(p)];
    if (pid <= 0) continue;
    int status = 0;
    for (;;) {
      const pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid || (r < 0 && errno != EINTR)) break;
      if (steady_s() > deadline) {
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        error_ += (error_.empty() ? "" : "; ") + std::string("worker process ") +
                  std::to_string(pid) + " ignored SIGTERM for 10 s: killed";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      error_ += (error_.empty() ? "" : "; ") + std::string("worker process ") +
                std::to_string(pid) + " exited with " + describe_status(status);
    }
    pid = 0;
  }
}

std::vector<pid_t> WorkerProcesses::pids() const {
  std::lock_guard lock(mutex_);
  std::vector<pid_t> out;
  for (pid_t pid : pids_) {
    if (pid > 0) out.push_back(pid);
  }
  return out;
}

pid_t WorkerProcesses::pid(int index) const {
  std::lock_guard lock(mutex_);
  return index >= 0 && index < processes_ ? pids_[static_cast<std::size_t>(index)] : 0;
}

bool WorkerProcesses::signal(int index, int sig) {
  std::lock_guard lock(mutex_);
  if (index < 0 || index >= processes_) return false;
  const pid_t pid = pids_[static_cast<std::size_t>(index)];
  return pid > 0 && ::kill(pid, sig) == 0;
}

std::string WorkerProcesses::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

std::string WorkerProcesses::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

std::vector<std::string> WorkerProcesses::summaries() const {
  std::vector<std::string> out;
  if (launch_.log_dir.empty()) return out;
  for (int p = 0; p < processes_; ++p) {
    std::ifstream in(launch_.log_dir / ("worker-" + std::to_string(p) + ".log"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("worker ", 0) == 0 && line.find(": completed ") != std::string::npos) {
        out.push_back(line);
      }
    }
  }
  return out;
}

}  // namespace stress
