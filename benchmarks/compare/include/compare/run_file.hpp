#pragma once

// One legion-bench output file: one framework, one process (the unit of replication).

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace legion::compare {

// One benchmark name within one process: its per-repetition values (run_type "iteration";
// aggregates are ignored, we compute our own statistics from the repetitions).
struct BenchmarkRun {
  std::string name;
  std::vector<double> times_ns;  // real_time converted from time_unit
  // The error_message of the first repetition with error_occurred; a benchmark with any failed
  // repetition counts as failed (a wrong answer never reports a time).
  std::optional<std::string> error;
  std::vector<std::string> labels;  // distinct output hashes, in order of appearance
  // Per-repetition values of every user counter in the file: the harness's counters
  // (bench_names.hpp: work, time, memory) and the adapter's own figures (Outcome::metrics).
  std::map<std::string, std::vector<double>> counters;
};

// Appended to a framework's name when its process ran over HTTP (context.transport "http"):
// "langchain@http" is compared like another framework, e.g. against "langchain" in-process.
inline constexpr const char* kHttpSuffix = "@http";

struct ProcessRun {
  std::string source;     // the file name, for messages
  std::string framework;  // context.framework, plus kHttpSuffix over HTTP
  std::string framework_version;
  nlohmann::json context;                // as written by legion-bench
  std::vector<BenchmarkRun> benchmarks;  // in order of first appearance
};

// Throws InputError naming `source` on malformed JSON, a missing context.framework, an entry
// without a name or (when not errored) without a numeric real_time, or an unknown time unit.
ProcessRun parse_process_run(std::string_view text, std::string_view source);
// Reads the file; InputError when it cannot be read.
ProcessRun read_process_run(const std::filesystem::path& path);

}  // namespace legion::compare
