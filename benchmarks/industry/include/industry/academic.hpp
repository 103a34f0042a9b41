#pragma once
// legion-industry academic: AgentDojo's task suites (workspace, slack, banking, travel)
// replayed through a framework. For each user task the simulated model is scripted with the
// task's ground-truth tool calls (AgentDojo's own `ground_truth(pre_environment)`), the
// framework runs them with the suite's real tool functions on a fresh copy of the suite's
// environment (LEGION calls the Python functions through the bridge; the Python frameworks
// through their own tool idiom), and AgentDojo's utility check judges the answer, the calls
// and the final environment. The Python side is adapters/python_common/legion_agentdojo.
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "industry/tpc.hpp"

namespace industry {

struct AcademicOptions {
  std::string framework = "legion";
  std::string suite;               // banking, slack, travel, workspace
  std::vector<std::string> tasks;  // user task ids; empty: every one of the suite
  std::string benchmark_version = "v1.2.2";
  std::uint64_t seed = 42;
  std::string latency = "none";  // per model call: the residual is the framework's (and tools')
  int repetitions = 3;           // timed runs per task, each on a fresh environment
  std::filesystem::path out_dir;
  std::filesystem::path baseline;  // a LEGION academic.json to compare tool-call overhead with
  std::string command_line;
  std::ostream* progress = nullptr;
};

// Writes OUT/academic-SUITE.json. Throws UsageError for an unknown suite or task, or when
// agentdojo is not installed.
BenchmarkResult run_academic(const AcademicOptions& options);

}  // namespace industry
