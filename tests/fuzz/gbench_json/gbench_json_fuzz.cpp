// Google Benchmark output as the two readers take it: legion-stats' (stats/gbench_json.hpp:
// JSON for each metric kind, and CSV) and legion-compare's (compare/run_file.hpp). Bad input
// must be a StatsError or, from legion-compare's reader, an InputError: both tools print
// those as one line and exit 2.
#include <cmath>
#include <cstdint>
#include <string_view>

#include "compare/input_error.hpp"
#include "compare/run_file.hpp"
#include "fuzz_support.hpp"
#include "stats/error.hpp"
#include "stats/gbench_json.hpp"

namespace {

void check_series(const std::vector<stats::Series>& series) {
  legion::fuzz::require(!series.empty(), "a parse that succeeds finds a benchmark");
  for (const stats::Series& one : series) {
    legion::fuzz::require(!one.values.empty(), "every series has a value");
    for (const double value : one.values) {
      legion::fuzz::require(std::isfinite(value), "every value is finite");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The other metrics only where the default one parsed: most inputs fail before it matters.
  bool parsed = false;
  legion::fuzz::expect_only<stats::StatsError>([&] {
    check_series(stats::parse_gbench_json(text, "real_time", "fuzz.json"));
    parsed = true;
  });
  legion::fuzz::expect_only<stats::StatsError>([&] {
    check_series(stats::parse_benchmark_csv(text, "real_time", "fuzz.csv"));
    parsed = true;
  });
  for (const char* metric : {"cpu_time", "model_calls"}) {
    if (!parsed) break;
    legion::fuzz::expect_only<stats::StatsError>(
        [&] { check_series(stats::parse_gbench_json(text, metric, "fuzz.json")); });
    legion::fuzz::expect_only<stats::StatsError>(
        [&] { check_series(stats::parse_benchmark_csv(text, metric, "fuzz.csv")); });
  }
  legion::fuzz::expect_only<legion::compare::InputError, stats::StatsError>([&] {
    const legion::compare::ProcessRun run = legion::compare::parse_process_run(text, "fuzz.json");
    legion::fuzz::require(!run.framework.empty() && !run.benchmarks.empty(),
                          "a parsed run names its framework and has benchmarks");
    for (const auto& benchmark : run.benchmarks) {
      for (const double ns : benchmark.times_ns) {
        legion::fuzz::require(std::isfinite(ns), "every time is finite");
      }
    }
  });
  return 0;
}
