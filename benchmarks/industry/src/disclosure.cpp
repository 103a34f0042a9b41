#include "industry/disclosure.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "legion/error.hpp"
#include "run_context.hpp"

namespace industry {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

long long mem_total_kb() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  long long value = 0;
  while (in >> key >> value) {
    if (key == "MemTotal:") return value;
    in.ignore(256, '\n');
  }
  return -1;
}

}  // namespace

Json disclosure(const std::string& command_line, const Json& config, const std::string& framework,
                const std::string& framework_version) {
  Json environment = Json::object();
  for (const auto& [key, value] : legion::harness::environment_context()) environment[key] = value;
  utsname uts{};
  const std::string kernel = ::uname(&uts) == 0 ? std::string(uts.sysname) + " " + uts.release : "";
  return {{"command", command_line},
          {"config", config},
          {"framework", framework},
          {"framework_version", framework_version},
          {"environment", environment},
          {"machine",
           {{"cpu_model", cpu_model()},
            {"logical_cpus", std::thread::hardware_concurrency()},
            {"mem_total_kb", mem_total_kb()},
            {"kernel", kernel}}}};
}

Json percentiles_ms(const stats::LatencyHistogram& h) {
  if (h.count() == 0) return {{"count", 0}};
  const auto s = h.summary();
  auto ms = [](std::uint64_t ns) { return static_cast<double>(ns) / 1e6; };
  return {{"count", s.count},    {"p50_ms", ms(s.p50)},    {"p90_ms", ms(s.p90)},
          {"p95_ms", ms(s.p95)}, {"p99_ms", ms(s.p99)},    {"p999_ms", ms(s.p999)},
          {"max_ms", ms(s.max)}, {"mean_ms", s.mean / 1e6}};
}

void write_json(const std::filesystem::path& file, const Json& value) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  std::ofstream out(file);
  if (!(out << value.dump(2, ' ', false, Json::error_handler_t::replace) << "\n")) {
    throw legion::Error("cannot write " + file.string());
  }
}

}  // namespace industry
