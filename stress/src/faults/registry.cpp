#include <map>

#include "injectors.hpp"

namespace stress {
namespace {

struct Entry {
  const char* injector;
  std::unique_ptr<FaultInjector> (*make)();
};

const std::map<std::string, Entry>& registry() {
  static const std::map<std::string, Entry> types = {
      {"sigkill", {"worker_signal", faults::make_worker_signal}},
      {"sigstop", {"worker_signal", faults::make_worker_signal}},
      {"throw", {"poison_tasks", faults::make_poison_tasks}},
      {"hang", {"poison_tasks", faults::make_poison_tasks}},
      {"reset_peer", {"toxiproxy", faults::make_toxiproxy}},
      {"blackhole", {"toxiproxy", faults::make_toxiproxy}},
      {"down", {"toxiproxy", faults::make_toxiproxy}},
      {"limit_data", {"toxiproxy", faults::make_toxiproxy}},
      {"sqlite_io_error", {"sqlite_fault_vfs", faults::make_sqlite_io}},
      {"partition", {"netns_partition", faults::make_partition}},
      {"overload", {"overload", faults::make_overload}},
      {"memory_leak", {"memory_limit", faults::make_memory_limit}},
      {"disk_full", {"disk_fill", faults::make_disk_fill}},
  };
  return types;
}

const Entry& entry(const std::string& type) {
  auto it = registry().find(type);
  if (it == registry().end()) throw legion::ConfigError("unknown fault '" + type + "'");
  return it->second;
}

}  // namespace

std::unique_ptr<FaultInjector> make_injector(const std::string& type) {
  return entry(type).make();
}

std::string injector_name(const std::string& type) {
  return entry(type).injector;
}

}  // namespace stress
