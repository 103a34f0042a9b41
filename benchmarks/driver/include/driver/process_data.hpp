#pragma once
// One legion-bench output file as the driver plans with it: per row the process mean and what
// the row cost, and the context's machine id and calibration figure. The statistics are
// legion-compare's; this is bookkeeping for where to spend the budget.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace legion::driver {

// A row is a benchmark name without Google Benchmark's suffixes:
// "simple_task/cold_start/iterations:1/repeats:1/manual_time" -> "simple_task/cold_start",
// "simple_task/hot/real_time" -> "simple_task/hot".
std::string row_name(std::string_view benchmark_name);

struct RowSample {
  double mean_ns = 0.0;          // mean over the repetitions of real_time (the process mean)
  double seconds = 0.0;          // what the row cost the process: timed iterations + one more
  double per_iteration_s = 0.0;  // real_time of one iteration (of the last repetition)
  std::size_t repetitions = 0;
  bool failed = false;  // error_occurred: unsupported, or validation failed
  bool unsupported = false;
  std::string error;
};

struct ProcessData {
  std::string framework;
  std::string machine_id;  // context.machine.id, "" when absent
  std::optional<double> calibration_cpp_ns;
  std::string git_commit;
  std::map<std::string, RowSample> rows;  // by row_name
};

// Throws DriverError naming `source` on malformed JSON or a file without context.framework.
ProcessData parse_process_data(std::string_view text, std::string_view source);
ProcessData read_process_data(const std::filesystem::path& path);

}  // namespace legion::driver
