// The machine fingerprint from a fixture /proc + /sys tree.
#include "machine.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <tuple>

#include "calibration.hpp"
#include "support/temp_dir.hpp"

namespace legion::bench {
namespace {

namespace fs = std::filesystem;

class MachineTree : public ::testing::Test {
 protected:
  void SetUp() override {
    write("proc/cpuinfo",
          "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\nflags\t\t: fpu hypervisor "
          "avx\n\nprocessor\t: 1\nmodel name\t: Intel(R) Xeon(R) Processor\nflags\t\t: fpu "
          "hypervisor avx\n");
    write("proc/meminfo", "MemTotal:       24683664 kB\nMemFree:  1 kB\n");
    write("proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
    write("proc/1/cgroup", "0::/\n");
    const std::string cache = "sys/devices/system/cpu/cpu0/cache/";
    for (const auto& [index, level, type, size] :
         {std::tuple{"index0", "1", "Data", "48K"}, std::tuple{"index2", "2", "Unified", "2048K"},
          std::tuple{"index3", "3", "Unified", "32768K"}}) {
      write(cache + index + "/level", std::string(level) + "\n");
      write(cache + index + "/type", std::string(type) + "\n");
      write(cache + index + "/size", std::string(size) + "\n");
    }
  }
  void write(const std::string& path, const std::string& text) {
    fs::create_directories((root_ / path).parent_path());
    std::ofstream(root_ / path) << text;
  }
  legion_test::TempDir dir_{"legion-machine"};
  const fs::path root_{dir_.path()};
};

TEST_F(MachineTree, ReadsEveryField) {
  const Machine m = read_machine(root_);
  EXPECT_EQ(m.cpu_model, "Intel(R) Xeon(R) Processor");
  EXPECT_EQ(m.logical_cpus, 2u);
  EXPECT_EQ(m.l2_bytes, 2u << 20);
  EXPECT_EQ(m.l3_bytes, 32u << 20);
  EXPECT_EQ(m.governor, "none");  // no cpufreq directory
  EXPECT_EQ(m.kernel, "6.1.0-18-amd64");
  EXPECT_EQ(m.memory_bytes, 24683664ull * 1024);
  EXPECT_EQ(m.virtualization, "hypervisor");
  EXPECT_EQ(m.id.size(), 16u);
  EXPECT_EQ(m.id, machine_id(m));
  const auto j = to_json(m);
  EXPECT_EQ(j["l3_bytes"], 32u << 20);
  EXPECT_EQ(j["id"], m.id);
}

TEST_F(MachineTree, TheIdTellsMachinesOfAnotherKindApartButNotAReboot) {
  const std::string id = read_machine(root_).id;
  write("proc/meminfo", "MemTotal:       24683000 kB\n");  // a few KiB less after a reboot
  EXPECT_EQ(read_machine(root_).id, id);
  write("sys/devices/system/cpu/cpu0/cache/index3/size", "491520K\n");  // the 480 MiB L3 host
  EXPECT_NE(read_machine(root_).id, id);
}

TEST_F(MachineTree, GovernorAndContainer) {
  write("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "performance\n");
  write(".dockerenv", "");
  const Machine m = read_machine(root_);
  EXPECT_EQ(m.governor, "performance");
  EXPECT_EQ(m.virtualization, "hypervisor, docker");
}

TEST_F(MachineTree, MissingFilesAreUnknownNotACrash) {
  const Machine m = read_machine(root_ / "nothing-here");
  EXPECT_EQ(m.cpu_model, "unknown");
  EXPECT_EQ(m.logical_cpus, 0u);
  EXPECT_EQ(m.virtualization, "none");
  EXPECT_EQ(m.id.size(), 16u);
}

TEST(Calibration, TheLoopIsDeterministicAndTakesTime) {
  EXPECT_EQ(calibration_work(1000), calibration_work(1000));
  EXPECT_NE(calibration_work(1000), calibration_work(1001));
  EXPECT_GT(measure_calibration_ns(3), 0.0);
}

}  // namespace
}  // namespace legion::bench
