#pragma once

// legion-bench names benchmarks `<scenario_id>[/<param>=<value>]*/<regime>`.

#include <string>
#include <string_view>

namespace legion::compare {

struct BenchmarkName {
  std::string scenario;  // the first component, e.g. "large_context_retrieval"
  std::string regime;    // the last component, e.g. "hot"; empty for a one-component name
  // The scenario with its parameters, without the regime: "large_context_retrieval/docs=1000"
  // (the name for a row of one regime's table); the whole name for a one-component name.
  std::string point;
};

// Google Benchmark's own trailing components ("/real_time" from UseRealTime, "/threads:N",
// "/repeats:N", ...) are not part of the scenario or regime and are skipped.
BenchmarkName split_benchmark_name(std::string_view name);

// Sort rank of a regime: cold_start, construction, hot, concurrency, then any other
// (alphabetically after).
int regime_rank(std::string_view regime);

}  // namespace legion::compare
