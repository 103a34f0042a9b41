#pragma once

// One legion-bench output file: one framework, one process (the unit of replication).

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace legion_compare {

// One benchmark name within one process: its per-repetition values (run_type "iteration";
// aggregates are ignored, we compute our own statistics from the repetitions).
struct BenchmarkRun {
  std::string name;
  std::vector<double> times_ns;  // real_time converted from time_unit
  // The error_message of the first repetition with error_occurred; a benchmark with any failed
  // repetition counts as failed (a wrong answer never reports a time).
  std::optional<std::string> error;
  std::vector<std::string> labels;  // distinct output hashes, in order of appearance
  // Per-repetition values of every user counter in the file: the work counters below, the
  // harness's time and memory counters, and the adapter's own figures (Outcome::metrics).
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

// The counters compared across frameworks (the work done, which must match).
inline constexpr const char* kWorkCounters[] = {"model_calls", "tool_calls", "tokens_in",
                                                "tokens_out"};
// What legion-bench itself publishes for every framework (harness.md); any other counter is
// one of the adapter's own figures (Outcome::metrics: turns, delegations, code_exec_ns, ...).
inline constexpr const char* kHarnessCounters[] = {"model_calls",
                                                   "tool_calls",
                                                   "tokens_in",
                                                   "tokens_out",
                                                   "model_ns",
                                                   "residual_ns",
                                                   "rss_bytes",
                                                   "rss_per_agent_bytes",
                                                   "allocs_per_op",
                                                   "validated",
                                                   "heap_per_agent_bytes",
                                                   "interpreter_ns",
                                                   "import_ns",
                                                   "first_prepare_ns",
                                                   "first_run_ns",
                                                   "rss_after_start_bytes",
                                                   "rss_start_growth_bytes",
                                                   "cpu_ns",
                                                   "iter_p50_ns",
                                                   "iter_p95_ns",
                                                   "critical_path_model_ns",
                                                   "model_latency_ns"};
bool is_harness_counter(std::string_view name);

// Throws InputError naming `source` on malformed JSON, a missing context.framework, an entry
// without a name or (when not errored) without a numeric real_time, or an unknown time unit.
ProcessRun parse_process_run(std::string_view text, std::string_view source);
// Reads the file; InputError when it cannot be read.
ProcessRun read_process_run(const std::filesystem::path& path);

}  // namespace legion_compare
