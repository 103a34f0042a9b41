#pragma once
// The names legion-bench writes into its Google Benchmark JSON and legion-compare and
// legion-driver read back (docs/harness.md): benchmark names `<scenario_id>[/<param>=<value>]*
// /<regime>`, the per-iteration counters, and the prefix of a skipped benchmark's error message.
// Both sides spell them through this header only, so a rename cannot leave one side behind.
#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>

namespace legion::bench {

// Regimes: the last component of a benchmark name.
inline constexpr const char* kColdStart = "cold_start";
inline constexpr const char* kConstruction = "construction";
inline constexpr const char* kHot = "hot";
inline constexpr const char* kConcurrency = "concurrency";
// In the order a report lists them.
inline constexpr const char* kRegimes[] = {kColdStart, kConstruction, kHot, kConcurrency};

// The harness's own rows (A/A controls: the same C++ work in every framework's process) have
// this first component.
inline constexpr const char* kHarnessScenario = "harness";
inline constexpr const char* kEmptyAdapterCase = "harness/empty_adapter";
inline constexpr const char* kCalibrationCase = "harness/calibration";
// The scenario whose smallest case also runs the cold start regime.
inline constexpr const char* kColdStartCase = "simple_task";

// A benchmark the framework cannot run is skipped with the error message "unsupported: <reason>"
// ("unsupported: no tools"); any other error message is a failure.
inline constexpr std::string_view kUnsupportedPrefix = "unsupported:";
inline std::string unsupported(std::string_view reason) {
  return std::string(kUnsupportedPrefix) + " " + std::string(reason);
}
inline bool is_unsupported(std::string_view error_message) {
  return error_message.starts_with(kUnsupportedPrefix);
}
// "unsupported: no tools" -> "no tools"; "" when the message gives no reason.
inline std::string unsupported_reason(std::string_view error_message) {
  std::string_view rest =
      error_message.substr(std::min(kUnsupportedPrefix.size(), error_message.size()));
  const auto start = rest.find_first_not_of(' ');
  return start == std::string_view::npos ? std::string() : std::string(rest.substr(start));
}

// Counters, per iteration unless noted.
namespace counter {
// The work done: it must match between frameworks.
inline constexpr const char* kModelCalls = "model_calls";
inline constexpr const char* kToolCalls = "tool_calls";
// The runtime's TokenUsage names (OpenAI's usage fields), summed over the run's model calls.
inline constexpr const char* kPromptTokens = "prompt_tokens";
inline constexpr const char* kCompletionTokens = "completion_tokens";
// Time and memory.
inline constexpr const char* kModelNs = "model_ns";
inline constexpr const char* kResidualNs = "residual_ns";
inline constexpr const char* kCpuNs = "cpu_ns";
inline constexpr const char* kIterP50Ns = "iter_p50_ns";
inline constexpr const char* kIterP95Ns = "iter_p95_ns";
inline constexpr const char* kAllocsPerOp = "allocs_per_op";
inline constexpr const char* kRssBytes = "rss_bytes";  // the process's, at the end
inline constexpr const char* kValidated = "validated";
// Under a model latency: the latency a run cannot avoid, and the sum of its draws.
inline constexpr const char* kCriticalPathModelNs = "critical_path_model_ns";
inline constexpr const char* kModelLatencyNs = "model_latency_ns";
// The construction regime.
inline constexpr const char* kHeapPerAgentBytes = "heap_per_agent_bytes";
inline constexpr const char* kRssPerAgentBytes = "rss_per_agent_bytes";
// The cold start regime.
inline constexpr const char* kInterpreterNs = "interpreter_ns";
inline constexpr const char* kImportNs = "import_ns";
inline constexpr const char* kFirstPrepareNs = "first_prepare_ns";
inline constexpr const char* kFirstRunNs = "first_run_ns";
inline constexpr const char* kRssAfterStartBytes = "rss_after_start_bytes";
inline constexpr const char* kRssStartGrowthBytes = "rss_start_growth_bytes";
// Adapters' own figures (Outcome::metrics) that legion-compare derives overheads from.
inline constexpr const char* kDelegations = "delegations";
inline constexpr const char* kTurns = "turns";
}  // namespace counter

// Every counter legion-bench itself publishes; any other is one of an adapter's own figures.
inline constexpr const char* kHarnessCounters[] = {counter::kModelCalls,
                                                   counter::kToolCalls,
                                                   counter::kPromptTokens,
                                                   counter::kCompletionTokens,
                                                   counter::kModelNs,
                                                   counter::kResidualNs,
                                                   counter::kRssBytes,
                                                   counter::kRssPerAgentBytes,
                                                   counter::kAllocsPerOp,
                                                   counter::kValidated,
                                                   counter::kHeapPerAgentBytes,
                                                   counter::kInterpreterNs,
                                                   counter::kImportNs,
                                                   counter::kFirstPrepareNs,
                                                   counter::kFirstRunNs,
                                                   counter::kRssAfterStartBytes,
                                                   counter::kRssStartGrowthBytes,
                                                   counter::kCpuNs,
                                                   counter::kIterP50Ns,
                                                   counter::kIterP95Ns,
                                                   counter::kCriticalPathModelNs,
                                                   counter::kModelLatencyNs};

inline bool is_harness_counter(std::string_view name) {
  return std::find(std::begin(kHarnessCounters), std::end(kHarnessCounters), name) !=
         std::end(kHarnessCounters);
}

// Counters published under another name before: legion-bench wrote prompt_tokens and
// completion_tokens as tokens_in and tokens_out until 2026-12-04, and every results/ run up
// to then holds those names. A reader maps them to today's names on input, so an old file
// still compares with a new one (the "tokens differ" check needs both sides under one name).
struct RenamedCounter {
  std::string_view old_name;
  const char* name;
};
inline constexpr RenamedCounter kRenamedCounters[] = {{"tokens_in", counter::kPromptTokens},
                                                      {"tokens_out", counter::kCompletionTokens}};

// The counter's current name: `name` itself unless it is one of kRenamedCounters' old names.
inline std::string_view current_counter_name(std::string_view name) {
  for (const auto& r : kRenamedCounters) {
    if (r.old_name == name) return r.name;
  }
  return name;
}

}  // namespace legion::bench
