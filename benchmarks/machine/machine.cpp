#include "machine.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace legion::bench {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string first_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The value of the first "key : value" line of /proc/cpuinfo or "key: value" of /proc/meminfo.
std::string field(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    if (line.find_first_not_of(" \t", key.size()) != colon) continue;  // "model" vs "model name"
    const auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "" : line.substr(start);
  }
  return "";
}

// sysfs cache sizes: "2048K", "480M".
std::uint64_t cache_bytes(const std::string& size) {
  std::uint64_t value = 0;
  std::size_t i = 0;
  while (i < size.size() && size[i] >= '0' && size[i] <= '9')
    value = value * 10 + (size[i++] - '0');
  if (i < size.size() && size[i] == 'K') value <<= 10;
  if (i < size.size() && size[i] == 'M') value <<= 20;
  if (i < size.size() && size[i] == 'G') value <<= 30;
  return value;
}

void read_caches(const fs::path& cpu0, Machine& m) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(cpu0 / "cache", ec)) {
    if (entry.path().filename().string().rfind("index", 0) != 0) continue;
    const std::string level = first_line(entry.path() / "level");
    const std::string type = first_line(entry.path() / "type");
    if (type == "Instruction") continue;
    const std::uint64_t bytes = cache_bytes(first_line(entry.path() / "size"));
    if (level == "2") m.l2_bytes = bytes;
    if (level == "3") m.l3_bytes = bytes;
  }
}

std::string hypervisor_vendor() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  __cpuid(0x40000000, eax, ebx, ecx, edx);
  char name[13] = {};
  std::memcpy(name, &ebx, 4);
  std::memcpy(name + 4, &ecx, 4);
  std::memcpy(name + 8, &edx, 4);
  const std::string vendor(name);
  if (vendor == "KVMKVMKVM") return "kvm";
  if (vendor == "XenVMMXenVMM") return "xen";
  if (vendor == "Microsoft Hv") return "hyperv";
  if (vendor == "VMwareVMware") return "vmware";
  if (vendor == "TCGTCGTCGTCG") return "qemu-tcg";
#endif
  return "hypervisor";
}

std::string virtualization(const fs::path& root, const std::string& cpuinfo) {
  std::vector<std::string> parts;
  const std::string flags = " " + field(cpuinfo, "flags") + " ";
  if (flags.find(" hypervisor ") != std::string::npos) {
    // cpuid names this machine's hypervisor only; a fixture tree has none to ask.
    parts.push_back(root == "/" ? hypervisor_vendor() : "hypervisor");
  }
  if (fs::exists(root / ".dockerenv")) {
    parts.push_back("docker");
  } else if (fs::exists(root / "run/.containerenv")) {
    parts.push_back("podman");
  } else {
    const std::string cgroup = read_text(root / "proc/1/cgroup");
    for (const char* marker : {"docker", "kubepods", "containerd", "lxc"}) {
      if (cgroup.find(marker) != std::string::npos) {
        parts.push_back("container");
        break;
      }
    }
  }
  if (parts.empty()) return "none";
  std::string out = parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) out += ", " + parts[i];
  return out;
}

unsigned count_processors(const std::string& cpuinfo) {
  unsigned n = 0;
  std::istringstream in(cpuinfo);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("processor", 0) == 0 && line.find(':') != std::string::npos) ++n;
  }
  return n;
}

std::string or_unknown(std::string value) {
  if (value.empty()) return "unknown";
  return value;
}

}  // namespace

Machine read_machine(const fs::path& root) {
  Machine m;
  const std::string cpuinfo = read_text(root / "proc/cpuinfo");
  m.cpu_model = or_unknown(field(cpuinfo, "model name"));
  m.logical_cpus = count_processors(cpuinfo);
  const fs::path cpu0 = root / "sys/devices/system/cpu/cpu0";
  read_caches(cpu0, m);
  m.governor = fs::exists(cpu0 / "cpufreq")
                   ? or_unknown(first_line(cpu0 / "cpufreq/scaling_governor"))
                   : "none";
  m.kernel = or_unknown(first_line(root / "proc/sys/kernel/osrelease"));
  const std::string total = field(read_text(root / "proc/meminfo"), "MemTotal");  // "N kB"
  m.memory_bytes = std::strtoull(total.c_str(), nullptr, 10) * 1024;
  m.virtualization = virtualization(root, cpuinfo);
  m.id = machine_id(m);
  return m;
}

std::string machine_id(const Machine& m) {
  const std::uint64_t gib = (m.memory_bytes + (1ULL << 29)) >> 30;
  const std::string key = m.cpu_model + '\n' + std::to_string(m.logical_cpus) + '\n' +
                          std::to_string(m.l2_bytes) + '\n' + std::to_string(m.l3_bytes) + '\n' +
                          m.governor + '\n' + m.kernel + '\n' + std::to_string(gib) + '\n' +
                          m.virtualization;
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char c : key) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

nlohmann::json to_json(const Machine& m) {
  return {{"id", m.id},
          {"cpu_model", m.cpu_model},
          {"logical_cpus", m.logical_cpus},
          {"l2_bytes", m.l2_bytes},
          {"l3_bytes", m.l3_bytes},
          {"governor", m.governor},
          {"kernel", m.kernel},
          {"memory_bytes", m.memory_bytes},
          {"virtualization", m.virtualization}};
}

}  // namespace legion::bench
