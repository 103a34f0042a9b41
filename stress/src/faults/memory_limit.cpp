// memory_leak (memory_exhaustion): every worker process runs under a memory limit — its own
// cgroup v2 with memory.max (the kernel OOM-kills it at the limit), or, where the machine has
// no writable cgroup v2 memory controller, RLIMIT_AS (the allocator fails: `legion worker`
// exits on std::bad_alloc) — set `limit_mb` above what the worker holds once started. While
// the fault lasts, a seeded share of the tasks keep `leak_kb` each for good, so the workers
// grow until the limit stops them. The supervisor (this process) must survive, restart them,
// and their tasks must complete elsewhere. The method used, and why, is in the result.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "injectors.hpp"

namespace stress::faults {
namespace {

bool write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The number of a /proc/PID/status line ("Threads:  5", "VmRSS:  1234 kB"); 0 when absent.
std::int64_t status_value(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream value(line.substr(field.size() + 1));
      std::int64_t number = 0;
      value >> number;
      return number;
    }
  }
  return 0;
}

std::filesystem::path cgroup2_mount() {
  std::ifstream mounts("/proc/self/mounts");
  std::string device, point, type;
  std::string rest;
  while (mounts >> device >> point >> type && std::getline(mounts, rest)) {
    if (type == "cgroup2") return point;
  }
  return {};
}

class MemoryLimit final : public FaultInjector {
 public:
  const char* name() const override { return "memory_limit"; }

  void prepare(FaultContext& context) override {
    for (const auto& f : context.config.faults.events) {
      if (f.type == "memory_leak") limit_ = static_cast<std::int64_t>(f.limit_mb) << 20;
    }
    threads_per_worker_ = context.config.worker_threads;
    context.test_handler = true;  // leak_kb: only the built-in handler keeps memory on request
    fallback_reason_ = try_cgroup(context.config.workers);
    method_ = fallback_reason_.empty() ? "cgroup_v2" : "rlimit_as";
    context.launch.started = [this](int index, pid_t pid) { started(index, pid); };
    applier_ = std::thread([this] { apply_limits(); });
  }

  void inject(FaultContext& context, const ScheduledFault& fault) override {
    context.tasks.set(TaskFaults::Mode::kLeak, fault.spec.fraction, fault.seed, 0,
                      fault.spec.leak_kb);
    leak_kb_ = fault.spec.leak_kb;
  }

  void heal(FaultContext& context, const ScheduledFault&) override { context.tasks.clear(); }

  void finish(FaultContext& context, nlohmann::json&) override {
    int stopped = 0;
    for (const auto& e : context.events.events()) stopped += e.kind == "worker_exit";
    context.checks.push_back({"limit_reached", stopped > 0,
                              std::to_string(stopped) + " worker exits under the " + method_ +
                                  " limit (the workload must reach it, or nothing was tested)"});
  }

  nlohmann::json describe() const override {
    std::lock_guard lock(mutex_);
    nlohmann::json j = {{"method", method_},
                        {"limit_above_start_mb", limit_ >> 20},
                        {"leak_kb_per_task", leak_kb_},
                        {"limits_set", applied_}};
    if (!fallback_reason_.empty()) j["why_not_cgroup_v2"] = fallback_reason_;
    if (!cgroup_.empty()) j["cgroup"] = cgroup_.string();
    return j;
  }

  ~MemoryLimit() override {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    if (applier_.joinable()) applier_.join();
    if (cgroup_.empty()) return;
    std::error_code ignored;
    for (const auto& leaf : leaves_) std::filesystem::remove(leaf, ignored);
    std::filesystem::remove(cgroup_, ignored);
  }

 private:
  // Empty when a cgroup v2 per worker with a writable memory.max is ready; else why not.
  std::string try_cgroup(int workers) {
    const auto root = cgroup2_mount();
    if (root.empty()) return "no cgroup2 file system mounted";
    if (read_file(root / "cgroup.controllers").find("memory") == std::string::npos) {
      return "the memory controller is not on the cgroup v2 hierarchy at " + root.string() +
             " (a cgroup v1 hierarchy holds it)";
    }
    if (read_file(root / "cgroup.subtree_control").find("memory") == std::string::npos &&
        !write_file(root / "cgroup.subtree_control", "+memory")) {
      return "cannot enable the memory controller in " + root.string() + "/cgroup.subtree_control";
    }
    const auto group = root / ("legion-stress-" + std::to_string(::getpid()));
    std::error_code error;
    std::filesystem::create_directories(group, error);
    if (error) return "cannot create " + group.string() + ": " + error.message();
    cgroup_ = group;
    if (!write_file(group / "cgroup.subtree_control", "+memory")) {
      return "cannot enable the memory controller in " + group.string();
    }
    for (int i = 0; i < workers; ++i) {
      const auto leaf = group / ("worker-" + std::to_string(i));
      std::filesystem::create_directories(leaf, error);
      if (error || !write_file(leaf / "memory.max", "max")) {
        return "cannot create " + leaf.string() + " with a writable memory.max";
      }
      leaves_.push_back(leaf);
    }
    return "";
  }

  void started(int index, pid_t pid) {
    if (method_ == "cgroup_v2") {
      write_file(leaves_[static_cast<std::size_t>(index)] / "cgroup.procs", std::to_string(pid));
    }
    {
      std::lock_guard lock(mutex_);
      pending_.push_back({index, pid});
    }
    wake_.notify_all();
  }

  // Off the supervisor's lock: waits until a new worker is up (its threads started), then sets
  // its limit `limit_` above what it holds.
  void apply_limits() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return done_ || !pending_.empty(); });
      if (done_) return;
      const auto [index, pid] = pending_.front();
      pending_.erase(pending_.begin());
      lock.unlock();
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
      while (std::chrono::steady_clock::now() < deadline &&
             status_value(pid, "Threads") < threads_per_worker_ + kServiceThreads) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      bool ok = false;
      if (method_ == "cgroup_v2") {
        const auto leaf = leaves_[static_cast<std::size_t>(index)];
        ok = write_file(leaf / "memory.max",
                        std::to_string(status_value(pid, "VmRSS") * 1024 + limit_));
        write_file(leaf / "memory.swap.max", "0");  // absent without swap accounting: fine
      } else {
        const auto bytes = static_cast<rlim_t>(status_value(pid, "VmSize") * 1024 + limit_);
        const rlimit limit{bytes, bytes};
        ok = ::prlimit(pid, RLIMIT_AS, &limit, nullptr) == 0;
      }
      lock.lock();
      applied_ += ok;
    }
  }

  // `legion worker`'s threads besides its worker threads: main, the signal watcher and the
  // queue sampler (legion/cli/worker_service.cpp).
  static constexpr int kServiceThreads = 3;
  std::int64_t limit_ = 64LL << 20;
  int threads_per_worker_ = 1;
  int leak_kb_ = 0;
  std::string method_, fallback_reason_;
  std::filesystem::path cgroup_;
  std::vector<std::filesystem::path> leaves_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::pair<int, pid_t>> pending_;
  int applied_ = 0;
  bool done_ = false;
  std::thread applier_;
};

}  // namespace

std::unique_ptr<FaultInjector> make_memory_limit() {
  return std::make_unique<MemoryLimit>();
}

}  // namespace stress::faults
