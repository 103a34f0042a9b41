#pragma once
// Was a benchmark process disturbed by something else on the machine? The driver samples the
// system before and after each process and reads the child's own resource usage; a process is
// flagged when other processes used a share of the CPUs or the hypervisor stole time from this
// VM while it ran (limits fixed in advance, docs/harness.md). Load average, CPU pressure and
// context switches are recorded beside them: a multi-threaded child (LEGION's executor) waits
// for its own threads too, so they cannot tell interference from the child's own work.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace legion::driver {

struct CpuTimes {  // the "cpu" line of /proc/stat, in clock ticks (USER_HZ)
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  double busy() const { return user + nice + system + irq + softirq; }
  double total() const { return busy() + idle + iowait + steal; }
};

struct SystemSample {
  CpuTimes cpu;
  double load1 = 0, load5 = 0, load15 = 0;
  std::optional<double> cpu_pressure_us;  // /proc/pressure/cpu "some ... total=" (PSI)
  double at_s = 0;                        // steady clock, seconds
};

std::optional<CpuTimes> parse_proc_stat(std::string_view text);
std::optional<double> parse_psi_some_total(std::string_view text);  // microseconds
// Reads `proc` (/proc, or a fixture) now.
SystemSample sample_system(const std::filesystem::path& proc = "/proc");

struct ChildUsage {  // the child's own, from wait4(): every thread and every waited-for child
  double cpu_s = 0;
  long involuntary_switches = 0;
  long voluntary_switches = 0;
};

struct InterferenceLimits {
  double other_cpu_cores = 0.25;  // others' mean CPU use over the process's life, in cores
  double steal = 0.02;            // stolen share of the CPUs' time
  double min_wall_s = 0.5;        // shorter processes are not judged (tick granularity)
};

struct Interference {
  double wall_s = 0;
  double load1_start = 0, load1_end = 0;
  double steal = 0;                    // share of all CPU time stolen by the hypervisor
  double other_cpu_cores = 0;          // CPU used by everything else, in cores (mean over the life)
  std::optional<double> cpu_pressure;  // share of the wall some task waited for a CPU
  ChildUsage child;
  bool judged = false;               // long enough to judge
  std::vector<std::string> reasons;  // why flagged; empty = not flagged
  bool flagged() const { return !reasons.empty(); }
};

Interference assess(const SystemSample& before, const SystemSample& after, const ChildUsage& child,
                    double ticks_per_second, const InterferenceLimits& limits);

nlohmann::json to_json(const Interference& i);

}  // namespace legion::driver
