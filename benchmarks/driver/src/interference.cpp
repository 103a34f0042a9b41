#include "driver/interference.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "text_file.hpp"

namespace legion::driver {
namespace {

std::string rounded(double value, const char* format) {
  char out[32];
  std::snprintf(out, sizeof out, format, value);
  return out;
}

}  // namespace

std::optional<CpuTimes> parse_proc_stat(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string label;
  CpuTimes t;
  if (!(in >> label) || label != "cpu") return std::nullopt;
  if (!(in >> t.user >> t.nice >> t.system >> t.idle >> t.iowait >> t.irq >> t.softirq)) {
    return std::nullopt;
  }
  if (!(in >> t.steal)) t.steal = 0;  // kernels before 2.6.11
  return t;
}

std::optional<double> parse_psi_some_total(std::string_view text) {
  const std::size_t line = text.find("some ");
  if (line == std::string_view::npos) return std::nullopt;
  const std::size_t at = text.find("total=", line);
  const std::size_t end = text.find('\n', line);
  if (at == std::string_view::npos || (end != std::string_view::npos && at > end)) {
    return std::nullopt;
  }
  return std::strtod(std::string(text.substr(at + 6, 24)).c_str(), nullptr);
}

SystemSample sample_system(const std::filesystem::path& proc) {
  SystemSample s;
  s.at_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  if (const auto cpu = parse_proc_stat(read_text(proc / "stat"))) s.cpu = *cpu;
  std::istringstream load(read_text(proc / "loadavg"));
  load >> s.load1 >> s.load5 >> s.load15;
  s.cpu_pressure_us = parse_psi_some_total(read_text(proc / "pressure/cpu"));
  return s;
}

Interference assess(const SystemSample& before, const SystemSample& after, const ChildUsage& child,
                    double ticks_per_second, const InterferenceLimits& limits) {
  Interference out;
  out.wall_s = after.at_s - before.at_s;
  out.load1_start = before.load1;
  out.load1_end = after.load1;
  out.child = child;
  const double total = after.cpu.total() - before.cpu.total();
  if (total > 0) out.steal = (after.cpu.steal - before.cpu.steal) / total;
  if (out.wall_s > 0) {
    const double busy_s = (after.cpu.busy() - before.cpu.busy()) / ticks_per_second;
    out.other_cpu_cores = std::max(busy_s - child.cpu_s, 0.0) / out.wall_s;
    if (before.cpu_pressure_us && after.cpu_pressure_us) {
      out.cpu_pressure = (*after.cpu_pressure_us - *before.cpu_pressure_us) / 1e6 / out.wall_s;
    }
  }
  out.judged = out.wall_s >= limits.min_wall_s;
  if (!out.judged) return out;
  if (out.other_cpu_cores > limits.other_cpu_cores) {
    out.reasons.push_back("other processes used " + rounded(out.other_cpu_cores, "%.2f") +
                          " cores (limit " + rounded(limits.other_cpu_cores, "%.2f") + ")");
  }
  if (out.steal > limits.steal) {
    out.reasons.push_back("the hypervisor stole " + rounded(100 * out.steal, "%.1f") +
                          "% of the CPU time (limit " + rounded(100 * limits.steal, "%.1f") + "%)");
  }
  return out;
}

nlohmann::json to_json(const Interference& i) {
  return {{"wall_s", i.wall_s},
          {"loadavg", {i.load1_start, i.load1_end}},
          {"steal", i.steal},
          {"other_cpu_cores", i.other_cpu_cores},
          {"cpu_pressure", i.cpu_pressure ? nlohmann::json(*i.cpu_pressure) : nlohmann::json()},
          {"child_cpu_s", i.child.cpu_s},
          {"involuntary_context_switches", i.child.involuntary_switches},
          {"voluntary_context_switches", i.child.voluntary_switches},
          {"judged", i.judged},
          {"reasons", i.reasons}};
}

}  // namespace legion::driver
