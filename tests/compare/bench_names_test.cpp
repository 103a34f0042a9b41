// The names legion-bench writes and legion-compare reads come from one header: what one side
// writes, the other recognises.
#include "bench_names.hpp"

#include <gtest/gtest.h>

#include "compare/benchmark_name.hpp"

namespace legion::bench {
namespace {

TEST(BenchNames, AnUnsupportedMessageRoundTrips) {
  const std::string message = unsupported("no tools");
  EXPECT_EQ(message, "unsupported: no tools");
  EXPECT_TRUE(is_unsupported(message));
  EXPECT_EQ(unsupported_reason(message), "no tools");
  EXPECT_EQ(unsupported_reason("unsupported:"), "");
  EXPECT_FALSE(is_unsupported("wrong answer: expected 5, got 6"));
  EXPECT_FALSE(is_unsupported("run failed: unsupported: nested"));
}

TEST(BenchNames, RegimesSortInTheReportOrder) {
  int previous = -1;
  for (const char* regime : kRegimes) {
    const int rank = compare::regime_rank(regime);
    EXPECT_GT(rank, previous) << regime;
    previous = rank;
  }
  EXPECT_GT(compare::regime_rank("warm"), previous);
}

TEST(BenchNames, HarnessCountersAreKnownAndMetricsAreNot) {
  EXPECT_TRUE(is_harness_counter(counter::kModelCalls));
  EXPECT_TRUE(is_harness_counter(counter::kIterP95Ns));
  EXPECT_TRUE(is_harness_counter("rss_start_growth_bytes"));
  EXPECT_FALSE(is_harness_counter(counter::kTurns));  // an adapter's own figure
  EXPECT_FALSE(is_harness_counter("code_exec_ns"));
}

}  // namespace
}  // namespace legion::bench
