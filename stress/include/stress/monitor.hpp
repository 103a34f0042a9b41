#pragma once
// Resource monitor: a thread that samples /proc for the processes under test (this one, or
// worker processes by PID) at a fixed rate — CPU %, RSS, threads, open fds, read/write bytes,
// context switches — and measures its own cost (its thread's CPU time over wall time), which
// the result reports so a reader can see the observer did not perturb the run.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

namespace stress {

// One reading of one process; counters are cumulative as /proc reports them.
struct ProcReading {
  double cpu_s = 0.0;  // utime + stime
  std::int64_t rss_kb = 0;
  std::int64_t threads = 0;
  std::int64_t fds = 0;
  std::int64_t read_bytes = -1;  // -1: /proc/PID/io not readable (restricted container)
  std::int64_t write_bytes = -1;
  std::int64_t voluntary_switches = 0;
  std::int64_t involuntary_switches = 0;
};

// Nullopt when the process is gone.
std::optional<ProcReading> read_proc(pid_t pid);

struct ResourceSample {
  double t_s = 0.0;        // since the monitor started
  double cpu_percent = 0;  // over the interval since the previous sample, summed over PIDs
  std::int64_t rss_kb = 0, threads = 0, fds = 0;
  std::int64_t read_bytes = 0, write_bytes = 0;  // cumulative
  std::int64_t voluntary_switches = 0, involuntary_switches = 0;
  // Memory the system under test holds in bounded caches (set_cache_probe), -1 unprobed.
  std::int64_t cache_kb = -1;
  // malloc's in-use bytes (every arena, mmap-ed chunks included) when this process is the
  // one watched, else -1: RSS growing while this stays flat is the allocator holding freed
  // memory (fragmentation), not live objects.
  std::int64_t heap_kb = -1;
};

// Keeps at most `max_samples` samples in memory allocated up front: when full it drops every
// other one and from then on keeps every 2nd (4th, ...) reading, so a 7-day run at 10 Hz keeps
// an even series over the whole run and the monitor's own memory cannot pass for a leak.
class ResourceMonitor {
 public:
  explicit ResourceMonitor(std::vector<pid_t> pids, double hz = 10.0,
                           std::size_t max_samples = 8192);
  ~ResourceMonitor();  // stops
  ResourceMonitor(const ResourceMonitor&) = delete;
  ResourceMonitor& operator=(const ResourceMonitor&) = delete;

  void start();
  void stop();
  void set_pids(std::vector<pid_t> pids);  // worker processes replaced after a restart
  // KB the system under test holds in caches with a fixed bound (for an in-process store,
  // SQLite's page caches), read with every sample. RSS grows by it while the caches fill; the
  // leak verdict looks at RSS net of it. Set before start().
  void set_cache_probe(std::function<std::int64_t()> kb) { cache_probe_ = std::move(kb); }

  std::vector<ResourceSample> samples() const;
  // The sampler thread's CPU time over its wall time, in % of one core.
  double own_cpu_percent() const;
  nlohmann::json to_json() const;

 private:
  void run();
  void take_sample(const std::vector<pid_t>& pids, std::chrono::steady_clock::time_point start,
                   double cpu_start, double& previous_cpu, double& previous_t);

  const std::chrono::nanoseconds interval_;
  mutable std::mutex mutex_;
  std::vector<pid_t> pids_;
  std::function<std::int64_t()> cache_probe_;
  std::vector<ResourceSample> samples_;
  const std::size_t max_samples_;
  std::size_t stride_ = 1;  // keep every stride-th reading
  std::atomic<bool> stop_{false};
  std::thread thread_;
  double own_cpu_s_ = 0.0;
  double own_wall_s_ = 0.0;
};

}  // namespace stress
