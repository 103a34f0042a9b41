#pragma once
// How the driver runs its child processes (legion-bench, legion-compare, the CPython
// calibration loop) and keeps time. The real one forks and execs; tests substitute a double
// that writes synthetic results on a simulated clock, so the driver's decisions are tested
// without timing anything.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "driver/child_process.hpp"

namespace legion::driver {

class Launcher {
 public:
  virtual ~Launcher() = default;
  // stdout into `out`, stderr into `err` (the same file when equal).
  virtual ChildResult run(const std::vector<std::string>& argv, const std::filesystem::path& out,
                          const std::filesystem::path& err, double timeout_s) = 0;
  // Seconds on a steady clock: what the budget is measured with.
  virtual double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

class ProcessLauncher final : public Launcher {
 public:
  ChildResult run(const std::vector<std::string>& argv, const std::filesystem::path& out,
                  const std::filesystem::path& err, double timeout_s) override {
    return run_child(argv, out, err, timeout_s);
  }
};

}  // namespace legion::driver
