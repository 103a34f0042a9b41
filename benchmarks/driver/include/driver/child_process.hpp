#pragma once
// Runs one benchmark process to completion: stdout and stderr into files, the system
// sampled just before and after (interference.hpp), the child's resource usage from wait4(),
// and a time limit after which it is killed (SIGTERM, then SIGKILL).
#include <filesystem>
#include <string>
#include <vector>

#include "driver/interference.hpp"

namespace legion::driver {

struct ChildResult {
  int exit_status = -1;  // -1 when killed by a signal
  int signal = 0;
  bool timed_out = false;
  double wall_s = 0;
  ChildUsage usage;
  SystemSample before, after;
};

// Throws DriverError when the process cannot be started (fork, an output file); an executable
// that cannot be run exits 127 with the reason in `err`. `err` may equal `out`.
ChildResult run_child(const std::vector<std::string>& argv, const std::filesystem::path& out,
                      const std::filesystem::path& err, double timeout_s);

}  // namespace legion::driver
