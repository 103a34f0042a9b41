// The geometric mean of the ratios per framework and regime: computed per process so rows
// sharing processes are not treated as independent; hand-computed examples, the scenario
// weights, A/A rows left out, and processes that ran only some rows.

#include <gtest/gtest.h>

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

#include "compare/comparison.hpp"
#include "compare/run_file.hpp"
#include "stats/error.hpp"
#include "stats/process_geomean.hpp"

namespace {

TEST(ProcessGeomean, IsTheIntervalOfThePerProcessWeightedLogSums) {
  // Two rows, weights 1 and 1; per process G = (log x1 + log x2) / 2.
  const std::vector<std::vector<double>> a = {{1.0, 4.0}, {2.0, 2.0}, {1.0, 1.0}};
  const std::vector<std::vector<double>> b = {{8.0, 8.0}, {4.0, 16.0}, {8.0, 2.0}};
  const double weights[] = {1.0, 1.0};
  const auto g = stats::geomean_ratio_over_processes(a, b, weights, 0.95);
  // G_a = log 2, log 2, 0; G_b = log 8, log 8, log 4 (in natural logs of the products' roots).
  const std::vector<double> ga = {std::log(2.0), std::log(2.0), 0.0};
  const std::vector<double> gb = {std::log(8.0), std::log(8.0), std::log(4.0)};
  auto mean = [](const std::vector<double>& x) { return (x[0] + x[1] + x[2]) / 3.0; };
  auto var = [&](const std::vector<double>& x) {
    const double m = mean(x);
    return ((x[0] - m) * (x[0] - m) + (x[1] - m) * (x[1] - m) + (x[2] - m) * (x[2] - m)) / 2.0;
  };
  const double d = mean(gb) - mean(ga);
  const double t = boost::math::quantile(boost::math::students_t_distribution<double>(2), 0.975);
  const double half = t * std::sqrt(var(ga) / 3.0 + var(gb) / 3.0);  // Banerjee, equal n
  EXPECT_NEAR(g.ratio, std::exp(d), 1e-12);
  EXPECT_NEAR(g.interval.lower, std::exp(d - half), 1e-9);
  EXPECT_NEAR(g.interval.upper, std::exp(d + half), 1e-9);
  EXPECT_EQ(g.n_a, 3u);
}

TEST(ProcessGeomean, BadInputThrows) {
  const std::vector<std::vector<double>> two = {{1.0}, {2.0}};
  const std::vector<std::vector<double>> one = {{1.0}};
  const double w[] = {1.0};
  const double zero[] = {0.0};
  EXPECT_THROW(stats::geomean_ratio_over_processes(one, two, w), stats::StatsError);
  EXPECT_THROW(stats::geomean_ratio_over_processes(two, two, zero), stats::StatsError);
  const std::vector<std::vector<double>> ragged = {{1.0}, {2.0, 3.0}};
  EXPECT_THROW(stats::geomean_ratio_over_processes(ragged, two, w), stats::StatsError);
  const std::vector<std::vector<double>> negative = {{1.0}, {-2.0}};
  EXPECT_THROW(stats::geomean_ratio_over_processes(negative, two, w), stats::StatsError);
}

std::string reps(const std::string& name, double us) {
  std::string out;
  for (double f : {0.98, 1.0, 1.02, 0.99, 1.01}) {
    out += std::string(out.empty() ? "" : ",") + R"({"name": ")" + name +
           R"(", "run_type": "iteration", "time_unit": "us", "real_time": )" +
           std::to_string(us * f) + "}";
  }
  return out;
}

// Process k of a framework: scenario a (two parameter points) scale_a, b scale_b, an A/A row,
// each process a little off (k) so there is a spread.
legion::compare::ProcessRun run(const std::string& framework, int k, double scale_a, double scale_b,
                                bool only_b = false) {
  const double p = 1.0 + 0.01 * k;
  std::string entries = reps("b/hot", 100 * scale_b * p);
  if (!only_b) {
    entries += "," + reps("a/n=1/hot", 100 * scale_a * p) + "," +
               reps("a/n=2/hot", 100 * scale_a * p) + "," +
               reps("harness/empty_adapter/hot", 0.0125 * p);
  }
  const std::string text = R"({"context": {"framework": ")" + framework +
                           R"(", "seed": 42}, "benchmarks": [)" + entries + "]}";
  return legion::compare::parse_process_run(text, framework + "." + std::to_string(k) + ".json");
}

TEST(ProcessGeomean, EachScenarioWeighsOneAndAAControlsStayOut) {
  // Scenario a (two parameter points) is 2x slower, scenario b 8x: the mean over scenarios is
  // sqrt(2 * 8) = 4, not (2 * 2 * 8)^(1/3) = 3.17 as it would be per benchmark, and not pulled
  // toward 1 by the A/A row.
  const auto c = legion::compare::compare_frameworks(
      {run("legion", 0, 1, 1), run("legion", 1, 1, 1), run("legion", 2, 1, 1),
       run("other", 0, 2, 8), run("other", 1, 2, 8), run("other", 2, 2, 8)},
      legion::compare::Options{});
  ASSERT_EQ(c.geomeans.size(), 1u);
  const auto& g = c.geomeans[0];
  EXPECT_EQ(g.regime, "hot");
  EXPECT_EQ(g.benchmarks, 3u);
  EXPECT_EQ(g.scenarios, 2u);
  ASSERT_TRUE(g.value.has_value());
  EXPECT_NEAR(g.value->ratio, 4.0, 1e-9);
  EXPECT_TRUE(g.value->interval.contains(4.0));
  EXPECT_EQ(c.family_rows.at("other"), 3u);  // the A/A row is not in the family either
}

TEST(ProcessGeomean, ProcessesThatRanOnlySomeRowsSharpenThoseRowsButNotTheMean) {
  // Two extra processes of `other` ran only b/hot (an adaptive driver's --benchmark_filter).
  const auto c = legion::compare::compare_frameworks(
      {run("legion", 0, 1, 1), run("legion", 1, 1, 1), run("legion", 2, 1, 1),
       run("other", 0, 2, 8), run("other", 1, 2, 8), run("other", 2, 2, 8),
       run("other", 3, 2, 8, true), run("other", 4, 2, 8, true)},
      legion::compare::Options{});
  for (const auto& r : c.rows) {
    if (r.benchmark == "b/hot") {
      EXPECT_EQ(r.candidate->processes, 5u);
    }
    if (r.benchmark == "a/n=1/hot") {
      EXPECT_EQ(r.candidate->processes, 3u);
    }
  }
  ASSERT_TRUE(c.geomeans[0].value.has_value());
  EXPECT_EQ(c.geomeans[0].value->n_b, 3u);  // the processes that ran every row
  EXPECT_EQ(c.geomeans[0].value->n_a, 3u);
}

}  // namespace
