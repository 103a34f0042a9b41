// Scenario and regime from legion-bench's benchmark names.

#include "compare/benchmark_name.hpp"

#include <gtest/gtest.h>

namespace {

using legion::compare::split_benchmark_name;

TEST(BenchmarkName, ScenarioIsTheFirstComponentRegimeTheLast) {
  EXPECT_EQ(split_benchmark_name("simple_task/hot").scenario, "simple_task");
  EXPECT_EQ(split_benchmark_name("simple_task/hot").regime, "hot");
  const auto n = split_benchmark_name("concurrent_execution/agents=64/concurrency");
  EXPECT_EQ(n.scenario, "concurrent_execution");
  EXPECT_EQ(n.regime, "concurrency");
  EXPECT_EQ(split_benchmark_name("lonely").regime, "");
}

TEST(BenchmarkName, GoogleBenchmarkSuffixesAreSkipped) {
  const auto n = split_benchmark_name("large_context_retrieval/docs=10000/hot/real_time");
  EXPECT_EQ(n.scenario, "large_context_retrieval");
  EXPECT_EQ(n.regime, "hot");
  EXPECT_EQ(split_benchmark_name("simple_task/construction/repeats:5/threads:2").regime,
            "construction");
}

TEST(BenchmarkName, RegimesSortColdStartConstructionHotConcurrency) {
  using legion::compare::regime_rank;
  EXPECT_LT(regime_rank("cold_start"), regime_rank("construction"));
  EXPECT_LT(regime_rank("construction"), regime_rank("hot"));
  EXPECT_LT(regime_rank("hot"), regime_rank("concurrency"));
  EXPECT_LT(regime_rank("concurrency"), regime_rank("warm_up"));
}

TEST(BenchmarkName, ColdStartKeepsItsRegimeThroughFixedIterationSuffixes) {
  const auto n = split_benchmark_name("simple_task/cold_start/iterations:1/repeats:1/manual_time");
  EXPECT_EQ(n.scenario, "simple_task");
  EXPECT_EQ(n.regime, "cold_start");
  EXPECT_EQ(n.point, "simple_task");
}

TEST(BenchmarkName, PointIsTheScenarioWithItsParameters) {
  EXPECT_EQ(split_benchmark_name("large_context_retrieval/docs=10000/hot/real_time").point,
            "large_context_retrieval/docs=10000");
  EXPECT_EQ(split_benchmark_name("lonely").point, "lonely");
}

}  // namespace
