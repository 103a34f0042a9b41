#pragma once
// The machine a figure was measured on: the `machine` object of every legion-bench JSON context
// and of the run manifest (docs/harness.md). A ratio between two frameworks is a property of
// the machine (cache sizes, CPU, kernel), so every result carries this fingerprint.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace legion::bench {

struct Machine {
  std::string id;  // 16 hex digits: machine_id() of the fields below
  std::string cpu_model;
  unsigned logical_cpus = 0;
  std::uint64_t l2_bytes = 0;      // one L2 instance (sysfs cpu0), 0 when unknown
  std::uint64_t l3_bytes = 0;      // one L3 instance, 0 when unknown
  std::string governor;            // cpufreq scaling governor, "none" without cpufreq
  std::string kernel;              // release, as uname -r
  std::uint64_t memory_bytes = 0;  // MemTotal
  // "none", or what runs the OS: a hypervisor ("kvm", "xen", "hyperv", "vmware", or
  // "hypervisor" when it does not name itself) and a container ("docker", "podman",
  // "container"), comma-separated.
  std::string virtualization;
};

// Reads /proc and /sys under `root` ("/" for this machine; a fixture tree in tests). Fields it
// cannot read stay empty/0 ("unknown" for the strings); the id is filled.
Machine read_machine(const std::filesystem::path& root = "/");

// FNV-1a (64 bit) over every field but the id, memory rounded to whole GiB (MemTotal moves by a
// few MiB between boots), as 16 lower-case hex digits. Identical VMs of one kind share it.
std::string machine_id(const Machine& machine);

nlohmann::json to_json(const Machine& machine);

}  // namespace legion::bench
