#include "industry/disclosure.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "environment_context.hpp"

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

}  // namespace industry
