#include "stress/monitor.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <malloc.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace stress {
namespace {

// /proc files are small; one read() into a stack buffer avoids iostream's cost at 10 Hz.
bool slurp(const std::string& path, char* buffer, std::size_t size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const ssize_t n = ::read(fd, buffer, size - 1);
  ::close(fd);
  if (n <= 0) return false;
  buffer[n] = '\0';
  return true;
}

std::int64_t field_after(const char* text, const char* key) {
  const char* at = std::strstr(text, key);
  return at ? std::strtoll(at + std::strlen(key), nullptr, 10) : 0;
}

std::int64_t count_fds(pid_t pid) {
  DIR* dir = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (!dir) return 0;
  std::int64_t n = 0;
  while (const dirent* entry = ::readdir(dir)) n += entry->d_name[0] != '.';
  ::closedir(dir);
  return pid == ::getpid() ? n - 1 : n;  // our own count includes the directory stream
}

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

std::optional<ProcReading> read_proc(pid_t pid) {
  const std::string base = "/proc/" + std::to_string(pid);
  char buffer[4096];
  if (!slurp(base + "/stat", buffer, sizeof buffer)) return std::nullopt;
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const char* rest = std::strrchr(buffer, ')');
  if (!rest) return std::nullopt;
  char state = 0;
  unsigned long utime = 0, stime = 0;
  long threads = 0, rss_pages = 0;
  // Fields 3.. : state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
  // stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss
  if (std::sscanf(rest + 2,
                  "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %*d %*d %*d %*d %ld %*d "
                  "%*u %*u %ld",
                  &state, &utime, &stime, &threads, &rss_pages) != 5) {
    return std::nullopt;
  }
  if (state == 'Z') return std::nullopt;
  static const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const long page_kb = sysconf(_SC_PAGESIZE) / 1024;
  ProcReading r;
  r.cpu_s = static_cast<double>(utime + stime) / ticks;
  r.threads = threads;
  r.rss_kb = rss_pages * page_kb;
  if (slurp(base + "/status", buffer, sizeof buffer)) {
    r.voluntary_switches = field_after(buffer, "voluntary_ctxt_switches:");
    r.involuntary_switches = field_after(buffer, "nonvoluntary_ctxt_switches:");
  }
  if (slurp(base + "/io", buffer, sizeof buffer)) {
    r.read_bytes = field_after(buffer, "\nread_bytes:");
    r.write_bytes = field_after(buffer, "\nwrite_bytes:");
  }
  r.fds = count_fds(pid);
  return r;
}

ResourceMonitor::ResourceMonitor(std::vector<pid_t> pids, double hz, std::size_t max_samples)
    : interval_(static_cast<std::int64_t>(1e9 / hz)),
      pids_(std::move(pids)),
      max_samples_(std::max<std::size_t>(2, max_samples)) {
  // Touch the whole buffer now: pages first written during the run would show as RSS growth.
  samples_.resize(max_samples_);
  samples_.clear();
}

ResourceMonitor::~ResourceMonitor() {
  stop();
}

void ResourceMonitor::start() {
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void ResourceMonitor::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ResourceMonitor::set_pids(std::vector<pid_t> pids) {
  std::lock_guard lock(mutex_);
  pids_ = std::move(pids);
}

void ResourceMonitor::take_sample(const std::vector<pid_t>& pids,
                                  std::chrono::steady_clock::time_point start, double cpu_start,
                                  double& previous_cpu, double& previous_t) {
  ResourceSample s;
  s.t_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = 0.0;
  for (pid_t pid : pids) {
    auto r = read_proc(pid);
    if (!r) continue;
    cpu += r->cpu_s;
    s.rss_kb += r->rss_kb;
    s.threads += r->threads;
    s.fds += r->fds;
    s.read_bytes += std::max<std::int64_t>(0, r->read_bytes);
    s.write_bytes += std::max<std::int64_t>(0, r->write_bytes);
    s.voluntary_switches += r->voluntary_switches;
    s.involuntary_switches += r->involuntary_switches;
  }
  if (cache_probe_) s.cache_kb = cache_probe_();
  if (pids.size() == 1 && pids.front() == ::getpid()) {
    const struct mallinfo2 info = mallinfo2();
    s.heap_kb = static_cast<std::int64_t>((info.uordblks + info.hblkhd) / 1024);
  }
  // Over the interval since the previous kept sample. A restarted worker set resets the
  // cumulative CPU: clamp instead of going negative.
  if (previous_cpu >= 0.0 && s.t_s > previous_t) {
    s.cpu_percent = std::max(0.0, (cpu - previous_cpu) / (s.t_s - previous_t) * 100.0);
  }
  previous_cpu = cpu;
  previous_t = s.t_s;
  {
    std::lock_guard lock(mutex_);
    if (samples_.size() == max_samples_) {
      for (std::size_t i = 0; i < samples_.size() / 2; ++i) samples_[i] = samples_[2 * i];
      samples_.resize(samples_.size() / 2);
      stride_ *= 2;
    }
    samples_.push_back(s);
    own_cpu_s_ = thread_cpu_s() - cpu_start;
    own_wall_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
}

void ResourceMonitor::run() {
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = thread_cpu_s();
  double previous_cpu = -1.0;
  double previous_t = 0.0;
  std::uint64_t reading = 0;
  // Absolute deadlines: the sampling rate does not drift with the cost of a sample.
  auto next = start;
  while (!stop_.load(std::memory_order_relaxed)) {
    std::vector<pid_t> pids;
    bool keep = false;
    {
      std::lock_guard lock(mutex_);
      pids = pids_;
      keep = reading++ % stride_ == 0;
    }
    if (keep) take_sample(pids, start, cpu_start, previous_cpu, previous_t);
    next += interval_;
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;  // a stall does not trigger a burst of catch-up samples
    // Sleep in short slices so stop() returns promptly even at a low sampling rate.
    while (!stop_.load(std::memory_order_relaxed) && std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_until(
          std::min(next, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
    }
  }
}

std::vector<ResourceSample> ResourceMonitor::samples() const {
  std::lock_guard lock(mutex_);
  return samples_;
}

double ResourceMonitor::own_cpu_percent() const {
  std::lock_guard lock(mutex_);
  return own_wall_s_ > 0.0 ? own_cpu_s_ / own_wall_s_ * 100.0 : 0.0;
}

nlohmann::json ResourceMonitor::to_json() const {
  const auto all = samples();
  nlohmann::json out = {{"monitor_cpu_percent", own_cpu_percent()}, {"samples", all.size()}};
  auto column = [&](const char* name, auto get) {
    auto& a = out[name] = nlohmann::json::array();
    for (const auto& s : all) a.push_back(get(s));
  };
  column("t_s", [](const ResourceSample& s) { return s.t_s; });
  column("cpu_percent", [](const ResourceSample& s) { return s.cpu_percent; });
  column("rss_kb", [](const ResourceSample& s) { return s.rss_kb; });
  column("threads", [](const ResourceSample& s) { return s.threads; });
  column("fds", [](const ResourceSample& s) { return s.fds; });
  column("read_bytes", [](const ResourceSample& s) { return s.read_bytes; });
  column("write_bytes", [](const ResourceSample& s) { return s.write_bytes; });
  column("voluntary_switches", [](const ResourceSample& s) { return s.voluntary_switches; });
  column("involuntary_switches", [](const ResourceSample& s) { return s.involuntary_switches; });
  column("heap_kb", [](const ResourceSample& s) { return s.heap_kb; });
  if (cache_probe_) column("cache_kb", [](const ResourceSample& s) { return s.cache_kb; });
  return out;
}

}  // namespace stress
