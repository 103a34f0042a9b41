#include "environment_context.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>

namespace legion::harness {
namespace {

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) return "unknown";
  return line;
}

std::string git_commit() {
  const std::string command = "git -C '" LEGION_SOURCE_DIR "' rev-parse HEAD 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return "unknown";
  std::array<char, 128> buffer{};
  std::string out;
  while (fgets(buffer.data(), buffer.size(), pipe.get())) out += buffer.data();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out.size() == 40 ? out : "unknown";
}

std::string compiler() {
#ifdef __clang__
  return "Clang " __clang_version__;
#else
  return "GCC " __VERSION__;
#endif
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "unknown";
  return one + " " + five + " " + fifteen;
}

}  // namespace

std::map<std::string, std::string> environment_context() {
  return {
      {"git_commit", git_commit()},
      {"compiler", compiler()},
      {"build_type", LEGION_BUILD_TYPE},
      {"cpu_governor", first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")},
      {"load_average", load_average()},
      {"legion_bench_version", LEGION_VERSION},
      {"gbench_library_build_type",
       "Debian's libbenchmark 1.7.1 reports library_build_type=debug for the packaged library; "
       "it says nothing about this build (see build_type)"},
  };
}

}  // namespace legion::harness
